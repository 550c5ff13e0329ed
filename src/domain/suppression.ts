// What a published count is: the number, or the one mark of a hidden entry.
// Which entries are hidden is decided for a whole year of reports at once
// (./report-system.ts, docs/INDICATORS.md): a count of 1–4 and the entries that
// keep it from being recomputed from any other report's numbers.

/** A published entry: the count, or "x" — hidden (a count of 1–4, or hidden so that none can be recomputed). */
export type PublishedCount = number | 'x';

export const SMALL_CELL = { min: 1, max: 4, hiddenLabel: 'x' } as const;

export interface PublishedTable {
  cells: PublishedCount[][];
  rowTotals: PublishedCount[];
  columnTotals: PublishedCount[];
  total: PublishedCount;
}

export function isSmallCount(value: number): boolean {
  return value >= SMALL_CELL.min && value <= SMALL_CELL.max;
}

/** The number if published, else undefined. */
export function publishedNumber(value: PublishedCount | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
