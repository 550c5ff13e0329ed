// The fleet view's warning rule: a tablet silent for N days while holding unsent
// records, a tablet whose oldest unsent record is N days old, an outdated app.
import { describe, expect, it } from 'vitest';
import { fleetWarnings, isOlderVersion, lastSeenAt, type FleetFacts } from '@domain/fleet-warnings';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const POLICY = { warningDays: 3, currentAppVersion: '0.4.0' };
const daysAgo = (days: number): string => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const healthy: FleetFacts = {
  revoked: false,
  lastContactAt: daysAgo(0.1),
  lastPushAt: daysAgo(0.1),
  unsentCount: 0,
  oldestUnsentAt: null,
  appVersion: '0.4.0',
};

describe('fleetWarnings', () => {
  it('says nothing about a tablet that is in touch, current and holds nothing', () => {
    expect(fleetWarnings(healthy, NOW, POLICY)).toEqual([]);
  });

  it('warns when a tablet holding unsent records has been silent for N days, not a minute before', () => {
    const silent = { ...healthy, lastContactAt: daysAgo(3), lastPushAt: daysAgo(5), unsentCount: 2, oldestUnsentAt: daysAgo(1) };
    expect(fleetWarnings(silent, NOW, POLICY)).toEqual(['unsentWhileSilent']);
    const almost = { ...silent, lastContactAt: new Date(NOW.getTime() - 3 * 86_400_000 + 60_000).toISOString() };
    expect(fleetWarnings(almost, NOW, POLICY)).toEqual([]);
    // Silent but empty: nothing is at risk.
    expect(fleetWarnings({ ...silent, unsentCount: 0, oldestUnsentAt: null }, NOW, POLICY)).toEqual([]);
  });

  it('counts a push as contact, so a tablet that pushes but never reports is not silent', () => {
    const pushing = { ...healthy, lastContactAt: daysAgo(10), lastPushAt: daysAgo(0.5), unsentCount: 1, oldestUnsentAt: daysAgo(0.5) };
    expect(fleetWarnings(pushing, NOW, POLICY)).toEqual([]);
    expect(lastSeenAt(pushing)).toBe(daysAgo(0.5));
  });

  it('warns about a record unsent for N days even while the tablet keeps in touch', () => {
    const stuck = { ...healthy, unsentCount: 1, oldestUnsentAt: daysAgo(3) };
    expect(fleetWarnings(stuck, NOW, POLICY)).toEqual(['unsentTooOld']);
    expect(fleetWarnings({ ...stuck, oldestUnsentAt: daysAgo(2.9) }, NOW, POLICY)).toEqual([]);
    expect(fleetWarnings(stuck, NOW, { ...POLICY, warningDays: 7 })).toEqual([]);
  });

  it('warns about an app older than the backend’s, compared number by number', () => {
    expect(fleetWarnings({ ...healthy, appVersion: '0.3.9' }, NOW, POLICY)).toEqual(['outdatedApp']);
    expect(fleetWarnings({ ...healthy, appVersion: '0.10.0' }, NOW, { ...POLICY, currentAppVersion: '0.9.0' })).toEqual([]);
    expect(fleetWarnings({ ...healthy, appVersion: '0.5.0' }, NOW, POLICY)).toEqual([]);
    expect(isOlderVersion('1.2.3', '1.2.3')).toBe(false);
    expect(isOlderVersion('1.2.3', '1.10.0')).toBe(true);
  });

  it('gives all warnings at once, and none for a revoked tablet', () => {
    const lost = {
      revoked: false,
      lastContactAt: daysAgo(9),
      lastPushAt: null,
      unsentCount: 4,
      oldestUnsentAt: daysAgo(12),
      appVersion: '0.1.0',
    };
    expect(fleetWarnings(lost, NOW, POLICY)).toEqual(['unsentWhileSilent', 'unsentTooOld', 'outdatedApp']);
    expect(fleetWarnings({ ...lost, revoked: true }, NOW, POLICY)).toEqual([]);
  });

  it('treats a tablet that never reported (older app) as holding nothing it told us about', () => {
    const older = { revoked: false, lastContactAt: null, lastPushAt: null, unsentCount: null, oldestUnsentAt: null, appVersion: null };
    expect(fleetWarnings(older, NOW, POLICY)).toEqual([]);
    expect(lastSeenAt(older)).toBeNull();
  });
});
