import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '@client/sync/backoff';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('backoff with jitter', () => {
  it('stays between half and all of the capped exponential ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, r) => {
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1));
        const delay = backoffDelay(failures, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('grows with consecutive failures and spreads devices apart', () => {
    expect(backoffDelay(1, policy, () => 0.999)).toBeLessThan(backoffDelay(4, policy, () => 0));
    expect(backoffDelay(5, policy, () => 0)).not.toBe(backoffDelay(5, policy, () => 0.9));
    expect(backoffDelay(40, policy, () => 0.999)).toBeLessThanOrEqual(60_000);
  });
});
