// How a report shows what small-cell suppression (./report-system.ts) hides: one
// mark for every entry a reader does not get, whatever the reason — a count of
// 1–4, a cell or total hidden so that such a count cannot be recomputed, a rate
// or median that would need a hidden part. Screen, print and CSV use this mark;
// the JSON answer has "x" for each of them and never says which reason applies
// (telling them apart would narrow a hidden count down, docs/INDICATORS.md).
import { SMALL_CELL, type PublishedCount } from './suppression';

/** The one mark of a suppressed entry (as the German labour statistics mark anonymised cells). */
export const SUPPRESSED_MARK = '*';

/** The threshold readers are told: counts from 1 up to this are never published. */
export const SMALLEST_HIDDEN_COUNT = SMALL_CELL.min;
export const LARGEST_HIDDEN_COUNT = SMALL_CELL.max;

/** A published entry, or a measure that is not published (null). */
export type ShownValue = PublishedCount | number | null;

export function isSuppressed(value: ShownValue): value is 'x' | null {
  return typeof value !== 'number';
}

/** The entry as people read it: the number, or the one mark. */
export function displayCount(value: ShownValue, formatNumber: (n: number) => string = String): string {
  return typeof value === 'number' ? formatNumber(value) : SUPPRESSED_MARK;
}
