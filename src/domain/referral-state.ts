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
// Where a referral ended or stalled, its state carries a reason (findhelp's
// vocabulary, DOMAIN.md "What others learned"): declined always names one;
// completed, contacted and noResponse may; the others carry none.
// docs/REFERRALS.md maps states and reasons onto FHIR Task.status / statusReason.
import type { Role } from '@shared/protocol';

export const REFERRAL_STATES = ['suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** The states a partner organisation may set (the buttons of the partner view). */
export const PARTNER_TARGET_STATES = ['contacted', 'started', 'completed', 'declined'] as const satisfies readonly ReferralState[];

/** Why a referral ended or stalled (or how far it got): kept in sync with REFERRAL_REASON_VALUES in src/shared/referral-api.ts. */
export const REFERRAL_REASONS = [
  'gotHelp',
  'appointmentMade',
  'couldNotContact',
  'notEligible',
  'noCapacity',
  'noLongerInterested',
  'referredElsewhere',
  'other',
] as const;
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

/**
 * Which reasons fit which state, and whether one is required. A state not
 * listed takes no reason. Declined must say why (the funnel's failure
 * reasons); noResponse may say what the coordinator's follow-up learned.
 */
export const REASONS_BY_STATE: Readonly<Partial<Record<ReferralState, { required: boolean; reasons: readonly ReferralReason[] }>>> = {
  contacted: { required: false, reasons: ['appointmentMade'] },
  completed: { required: false, reasons: ['gotHelp', 'referredElsewhere', 'other'] },
  declined: {
    required: true,
    reasons: ['couldNotContact', 'notEligible', 'noCapacity', 'noLongerInterested', 'referredElsewhere', 'other'],
  },
  noResponse: { required: false, reasons: ['couldNotContact', 'noLongerInterested', 'other'] },
};

export function isReferralReason(value: unknown): value is ReferralReason {
  return typeof value === 'string' && (REFERRAL_REASONS as readonly string[]).includes(value);
}

/** The reasons a referral entering `state` may carry (empty: none). */
export function reasonsFor(state: ReferralState): readonly ReferralReason[] {
  return REASONS_BY_STATE[state]?.reasons ?? [];
}

export type ReasonRefusal = 'reasonRequired' | 'reasonNotForState';

/** Does `reason` (or its absence) fit a referral entering `state`? */
export function reasonVerdict(state: ReferralState, reason: ReferralReason | null): { ok: true } | { ok: false; reason: ReasonRefusal } {
  const rule = REASONS_BY_STATE[state];
  if (reason === null) return rule?.required === true ? { ok: false, reason: 'reasonRequired' } : { ok: true };
  return rule?.reasons.includes(reason) === true ? { ok: true } : { ok: false, reason: 'reasonNotForState' };
}

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

export type TransitionRefusal = 'sameState' | 'finalState' | 'notAllowedForRole' | 'notOverdue' | ReasonRefusal;
export type TransitionVerdict = { ok: true } | { ok: false; reason: TransitionRefusal };

export interface TransitionContext {
  /** When the referral entered its current state. */
  stateChangedAt: Date;
  now: Date;
  /** The municipality's no-response weeks (DEFAULT_NO_RESPONSE_WEEKS if unset). */
  noResponseWeeks: number;
}

/** May `actor` move a referral from `from` to `to`, giving `reason` (null: none)? */
export function canTransition(
  from: ReferralState,
  to: ReferralState,
  actor: ReferralActor,
  context: TransitionContext,
  reason: ReferralReason | null = null,
): TransitionVerdict {
  if (from === to) return { ok: false, reason: 'sameState' };
  if (FINAL_STATES.has(from)) return { ok: false, reason: 'finalState' };
  const targets = ALLOWED[actor][from] ?? [];
  if (!targets.includes(to)) return { ok: false, reason: 'notAllowedForRole' };
  if (to === 'noResponse' && !isOverdue(from, context.stateChangedAt, context.now, context.noResponseWeeks)) {
    return { ok: false, reason: 'notOverdue' };
  }
  return reasonVerdict(to, reason);
}

/** The states `actor` could move a referral in `from` to (ignoring the overdue condition). */
export function nextStates(from: ReferralState, actor: ReferralActor): readonly ReferralState[] {
  return FINAL_STATES.has(from) ? [] : (ALLOWED[actor][from] ?? []);
}

/** The states a newly pushed referral passes through: always suggested, then handedOver if the slip was given. */
export function initialStates(slipHandedOver: boolean): readonly ReferralState[] {
  return slipHandedOver ? ['suggested', 'handedOver'] : ['suggested'];
}

/** One tap of a partner: a state, with the reason it carries (null: none). */
export interface UptakeChoice {
  state: ReferralState;
  reason: ReferralReason | null;
}

/**
 * The taps a partner is offered on a referral in `from`: each next state once
 * without a reason where none is required, and once per fitting reason — so
 * every confirmation is one tap, and each tap passes `canTransition`.
 */
export function uptakeChoices(from: ReferralState): readonly UptakeChoice[] {
  return nextStates(from, 'partner').flatMap((state) => {
    const rule = REASONS_BY_STATE[state];
    const plain: UptakeChoice[] = rule?.required === true ? [] : [{ state, reason: null }];
    return [...plain, ...reasonsFor(state).map((reason) => ({ state, reason }))];
  });
}
