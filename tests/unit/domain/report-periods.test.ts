import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alignedPeriod, childPeriods, halfYearOf, monthsOfPeriod, periodAt, periodKey, periodsOfYear } from '@domain/report-periods';

describe('report periods', () => {
  it('recognise a whole month, quarter, half-year or year, leap days included', () => {
    expect(alignedPeriod({ from: '2026-10-01', to: '2026-10-31' })).toMatchObject({ level: 'month', index: 10 });
    expect(alignedPeriod({ from: '2028-02-01', to: '2028-02-29' })).toMatchObject({ level: 'month', index: 2 });
    expect(alignedPeriod({ from: '2026-10-01', to: '2026-12-31' })).toMatchObject({ level: 'quarter', index: 4 });
    expect(alignedPeriod({ from: '2026-07-01', to: '2026-12-31' })).toMatchObject({ level: 'halfYear', index: 2 });
    expect(alignedPeriod({ from: '2026-01-01', to: '2026-12-31' })).toMatchObject({ level: 'year', index: 1 });
  });

  it('refuse every other range: a day, a month without its first or last day, a shifted quarter, two years', () => {
    for (const range of [
      { from: '2026-10-01', to: '2026-10-01' },
      { from: '2026-10-02', to: '2026-10-31' },
      { from: '2026-10-01', to: '2026-10-30' },
      { from: '2026-02-01', to: '2026-04-30' },
      { from: '2026-04-01', to: '2026-09-30' },
      { from: '2028-02-01', to: '2028-02-28' },
      { from: '2025-01-01', to: '2026-12-31' },
      { from: '2026-10-01', to: '2026-11-30' },
    ]) {
      expect(alignedPeriod(range), `${range.from}..${range.to}`).toBeUndefined();
    }
  });

  it('nest into one tree per year: 19 periods, each the sum of its children, down to the 12 months', () => {
    const periods = periodsOfYear(2026);
    expect(periods.map(periodKey)).toHaveLength(19);
    for (const period of periods) {
      const children = childPeriods(period);
      if (period.level === 'month') expect(children).toEqual([]);
      else expect(children.flatMap(monthsOfPeriod)).toEqual(monthsOfPeriod(period));
    }
    expect(monthsOfPeriod(periodAt('year', 2026, 1))).toHaveLength(12);
  });

  it('every range it accepts is one of the year’s periods, and each of those is accepted', () => {
    const day = fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (from, to) => {
        const period = alignedPeriod({ from, to });
        if (period) expect(periodsOfYear(period.year).some((p) => p.from === from && p.to === to)).toBe(true);
      }),
    );
    for (const p of periodsOfYear(2027)) expect(alignedPeriod(p)).toEqual(p);
  });

  it('finds the half-year of a day (the Sachbericht’s default)', () => {
    expect(halfYearOf('2026-06-30')).toMatchObject({ from: '2026-01-01', to: '2026-06-30' });
    expect(halfYearOf('2026-07-01')).toMatchObject({ from: '2026-07-01', to: '2026-12-31' });
  });
});
