import { describe, expect, it } from 'vitest';
import { applicableAtOnce, raisedSafeguards, weakenedSafeguards, type SafeguardSettings } from '@domain/safeguards';

const IN_FORCE: SafeguardSettings = {
  autoLockMinutes: 5,
  maxUnlockAttempts: 5,
  retentionDaysAfterSync: 7,
  fourEyesKinds: ['screening'],
  fourEyesForReferrals: true,
  officeLockMinutes: 15,
  officeSessionHours: 12,
  tabletSessionDays: 14,
};

describe('session settings as safeguards', () => {
  it('counts longer office locks and sign-in lifetimes as weakening, and holds them at the values in force', () => {
    const proposed = { ...IN_FORCE, officeLockMinutes: 60, officeSessionHours: 24, tabletSessionDays: 30 };
    expect(weakenedSafeguards(IN_FORCE, proposed)).toEqual(['officeLockMinutes', 'officeSessionHours', 'tabletSessionDays']);
    expect(applicableAtOnce(IN_FORCE, proposed)).toEqual(IN_FORCE);
  });

  it('applies shorter ones at once as raised safeguards', () => {
    const proposed = { ...IN_FORCE, officeLockMinutes: 5, tabletSessionDays: 7 };
    expect(weakenedSafeguards(IN_FORCE, proposed)).toEqual([]);
    expect(raisedSafeguards(IN_FORCE, proposed)).toEqual(['officeLockMinutes', 'tabletSessionDays']);
    expect(applicableAtOnce(IN_FORCE, proposed)).toEqual(proposed);
  });

  it('leaves a session setting the request does not name as it is', () => {
    const { officeSessionHours: _left, ...proposed } = { ...IN_FORCE, autoLockMinutes: 10 };
    expect(weakenedSafeguards(IN_FORCE, proposed)).toEqual(['autoLockMinutes']);
    expect('officeSessionHours' in applicableAtOnce(IN_FORCE, proposed)).toBe(false);
  });
});
