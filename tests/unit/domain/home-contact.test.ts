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
});
