import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { suppressLinked, suppressTable } from '@domain/suppression';
import type { PublishedCount, PublishedTable } from '@domain/suppression';
import { derivableUnknowns } from '../../fixtures/suppression-attack';

/** The extended grid (cells, row totals as last column, column totals as last row). */
function extendedTruth(cells: number[][]): number[][] {
  const rows = cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const width = (cells[0]?.length ?? 0) + 1;
  rows.push(Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0)));
  return rows;
}

function extendedPublished(table: PublishedTable): PublishedCount[][] {
  return [...table.cells.map((row, i) => [...row, table.rowTotals[i] as PublishedCount]), [...table.columnTotals, table.total]];
}

function expectHonest(published: PublishedCount[][], truth: number[][]): void {
  for (const [i, row] of truth.entries()) {
    for (const [j, value] of row.entries()) {
      const shown = published[i]?.[j];
      if (value >= 1 && value <= 4) expect(shown).toBe('<5');
      else if (typeof shown === 'number') expect(shown).toBe(value);
      else expect(shown).toBe('x');
    }
  }
}

// Small counts on purpose: many cells of 1–4, some zeros, some large.
const count = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 60 }));
const matrix = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([rows, columns]) => fc.array(fc.array(count, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }));

describe('small-cell suppression', () => {
  it('shows 1–4 as "<5", keeps 0 and counts of 5 or more, and hides the partner cells', () => {
    const table = suppressTable({
      cells: [
        [3, 10, 12],
        [20, 30, 40],
      ],
    });
    expect(table.cells[0]?.[0]).toBe('<5');
    // Row 0 would give the 3 back as 25 − 10 − 12: the smallest other cell of row and column is hidden too.
    expect(table.cells[0]?.[1]).toBe('x');
    expect(table.cells[1]?.[0]).toBe('x');
    expect(table.total).toBe(115);
    expect(
      suppressTable({
        cells: [
          [0, 7],
          [8, 9],
        ],
      }),
    ).toEqual({
      cells: [
        [0, 7],
        [8, 9],
      ],
      rowTotals: [7, 17],
      columnTotals: [8, 16],
      total: 24,
    });
  });

  it('property: no suppressed value can be derived from the published cells and totals', () => {
    fc.assert(
      fc.property(matrix, (cells) => {
        const published = extendedPublished(suppressTable({ cells }));
        const truth = extendedTruth(cells);
        expectHonest(published, truth);
        expect(derivableUnknowns([{ published, truth, key: (i, j) => `${i}/${j}` }])).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('property: two tables sharing their category totals (by district, by month) reveal nothing together', () => {
    const pair = matrix.chain((byDistrict) =>
      fc.integer({ min: 1, max: 5 }).chain((months) =>
        fc
          .tuple(
            ...byDistrict.map((row) =>
              fc.array(fc.nat(), { minLength: months, maxLength: months }).map((weights) =>
                spread(
                  row.reduce((a, b) => a + b, 0),
                  weights,
                ),
              ),
            ),
          )
          .map((byMonth) => ({ byDistrict, byMonth })),
      ),
    );
    fc.assert(
      fc.property(pair, ({ byDistrict, byMonth }) => {
        const rows = byDistrict.map((_, i) => `category-${i}`);
        const [a, b] = suppressLinked([
          { table: { cells: byDistrict }, keys: { rows, total: 'all' } },
          { table: { cells: byMonth }, keys: { rows, total: 'all' } },
        ]);
        if (!a || !b) throw new Error('two tables expected');
        const truthA = extendedTruth(byDistrict);
        const truthB = extendedTruth(byMonth);
        const pa = extendedPublished(a);
        const pb = extendedPublished(b);
        expectHonest(pa, truthA);
        expectHonest(pb, truthB);
        const shared =
          (t: string, grid: number[][]) =>
          (i: number, j: number): string => {
            const lastRow = grid.length - 1;
            const lastColumn = (grid[0]?.length ?? 1) - 1;
            if (i === lastRow && j === lastColumn) return 'all';
            if (j === lastColumn) return `category-${i}`;
            return `${t}:${i}/${j}`;
          };
        expect(
          derivableUnknowns([
            { published: pa, truth: truthA, key: shared('a', truthA) },
            { published: pb, truth: truthB, key: shared('b', truthB) },
          ]),
        ).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

/** Splits `total` into parts proportional to `weights` (integers adding up to total). */
function spread(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, k) => (k === 0 ? total : 0));
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  parts[0] = (parts[0] ?? 0) + total - parts.reduce((a, b) => a + b, 0);
  return parts;
}
