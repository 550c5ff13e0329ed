// The life of a referral (Vermittlung, DOMAIN.md "How the pieces fit"):
//   suggested → handedOver → contacted → started → completed
// or declined, or noResponse once no uptake was confirmed within the
// municipality's configured weeks. Who may move a referral where:
//   - staff on the tablet (fieldworker, approver, coordinator) make the
//     referral: suggested → handedOver (the family took the slip) or
//     suggested → declined (the family did not want it after all);
//   - the partner organisation running the offer confirms uptake when the
//     family turns to it: contacted, started, completed, or declined —
//     also from noResponse, because a family may come late;
//   - the coordinator marks noResponse, and only once the referral is overdue.
// Completed and declined are final. The server enforces this on every change.
import type { Role } from '@shared/protocol';

export const REFERRAL_STATES = ['suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** The states a partner organisation may set (the buttons of the partner view). */
export const PARTNER_TARGET_STATES = ['contacted', 'started', 'completed', 'declined'] as const satisfies readonly ReferralState[];

/** Default for municipalities without a setting: no uptake confirmed within 6 weeks → follow up. */
export const DEFAULT_NO_RESPONSE_WEEKS = 6;

const WEEK_MS = 7 * 86_400_000;

/** Who acts, as far as referrals are concerned. */
export type ReferralActor = 'tablet' | 'partner' | 'coordinator';

/** States in which the family has not (yet) been confirmed by the partner: the no-response clock runs. */
const AWAITING_UPTAKE: ReadonlySet<ReferralState> = new Set(['suggested', 'handedOver']);

export const FINAL_STATES: ReadonlySet<ReferralState> = new Set(['completed', 'declined']);

const ALLOWED: Readonly<Record<ReferralActor, Readonly<Partial<Record<ReferralState, readonly ReferralState[]>>>>> = {
  tablet: {
    suggested: ['handedOver', 'declined'],
  },
  partner: {
    handedOver: ['contacted', 'started', 'declined'],
    noResponse: ['contacted', 'started', 'declined'],
    contacted: ['started', 'declined'],
    started: ['completed', 'declined'],
  },
  coordinator: {
    suggested: ['noResponse'],
    handedOver: ['noResponse'],
  },
};

export function isReferralState(value: unknown): value is ReferralState {
  return typeof value === 'string' && (REFERRAL_STATES as readonly string[]).includes(value);
}

/** The referral actor a staff member acts as in a given place, or null if none of their roles may act there. */
export function actorForRoles(roles: readonly Role[], place: 'partnerView' | 'office' | 'tablet'): ReferralActor | null {
  if (place === 'partnerView') return roles.includes('partner') ? 'partner' : null;
  if (place === 'office') return roles.includes('coordinator') ? 'coordinator' : null;
  return roles.some((role) => role === 'fieldworker' || role === 'approver' || role === 'coordinator') ? 'tablet' : null;
}

/** Is a referral in `state`, last changed at `stateChangedAt`, overdue (no uptake after `weeks` weeks) at `now`? */
export function isOverdue(state: ReferralState, stateChangedAt: Date, now: Date, weeks: number): boolean {
  return AWAITING_UPTAKE.has(state) && now.getTime() - stateChangedAt.getTime() >= weeks * WEEK_MS;
}

/** The instant before which a referral awaiting uptake counts as overdue. */
export function overdueBefore(now: Date, weeks: number): Date {
  return new Date(now.getTime() - weeks * WEEK_MS);
}

export type TransitionRefusal = 'sameState' | 'finalState' | 'notAllowedForRole' | 'notOverdue';
export type TransitionVerdict = { ok: true } | { ok: false; reason: TransitionRefusal };

export interface TransitionContext {
  /** When the referral entered its current state. */
  stateChangedAt: Date;
  now: Date;
  /** The municipality's no-response weeks (DEFAULT_NO_RESPONSE_WEEKS if unset). */
  noResponseWeeks: number;
}

/** May `actor` move a referral from `from` to `to`? */
export function canTransition(from: ReferralState, to: ReferralState, actor: ReferralActor, context: TransitionContext): TransitionVerdict {
  if (from === to) return { ok: false, reason: 'sameState' };
  if (FINAL_STATES.has(from)) return { ok: false, reason: 'finalState' };
  const targets = ALLOWED[actor][from] ?? [];
  if (!targets.includes(to)) return { ok: false, reason: 'notAllowedForRole' };
  if (to === 'noResponse' && !isOverdue(from, context.stateChangedAt, context.now, context.noResponseWeeks)) {
    return { ok: false, reason: 'notOverdue' };
  }
  return { ok: true };
}

/** The states `actor` could move a referral in `from` to (ignoring the overdue condition). */
export function nextStates(from: ReferralState, actor: ReferralActor): readonly ReferralState[] {
  return FINAL_STATES.has(from) ? [] : (ALLOWED[actor][from] ?? []);
}

/** The states a newly pushed referral passes through: always suggested, then handedOver if the slip was given. */
export function initialStates(slipHandedOver: boolean): readonly ReferralState[] {
  return slipHandedOver ? ['suggested', 'handedOver'] : ['suggested'];
}
