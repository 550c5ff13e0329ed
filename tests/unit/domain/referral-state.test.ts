import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REFERRAL_STATES, actorForRoles, canTransition, isOverdue, nextStates } from '@domain/referral-state';
import type { ReferralActor, ReferralState } from '@domain/referral-state';

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

const state = fc.constantFrom(...REFERRAL_STATES);
const actor = fc.constantFrom(...ACTORS);
const weeks = fc.integer({ min: 1, max: 52 });
const age = fc.integer({ min: 0, max: 60 * WEEK });
const NOW = new Date('2026-11-22T12:00:00Z');

describe('referral state machine', () => {
  it('accepts no transition outside the legal list, and noResponse only when overdue', () => {
    fc.assert(
      fc.property(state, state, actor, weeks, age, (from, to, who, noResponseWeeks, ageMs) => {
        const stateChangedAt = new Date(NOW.getTime() - ageMs);
        const verdict = canTransition(from, to, who, { stateChangedAt, now: NOW, noResponseWeeks });
        const legal = LEGAL.has(`${who}:${from}>${to}`);
        const overdue = ageMs >= noResponseWeeks * WEEK;
        const expected = legal && (to !== 'noResponse' || overdue);
        expect(verdict.ok).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves a final state and never moves backwards along the uptake path on any walk', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(actor, state, age), { maxLength: 30 }), weeks, (steps, noResponseWeeks) => {
        let current: ReferralState = 'suggested';
        for (const [who, to, ageMs] of steps) {
          const verdict = canTransition(current, to, who, {
            stateChangedAt: new Date(NOW.getTime() - ageMs),
            now: NOW,
            noResponseWeeks,
          });
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
