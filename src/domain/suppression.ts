// Small-cell suppression for published count tables (docs/INDICATORS.md).
//
// A table is a grid of counts with row totals, column totals and a grand total.
// Seen as one extended grid — the row totals are an extra column, the column
// totals an extra row, the grand total their corner — every extended row and
// every extended column is one equation (its inner entries add up to its
// margin entry). Suppressed entries are the unknowns of that system.
//
// 1. Primary: every entry (cell or total) with a count of 1–4 is published as "<5".
// 2. Complementary: an unknown can be computed from the published numbers
//    exactly when it is a *bridge* in the bipartite graph whose nodes are the
//    extended rows and columns and whose edges are the suppressed entries (a line
//    with one unknown is the simplest case). So more entries — the smallest
//    counts first, published as "x" — are suppressed until no suppressed entry is
//    a bridge. Then every suppressed entry lies on a cycle, and adding any
//    multiple of ±1 alternately around that cycle keeps every equation true:
//    no suppressed value follows from differencing totals.
//
// Tables that publish the same total (e.g. the by-district and the by-month
// table of one indicator share the category totals) are suppressed together
// (`suppressLinked`): a total hidden in one is hidden in the other.

/** A published entry: the count, "<5" (a count of 1–4) or "x" (hidden so that no "<5" can be recomputed). */
export type PublishedCount = number | '<5' | 'x';

export const SMALL_CELL = { min: 1, max: 4, label: '<5', complementaryLabel: 'x' } as const;

export interface CountTable {
  /** cells[row][column], non-negative integers; every row has the same length. */
  cells: readonly (readonly number[])[];
}

export interface PublishedTable {
  cells: PublishedCount[][];
  rowTotals: PublishedCount[];
  columnTotals: PublishedCount[];
  total: PublishedCount;
}

/** Which entries of a table are shared with other tables (by key): margins, and inner cells where another table publishes the same count. */
export interface MarginKeys {
  rows?: readonly string[];
  columns?: readonly string[];
  total?: string;
  /** Inner cells by [row][column]; e.g. a referral state's count in a district that the funnel's reason table has as a column total. */
  cells?: readonly (readonly (string | undefined)[])[];
}

type Mark = 'primary' | 'complementary' | undefined;

interface Grid {
  values: number[][];
  marks: Mark[][];
  rows: number; // extended
  columns: number; // extended
}

export function isSmallCount(value: number): boolean {
  return value >= SMALL_CELL.min && value <= SMALL_CELL.max;
}

function extend(table: CountTable): Grid {
  const inner = table.cells;
  const columnCount = inner[0]?.length ?? 0;
  for (const row of inner) {
    if (row.length !== columnCount) throw new Error('suppression: rows of different length');
    for (const value of row) {
      if (!Number.isInteger(value) || value < 0) throw new Error('suppression: counts must be non-negative integers');
    }
  }
  const values: number[][] = inner.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const totals: number[] = [];
  for (let j = 0; j <= columnCount; j += 1) totals.push(values.reduce((sum, row) => sum + (row[j] ?? 0), 0));
  values.push(totals);
  const marks: Mark[][] = values.map((row) => row.map((v) => (isSmallCount(v) ? 'primary' : undefined)));
  return { values, marks, rows: inner.length + 1, columns: columnCount + 1 };
}

function at<T>(grid: readonly (readonly T[])[], i: number, j: number): T {
  const row = grid[i];
  if (row === undefined || j < 0 || j >= row.length) throw new Error('suppression: index out of range');
  return row[j] as T;
}

function suppress(grid: Grid, i: number, j: number): void {
  const row = grid.marks[i];
  if (row && row[j] === undefined) row[j] = 'complementary';
}

/** Candidate order: smallest positive count first, zeros last (a hidden 0 protects little). */
function cost(value: number): number {
  return value === 0 ? Number.MAX_SAFE_INTEGER : value;
}

function cheapest(grid: Grid, candidates: readonly (readonly [number, number])[]): readonly [number, number] | undefined {
  let best: readonly [number, number] | undefined;
  let bestCost = Infinity;
  for (const [i, j] of candidates) {
    if (at(grid.marks, i, j) !== undefined) continue;
    const c = cost(at(grid.values, i, j));
    if (c < bestCost) {
      best = [i, j];
      bestCost = c;
    }
  }
  return best;
}

/** Fixes one line holding exactly one suppressed entry; false if there is none. */
function fixLonelyLine(grid: Grid): boolean {
  for (let i = 0; i < grid.rows; i += 1) {
    const suppressed = grid.marks[i]?.filter((m) => m !== undefined).length ?? 0;
    if (suppressed === 1) {
      const pick = cheapest(
        grid,
        Array.from({ length: grid.columns }, (_, j) => [i, j] as const),
      );
      if (pick) {
        suppress(grid, pick[0], pick[1]);
        return true;
      }
    }
  }
  for (let j = 0; j < grid.columns; j += 1) {
    let suppressed = 0;
    for (let i = 0; i < grid.rows; i += 1) if (at(grid.marks, i, j) !== undefined) suppressed += 1;
    if (suppressed === 1) {
      const pick = cheapest(
        grid,
        Array.from({ length: grid.rows }, (_, i) => [i, j] as const),
      );
      if (pick) {
        suppress(grid, pick[0], pick[1]);
        return true;
      }
    }
  }
  return false;
}

