import { describe, expect, it } from 'vitest';
import {
  INDICATORS,
  INDICATOR_IDS,
  halfYearOf,
  monthsOf,
  periodProblem,
  publishIndicators,
  reportPeriodProblem,
  timeToContactBucket,
  type CountRow,
} from '@domain/indicators';

import { periodAt } from '@domain/report-periods';

const PERIOD = periodAt('quarter', 2026, 1);

function published(rows: CountRow[], sites = ['kita-a', 'kita-b']) {
  return publishIndicators({ rows, period: PERIOD, districts: ['nord', 'sued', ''], district: null, sites });
}

describe('indicator definitions', () => {
  it('define every indicator once, each with a formula in German and English', () => {
    expect(INDICATORS.map((i) => i.id)).toEqual([...INDICATOR_IDS]);
    for (const indicator of INDICATORS) {
      expect(indicator.formula.de.length).toBeGreaterThan(40);
      expect(indicator.formula.en.length).toBeGreaterThan(40);
    }
  });

  it('knows periods: months across a year end, half-years; exports refuse end before start and too long', () => {
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(halfYearOf('2026-06-30')).toMatchObject({ from: '2026-01-01', to: '2026-06-30' });
    expect(halfYearOf('2026-07-01')).toMatchObject({ from: '2026-07-01', to: '2026-12-31' });
    expect(periodProblem({ from: '2026-06-30', to: '2026-01-01' })).toBe('endBeforeStart');
    expect(periodProblem({ from: '2024-01-01', to: '2026-01-01' })).toBe('tooLong');
    expect(periodProblem({ from: '2026-01-01', to: '2026-01-01' })).toBeUndefined();
  });

  it('reports accept whole months, quarters, half-years and years only', () => {
    expect(reportPeriodProblem({ from: '2026-10-01', to: '2026-10-31' })).toBeUndefined();
    expect(reportPeriodProblem({ from: '2026-07-01', to: '2026-12-31' })).toBeUndefined();
    // The finding's ranges: one day, and October without its first day.
    expect(reportPeriodProblem({ from: '2026-10-01', to: '2026-10-01' })).toBe('periodNotAligned');
    expect(reportPeriodProblem({ from: '2026-10-02', to: '2026-10-31' })).toBe('periodNotAligned');
    expect(reportPeriodProblem({ from: '2026-12-31', to: '2026-01-01' })).toBe('endBeforeStart');
  });

  it('puts days to first contact into bands (the upper bound belongs to the band)', () => {
    expect([-1, 0, 7, 8, 14, 15, 28, 29, 400].map(timeToContactBucket)).toEqual([
      'days0to7',
      'days0to7',
      'days0to7',
      'days8to14',
      'days8to14',
      'days15to28',
      'days15to28',
      'days29plus',
      'days29plus',
    ]);
  });
});

describe('publishIndicators', () => {
  it('cross-tabulates by district and month with totals, and derives the reach rate from published numbers only', () => {
    const rows: CountRow[] = [
      { indicator: 'screening', category: 'offerRecommended', district: 'nord', month: '2026-01', n: 30 },
      { indicator: 'screening', category: 'none', district: 'sued', month: '2026-02', n: 50 },
      { indicator: 'screening', category: 'refused', district: 'nord', month: '2026-01', n: 20 },
    ];
    const screening = published(rows).find((i) => i.id === 'screening');
    expect(screening?.byDistrict?.columns).toEqual(['nord', 'sued', '']);
    expect(screening?.byDistrict?.table.columnTotals).toEqual([50, 50, 0]);
    expect(screening?.byMonth.table.columnTotals).toEqual([50, 50, 0]);
    expect(screening?.measures).toEqual({ offered: 100, consented: 80, refused: 20, reachRate: 0.8 });
    // HOME contacts have no district table (they report by site).
    expect(published(rows).find((i) => i.id === 'homeSite')?.byDistrict).toBeNull();
  });

  it('hides a month total in every table that shows it (HOME sites and kinds count the same contacts)', () => {
    const rows: CountRow[] = [
      // By site: January 2 + 9, February 12. By kind: the same 23 contacts, all short talks.
      { indicator: 'homeSite', category: 'kita-a', district: '', month: '2026-01', n: 2 },
      { indicator: 'homeSite', category: 'kita-b', district: '', month: '2026-01', n: 9 },
      { indicator: 'homeSite', category: 'kita-b', district: '', month: '2026-02', n: 12 },
      { indicator: 'homeKind', category: 'shortTalk', district: '', month: '2026-01', n: 11 },
      { indicator: 'homeKind', category: 'shortTalk', district: '', month: '2026-02', n: 12 },
    ];
    const result = published(rows);
    const site = result.find((i) => i.id === 'homeSite')?.byMonth.table;
    const kind = result.find((i) => i.id === 'homeKind')?.byMonth.table;
    expect(site?.cells[0]?.[0]).toBe('x');
    const hidden = (v: unknown) => typeof v !== 'number';
    expect(site?.columnTotals.map(hidden)).toEqual(kind?.columnTotals.map(hidden));
    expect(hidden(site?.total)).toBe(hidden(kind?.total));
    // Whatever the site table hides, the kind table must not publish: the January total (11) would give the 2 back.
    expect(site?.columnTotals[0]).not.toBe(11);
    expect(kind?.columnTotals[0]).not.toBe(11);
  });

  it('keeps a category the configuration no longer lists (a closed site) instead of dropping its counts', () => {
    const rows: CountRow[] = [{ indicator: 'homeSite', category: 'closed-site', district: '', month: '2026-01', n: 7 }];
    const site = published(rows).find((i) => i.id === 'homeSite');
    expect(site?.categories).toEqual(['kita-a', 'kita-b', 'closed-site']);
    expect(site?.byMonth.table.total).toBe(7);
  });
});
