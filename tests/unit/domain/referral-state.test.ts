import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REFERRAL_REASONS,
  REFERRAL_STATES,
  actorForRoles,
  canTransition,
  isOverdue,
  nextStates,
  uptakeChoices,
} from '@domain/referral-state';
import type { ReferralActor, ReferralReason, ReferralState } from '@domain/referral-state';
import { REFERRAL_REASON_VALUES, REFERRAL_STATE_VALUES } from '@shared/referral-api';

const WEEK = 7 * 86_400_000;
const ACTORS: readonly ReferralActor[] = ['tablet', 'partner', 'coordinator'];

/** The legal moves, written out independently of the implementation's table. */
const LEGAL = new Set([
  'tablet:suggested>handedOver',
  'tablet:suggested>declined',
  'partner:handedOver>contacted',
  'partner:handedOver>started',
  'partner:handedOver>declined',
  'partner:noResponse>contacted',
  'partner:noResponse>started',
  'partner:noResponse>declined',
  'partner:contacted>started',
  'partner:contacted>declined',
  'partner:started>completed',
  'partner:started>declined',
  'coordinator:suggested>noResponse',
  'coordinator:handedOver>noResponse',
]);

/** Position on the uptake path: partner moves never go backwards along it. */
const ORDER: Record<ReferralState, number> = {
  suggested: 0,
  handedOver: 1,
  noResponse: 1,
  contacted: 2,
  started: 3,
  completed: 4,
  declined: 5,
};

/** Which reason fits which state, written out independently: `!` marks a state that needs one. */
const REASONS: Partial<Record<ReferralState, string>> = {
  contacted: 'appointmentMade',
  completed: 'gotHelp referredElsewhere other',
  declined: '! couldNotContact notEligible noCapacity noLongerInterested referredElsewhere other',
  noResponse: 'couldNotContact noLongerInterested other',
};
function reasonFits(to: ReferralState, reason: ReferralReason | null): boolean {
  const rule = (REASONS[to] ?? '').split(' ');
  return reason === null ? !rule.includes('!') : rule.includes(reason);
}

const state = fc.constantFrom(...REFERRAL_STATES);
const reason = fc.option(fc.constantFrom(...REFERRAL_REASONS), { nil: null });
const actor = fc.constantFrom(...ACTORS);
const weeks = fc.integer({ min: 1, max: 52 });
const age = fc.integer({ min: 0, max: 60 * WEEK });
const NOW = new Date('2026-11-22T12:00:00Z');

describe('referral state machine', () => {
  it('accepts no transition outside the legal list, noResponse only when overdue, and only with a fitting reason', () => {
    fc.assert(
      fc.property(state, state, actor, weeks, age, reason, (from, to, who, noResponseWeeks, ageMs, why) => {
        const stateChangedAt = new Date(NOW.getTime() - ageMs);
        const verdict = canTransition(from, to, who, { stateChangedAt, now: NOW, noResponseWeeks }, why);
        const legal = LEGAL.has(`${who}:${from}>${to}`);
        const overdue = ageMs >= noResponseWeeks * WEEK;
        const expected = legal && (to !== 'noResponse' || overdue) && reasonFits(to, why);
        expect(verdict.ok).toBe(expected);
        // A legal move refused only for its reason says so.
        if (legal && (to !== 'noResponse' || overdue) && !reasonFits(to, why)) {
          expect(verdict).toEqual({ ok: false, reason: why === null ? 'reasonRequired' : 'reasonNotForState' });
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('offers the partner only taps that the state machine accepts, and every accepted one', () => {
    const context = { stateChangedAt: NOW, now: NOW, noResponseWeeks: 6 };
    for (const from of REFERRAL_STATES) {
      const offered = uptakeChoices(from).map((c) => `${c.state}/${c.reason ?? '-'}`);
      const accepted = REFERRAL_STATES.flatMap((to) =>
        [null, ...REFERRAL_REASONS]
          .filter((why) => canTransition(from, to, 'partner', context, why).ok)
          .map((why) => `${to}/${why ?? '-'}`),
      );
      expect(offered.sort()).toEqual(accepted.sort());
    }
    expect(
      uptakeChoices('handedOver')
        .filter((c) => c.state === 'declined')
        .map((c) => c.reason),
    ).toContain('noCapacity');
    expect(uptakeChoices('completed')).toEqual([]);
  });

  it('keeps the shared contract’s state and reason lists in step with the domain', () => {
    expect([...REFERRAL_STATE_VALUES]).toEqual([...REFERRAL_STATES]);
    expect([...REFERRAL_REASON_VALUES]).toEqual([...REFERRAL_REASONS]);
  });

  it('never leaves a final state and never moves backwards along the uptake path on any walk', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(actor, state, age, reason), { maxLength: 30 }), weeks, (steps, noResponseWeeks) => {
        let current: ReferralState = 'suggested';
        for (const [who, to, ageMs, why] of steps) {
          const verdict = canTransition(
            current,
            to,
            who,
            {
              stateChangedAt: new Date(NOW.getTime() - ageMs),
              now: NOW,
              noResponseWeeks,
            },
            why,
          );
          if (!verdict.ok) continue;
          expect(current === 'completed' || current === 'declined').toBe(false);
          if (to !== 'declined' && to !== 'noResponse') expect(ORDER[to]).toBeGreaterThan(ORDER[current]);
          current = to;
        }
      }),
    );
  });

  it('tells why a transition is refused', () => {
    const context = { stateChangedAt: NOW, now: NOW, noResponseWeeks: 6 };
    expect(canTransition('completed', 'started', 'partner', context)).toEqual({ ok: false, reason: 'finalState' });
    expect(canTransition('started', 'started', 'partner', context)).toEqual({ ok: false, reason: 'sameState' });
    expect(canTransition('handedOver', 'completed', 'partner', context)).toEqual({ ok: false, reason: 'notAllowedForRole' });
    expect(canTransition('handedOver', 'contacted', 'coordinator', context)).toEqual({ ok: false, reason: 'notAllowedForRole' });
    expect(canTransition('handedOver', 'noResponse', 'coordinator', context)).toEqual({ ok: false, reason: 'notOverdue' });
    const sevenWeeksAgo = new Date(NOW.getTime() - 7 * WEEK);
    expect(canTransition('handedOver', 'noResponse', 'coordinator', { ...context, stateChangedAt: sevenWeeksAgo })).toEqual({ ok: true });
  });

  it('counts a referral as overdue only while it awaits uptake', () => {
    const old = new Date(NOW.getTime() - 10 * WEEK);
    expect(isOverdue('handedOver', old, NOW, 6)).toBe(true);
    expect(isOverdue('suggested', old, NOW, 6)).toBe(true);
    expect(isOverdue('handedOver', old, NOW, 11)).toBe(false);
    expect(isOverdue('contacted', old, NOW, 6)).toBe(false);
    expect(isOverdue('noResponse', old, NOW, 6)).toBe(false);
  });

  it('maps roles to actors per place and offers the partner only forward buttons', () => {
    expect(actorForRoles(['partner'], 'partnerView')).toBe('partner');
    expect(actorForRoles(['coordinator'], 'partnerView')).toBeNull();
    expect(actorForRoles(['partner'], 'office')).toBeNull();
    expect(actorForRoles(['fieldworker'], 'tablet')).toBe('tablet');
    expect(actorForRoles(['partner', 'admin'], 'tablet')).toBeNull();
    expect(nextStates('handedOver', 'partner')).toEqual(['contacted', 'started', 'declined']);
    expect(nextStates('completed', 'partner')).toEqual([]);
  });
});
