// Calendar days: the tablet's own day for forms, the Berlin day for reports —
// an instant late in the evening UTC is already tomorrow in Germany.
import { describe, expect, it } from 'vitest';
import { isoDateInZone, localIsoDate, monthOfIsoDate } from '@domain/dates';
import { localIsoDate as reExported } from '@domain/home-contact';

describe('calendar dates', () => {
  it('gives the local day, padded', () => {
    expect(localIsoDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(reExported).toBe(localIsoDate);
  });

  it('gives the Berlin day of an instant, in winter and summer time', () => {
    expect(isoDateInZone(new Date('2026-11-20T22:59:59Z'))).toBe('2026-11-20');
    expect(isoDateInZone(new Date('2026-11-20T23:00:00Z'))).toBe('2026-11-21');
    expect(isoDateInZone(new Date('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
    expect(isoDateInZone(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
    expect(isoDateInZone(new Date('2026-07-01T22:00:00Z'), 'UTC')).toBe('2026-07-01');
  });

  it('gives the month of a day', () => {
    expect(monthOfIsoDate('2026-03-31')).toBe('2026-03');
  });
});
