// The one date form on what a family reads: long, in the family's language,
// Gregorian, Latin digits; never ISO unless the day or the language is no such thing.
import { describe, expect, it } from 'vitest';
import { formatFamilyDate } from '@client/features/family-card/family-date';

describe('formatFamilyDate', () => {
  it('writes the day long in the family’s language, Gregorian and with Latin digits', () => {
    expect(formatFamilyDate('2026-12-02', 'de')).toBe('2. Dezember 2026');
    expect(formatFamilyDate('2026-12-02', 'ar')).toMatch(/^2 \p{Script=Arabic}+ 2026$/u);
    // Persian defaults to the Solar Hijri calendar and Persian digits: a family in Germany reads German dates.
    expect(formatFamilyDate('2026-12-02', 'fa')).toMatch(/^2 \p{Script=Arabic}+ 2026$/u);
    expect(formatFamilyDate('2026-12-02', 'tr')).toBe('2 Aralık 2026');
  });

  it('keeps the calendar day whatever the time zone, and leaves what is no day alone', () => {
    expect(formatFamilyDate('2026-01-01', 'de')).toBe('1. Januar 2026');
    expect(formatFamilyDate('gestern', 'de')).toBe('gestern');
    expect(formatFamilyDate('2026-12-02', 'xx-invalid-tag-')).toBe('2026-12-02');
  });
});
