// Every suppressed entry reads the same to people: "*" for a count of 1–4, for
// an entry hidden with it and for an unpublished measure; numbers stay numbers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { suppressTable } from '@domain/suppression';
import { displayCount, isSuppressed, SUPPRESSED_MARK } from '@domain/suppressed-notation';

describe('the one mark for suppressed entries', () => {
  it('shows "<5", "x" and an unpublished measure as "*", and numbers (0 included) as they are', () => {
    expect(displayCount('<5')).toBe(SUPPRESSED_MARK);
    expect(displayCount('x')).toBe(SUPPRESSED_MARK);
    expect(displayCount(null)).toBe(SUPPRESSED_MARK);
    expect(displayCount(0)).toBe('0');
    expect(displayCount(17)).toBe('17');
    expect(displayCount(2.5, (n) => n.toFixed(1).replace('.', ','))).toBe('2,5');
  });

  it('marks exactly the entries suppression hides, in any table', () => {
    const table = fc.array(fc.array(fc.nat({ max: 12 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(table, (cells) => {
        const published = suppressTable({ cells });
        const entries = [...published.cells.flat(), ...published.rowTotals, ...published.columnTotals, published.total];
        for (const entry of entries) {
          expect(isSuppressed(entry)).toBe(typeof entry !== 'number');
          expect(displayCount(entry)).toBe(typeof entry === 'number' ? String(entry) : SUPPRESSED_MARK);
        }
      }),
    );
  });
});