/** Rows and columns reachable from a row or column over suppressed entries, without entry (skipI, skipJ). */
function reachable(
  grid: Grid,
  start: readonly ['r' | 'c', number],
  skipI: number,
  skipJ: number,
): { rows: Set<number>; columns: Set<number> } {
  const rows = new Set<number>();
  const columns = new Set<number>();
  (start[0] === 'r' ? rows : columns).add(start[1]);
  const queue: (readonly ['r' | 'c', number])[] = [start];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const [side, index] = next;
    if (side === 'r') {
      for (let j = 0; j < grid.columns; j += 1) {
        if (at(grid.marks, index, j) === undefined || (index === skipI && j === skipJ) || columns.has(j)) continue;
        columns.add(j);
        queue.push(['c', j]);
      }
    } else {
      for (let i = 0; i < grid.rows; i += 1) {
        if (at(grid.marks, i, index) === undefined || (i === skipI && index === skipJ) || rows.has(i)) continue;
        rows.add(i);
        queue.push(['r', i]);
      }
    }
  }
  return { rows, columns };
}

/** Breaks one bridge by suppressing an entry that closes a cycle through it; false if there is none. */
function fixBridge(grid: Grid): boolean {
  for (let i = 0; i < grid.rows; i += 1) {
    for (let j = 0; j < grid.columns; j += 1) {
      if (at(grid.marks, i, j) === undefined) continue;
      const sideA = reachable(grid, ['r', i], i, j);
      if (sideA.columns.has(j)) continue;
      // (i, j) is a bridge: an entry joining a row on j's side to a column on i's side closes a cycle.
      const sideB = reachable(grid, ['c', j], i, j);
      const candidates: [number, number][] = [];
      for (const r of sideB.rows) for (const c of sideA.columns) candidates.push([r, c]);
      // After fixLonelyLine both sides hold another line; should one not, any entry off the bridge's lines will do.
      if (candidates.length === 0) {
        for (let r = 0; r < grid.rows; r += 1) for (let c = 0; c < grid.columns; c += 1) if (r !== i && c !== j) candidates.push([r, c]);
      }
      const pick = cheapest(grid, candidates);
      if (pick) {
        suppress(grid, pick[0], pick[1]);
        return true;
      }
    }
  }
  return false;
}

function complete(grid: Grid): void {
  // Every step suppresses one more entry, so this ends (at the latest with all of them hidden).
  for (;;) {
    if (fixLonelyLine(grid)) continue;
    if (fixBridge(grid)) continue;
    return;
  }
}

function publish(grid: Grid): PublishedTable {
  const shown = (i: number, j: number): PublishedCount => {
    const mark = at(grid.marks, i, j);
    if (mark === 'primary') return SMALL_CELL.label;
    if (mark === 'complementary') return SMALL_CELL.complementaryLabel;
    return at(grid.values, i, j);
  };
  const innerRows = grid.rows - 1;
  const innerColumns = grid.columns - 1;
  return {
    cells: Array.from({ length: innerRows }, (_, i) => Array.from({ length: innerColumns }, (_, j) => shown(i, j))),
    rowTotals: Array.from({ length: innerRows }, (_, i) => shown(i, innerColumns)),
    columnTotals: Array.from({ length: innerColumns }, (_, j) => shown(innerRows, j)),
    total: shown(innerRows, innerColumns),
  };
}

/** Suppresses one table on its own. */
export function suppressTable(table: CountTable): PublishedTable {
  const [published] = suppressLinked([{ table, keys: {} }]);
  if (!published) throw new Error('suppression: no table');
  return published;
}

/**
 * Suppresses several tables together: entries with the same key (margins or
 * keyed inner cells, in any of the tables) are hidden in all of them as soon as
 * one must hide it.
 */
export function suppressLinked(tables: readonly { table: CountTable; keys: MarginKeys }[]): PublishedTable[] {
  const grids = tables.map(({ table }) => extend(table));
  const marginKey = (t: number, i: number, j: number): string | undefined => {
    const grid = grids[t];
    const keys = tables[t]?.keys;
    if (!grid || !keys) return undefined;
    const lastRow = grid.rows - 1;
    const lastColumn = grid.columns - 1;
    if (i === lastRow && j === lastColumn) return keys.total;
    if (j === lastColumn) return keys.rows?.[i];
    if (i === lastRow) return keys.columns?.[j];
    return keys.cells?.[i]?.[j];
  };
  for (;;) {
    for (const grid of grids) complete(grid);
    const hidden = new Set<string>();
    grids.forEach((grid, t) => {
      for (let i = 0; i < grid.rows; i += 1) {
        for (let j = 0; j < grid.columns; j += 1) {
          const k = marginKey(t, i, j);
          if (k !== undefined && at(grid.marks, i, j) !== undefined) hidden.add(k);
        }
      }
    });
    let changed = 0;
    for (const [t, grid] of grids.entries()) {
      for (let i = 0; i < grid.rows; i += 1) {
        for (let j = 0; j < grid.columns; j += 1) {
          const k = marginKey(t, i, j);
          if (k !== undefined && hidden.has(k) && at(grid.marks, i, j) === undefined) {
            suppress(grid, i, j);
            changed += 1;
          }
        }
      }
    }
    if (changed === 0) return grids.map(publish);
  }
}

/** The number if published, else undefined. */
export function publishedNumber(value: PublishedCount | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
