import { describe, expect, it } from 'vitest';
import { homeContactDefaults, localIsoDate, timeSlotAt } from '@domain/home-contact';

describe('HOME contact rules', () => {
  it('derives the foyer time slot from the hour', () => {
    expect(timeSlotAt(7)).toBe('dropOff');
    expect(timeSlotAt(9)).toBe('dropOff');
    expect(timeSlotAt(10)).toBe('daytime');
    expect(timeSlotAt(13)).toBe('daytime');
    expect(timeSlotAt(14)).toBe('pickUp');
    expect(timeSlotAt(17)).toBe('pickUp');
  });

  it('uses the local calendar day, not UTC', () => {
    expect(localIsoDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('preselects the site only when there is exactly one', () => {
    const now = new Date(2026, 10, 20, 8, 0);
    expect(homeContactDefaults(now, ['kita-a']).site).toBe('kita-a');
    expect(homeContactDefaults(now, ['kita-a', 'kita-b']).site).toBeUndefined();
    expect(homeContactDefaults(now, []).timeSlot).toBe('dropOff');
  });

  it('starts with the site of an earlier contact the same day, never one of another day or no longer configured', () => {
    const morning = new Date(2026, 10, 20, 8, 0);
    const later = new Date(2026, 10, 20, 11, 30);
    expect(homeContactDefaults(later, ['kita-a', 'kita-b'], { siteId: 'kita-b', date: '2026-11-20' }).site).toBe('kita-b');
    expect(homeContactDefaults(morning, ['kita-a', 'kita-b'], { siteId: 'kita-b', date: '2026-11-19' }).site).toBeUndefined();
    expect(homeContactDefaults(morning, ['kita-a'], { siteId: 'kita-gone', date: '2026-11-20' }).site).toBe('kita-a');
  });
});
