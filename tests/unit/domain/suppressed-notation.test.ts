// Every suppressed entry reads the same to people: "*" for a count of 1–4, for
// an entry hidden with it and for an unpublished measure; numbers stay numbers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { publishIndicators, type CountRow } from '@domain/indicators';
import { periodAt } from '@domain/report-periods';
import { displayCount, isSuppressed, SUPPRESSED_MARK } from '@domain/suppressed-notation';

describe('the one mark for suppressed entries', () => {
  it('shows a hidden entry ("x") and an unpublished measure as "*", and numbers (0 included) as they are', () => {
    expect(displayCount('x')).toBe(SUPPRESSED_MARK);
    expect(displayCount(null)).toBe(SUPPRESSED_MARK);
    expect(displayCount(0)).toBe('0');
    expect(displayCount(17)).toBe('17');
    expect(displayCount(2.5, (n) => n.toFixed(1).replace('.', ','))).toBe('2,5');
  });

  it('marks exactly the entries suppression hides, in any table', () => {
    const rows = fc.array(
      fc.record({
        indicator: fc.constant('welcomeOutcome' as const),
        category: fc.constantFrom('visited', 'nobodyHome', 'declined'),
        district: fc.constantFrom('nord', ''),
        month: fc.constantFrom('2026-01', '2026-02', '2026-03'),
        n: fc.nat({ max: 12 }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(rows, (counts: CountRow[]) => {
        const [welcome] = publishIndicators({
          rows: counts,
          period: periodAt('quarter', 2026, 1),
          districts: ['nord', ''],
          district: null,
          sites: [],
        }).filter((i) => i.id === 'welcomeOutcome');
        const published = welcome?.byMonth.table ?? { cells: [], rowTotals: [], columnTotals: [], total: 0 };
        const entries = [...published.cells.flat(), ...published.rowTotals, ...published.columnTotals, published.total];
        for (const entry of entries) {
          expect(isSuppressed(entry)).toBe(typeof entry !== 'number');
          expect(displayCount(entry)).toBe(typeof entry === 'number' ? String(entry) : SUPPRESSED_MARK);
        }
      }),
      { numRuns: 20 },
    );
  });
});
