// One linked system of every count a year's reports can publish, suppressed as
// a whole (docs/INDICATORS.md, "Why no combination of reports reveals a hidden
// count"). An entry is a count by category node × district (or all districts,
// "*") × period of the year (month, quarter, half-year, year). Every report of
// that year — any period, any district, JSON or CSV — only reads entries of
// this system, so the same count is hidden or shown the same way everywhere.
//
// The equations a reader knows are of three kinds, each along one dimension:
// category parts add up to their total (the category equations, given by the
// caller), districts add up to "*", and periods add up to the period they make
// up. A vector w = u_category ⊗ u_district ⊗ u_period, each factor solving its
// own dimension's equations, solves them all. For every count of 1–4
// (primary) suppression picks such a w touching it, with a sign so that the
// counts it lowers are at least 1, and hides every entry w touches. Hence for
// every hidden entry e there is a w with w(e) ≠ 0 that changes only hidden
// entries, keeps every equation true and keeps every count non-negative: the
// published numbers of all reports together fit the true counts and the true
// counts plus w alike, so no hidden entry follows from them.
import { childPeriods, monthsOfPeriod, periodKey, periodsOfYear, type AlignedPeriod } from './report-periods';

import { isSmallCount, SMALL_CELL } from './suppression';

/** The one mark of a hidden entry in the JSON answer. */
export const HIDDEN = SMALL_CELL.hiddenLabel;
export type SystemCount = number | typeof HIDDEN;
/** The district node "all districts". */
export const ALL_DISTRICTS = '*';

/** A category equation: the parts add up to the total (all category node ids). */
export interface CategoryEquation {
  total: string;
  parts: readonly string[];
}

export interface SystemInput {
  year: number;
  /** District leaves (ids; '' = records naming no district). */
  districts: readonly string[];
  /** Every category node, parts and totals. */
  nodes: readonly string[];
  equations: readonly CategoryEquation[];
  /** Count of a node that is no equation's total, in a district and month (YYYY-MM). */
  leafCount: (node: string, district: string, month: string) => number;
}

type Sign = 1 | -1;
type Factor = readonly (readonly [string, Sign])[];

export interface SuppressedSystem {
  year: number;
  districts: readonly string[];
  periods: readonly AlignedPeriod[];
  /** The true count of an entry (never published as such). */
  count: (node: string, district: string, period: AlignedPeriod) => number;
  isHidden: (node: string, district: string, period: AlignedPeriod) => boolean;
  /** The published entry: the count or HIDDEN. */
  published: (node: string, district: string, period: AlignedPeriod) => SystemCount;
  /** How many entries are hidden (for tests and the operator's log). */
  hiddenCount: number;
}

const entryKey = (node: string, district: string, period: string): string => `${node}\u0000${district}\u0000${period}`;

/** Small vectors over the category nodes that keep every category equation true and are non-zero on `node`. */
function categoryFactors(node: string, nodes: readonly string[], equations: readonly CategoryEquation[]): Factor[] {
  const MAX_SUPPORT = 6;
  const MAX_RESULTS = 16;
  const results: Factor[] = [];
  const seen = new Set<string>();
  const residual = (eq: CategoryEquation, u: ReadonlyMap<string, Sign>): number =>
    eq.parts.reduce((sum, p) => sum + (u.get(p) ?? 0), 0) - (u.get(eq.total) ?? 0);
  const search = (u: Map<string, Sign>): void => {
    if (results.length >= MAX_RESULTS) return;
    const broken = equations.find((eq) => residual(eq, u) !== 0);
    if (broken === undefined) {
      const factor = [...u.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const id = factor.map(([n, s]) => `${n}${String(s)}`).join(',');
      if (!seen.has(id)) {
        seen.add(id);
        results.push(factor);
      }
      return;
    }
    if (u.size >= MAX_SUPPORT) return;
    const r = residual(broken, u);
    // Lower |r| by one: a part moves opposite to r, the total in the direction of r.
    // The total first, so that an all-positive vector (one more unit) is always among the results.
    const options: [string, Sign][] = [
      ...(u.has(broken.total) ? [] : [[broken.total, r > 0 ? 1 : -1] as [string, Sign]]),
      ...broken.parts.filter((p) => !u.has(p)).map((p): [string, Sign] => [p, r > 0 ? -1 : 1]),
    ];
    for (const [n, s] of options) {
      u.set(n, s);
      search(u);
      u.delete(n);
    }
  };
  if (!nodes.includes(node)) throw new Error(`report system: unknown node ${node}`);
  search(new Map([[node, 1]]));
  // Shortest first: fewer entries to hide.
  return results.sort((a, b) => a.length - b.length);
}

function districtFactors(district: string, leaves: readonly string[]): Factor[] {
  if (district === ALL_DISTRICTS)
    return leaves.map((d): Factor => [
      [d, 1],
      [ALL_DISTRICTS, 1],
    ]);
  return [
    ...leaves
      .filter((d) => d !== district)
      .map((d): Factor => [
        [district, 1],
        [d, -1],
      ]),
    [
      [district, 1],
      [ALL_DISTRICTS, 1],
    ],
  ];
}

export function buildSuppressedSystem(input: SystemInput): SuppressedSystem {
  const { year, districts, nodes, equations } = input;
  const periods = periodsOfYear(year);
  const months = periods.filter((p) => p.level === 'month');
  const parentOf = new Map<string, AlignedPeriod>();
  for (const p of periods) for (const c of childPeriods(p)) parentOf.set(periodKey(c), p);
  const districtNodes = [...districts, ALL_DISTRICTS];

  // Counts: leaves from the input, category totals by their (first) equation, districts and periods by summing.
  const totalOf = new Map<string, CategoryEquation>();
  for (const eq of equations) if (!totalOf.has(eq.total)) totalOf.set(eq.total, eq);
  const counts = new Map<string, number>();
  const monthCount = (node: string, district: string, month: string, depth = 0): number => {
    if (depth > nodes.length) throw new Error('report system: category equations form a cycle');
    const eq = totalOf.get(node);
    if (eq) return eq.parts.reduce((sum, p) => sum + monthCount(p, district, month, depth + 1), 0);
    const n = input.leafCount(node, district, month);
    if (!Number.isInteger(n) || n < 0) throw new Error('report system: counts must be non-negative integers');
    return n;
  };
  for (const node of nodes) {
    for (const m of months) {
      const month = periodKey(m);
      let all = 0;
      for (const d of districts) {
        const n = monthCount(node, d, month);
        counts.set(entryKey(node, d, month), n);
        all += n;
      }
      counts.set(entryKey(node, ALL_DISTRICTS, month), all);
    }
    for (const p of periods) {
      if (p.level === 'month') continue;
      const inner = monthsOfPeriod(p);
      for (const d of districtNodes) {
        counts.set(
          entryKey(node, d, periodKey(p)),
          inner.reduce((sum, m) => sum + (counts.get(entryKey(node, d, m)) ?? 0), 0),
        );
      }
    }
  }
  const countOf = (node: string, district: string, period: string): number => counts.get(entryKey(node, district, period)) ?? 0;

  // Period factors: a sibling pair (each down to a month, +1 and −1) or a path from a month up to the year (+1).
  const downPaths = (p: AlignedPeriod): AlignedPeriod[][] => {
    const children = childPeriods(p);
    if (children.length === 0) return [[p]];
    return children.flatMap((c) => downPaths(c).map((path) => [p, ...path]));
  };
  const upPath = (p: AlignedPeriod): AlignedPeriod[] => {
    const parent = parentOf.get(periodKey(p));
    return parent ? [parent, ...upPath(parent)] : [];
  };
  const periodFactors = new Map<string, Factor[]>();
  for (const p of periods) {
    const key = periodKey(p);
    const parent = parentOf.get(key);
    const own = downPaths(p);
    const factors: Factor[] = [];
    if (parent) {
      for (const sibling of childPeriods(parent)) {
        if (periodKey(sibling) === key) continue;
        const theirs = downPaths(sibling);
        // Pair the i-th month path of one with the i-th of the other: enough choice, bounded work.
        own.forEach((path, i) => {
          const other = theirs[i % theirs.length] ?? [];
          factors.push([...path.map((q): [string, Sign] => [periodKey(q), 1]), ...other.map((q): [string, Sign] => [periodKey(q), -1])]);
        });
      }
    }
    for (const path of own) factors.push([...path, ...upPath(p)].map((q): [string, Sign] => [periodKey(q), 1]));
    periodFactors.set(key, factors);
  }

  const categoryCache = new Map<string, Factor[]>();
  const categoryFactorsOf = (node: string): Factor[] => {
    let f = categoryCache.get(node);
    if (!f) {
      f = categoryFactors(node, nodes, equations);
      categoryCache.set(node, f);
    }
    return f;
  };
  const levelWeight: Record<AlignedPeriod['level'], number> = { month: 1, quarter: 4, halfYear: 8, year: 16 };
  const periodByKey = new Map(periods.map((p) => [periodKey(p), p]));
  const hidden = new Set<string>();
  const weight = (node: string, district: string, period: string): number => {
    const level = periodByKey.get(period)?.level ?? 'year';
    return (countOf(node, district, period) + 1) * levelWeight[level] * (district === ALL_DISTRICTS ? 4 : 1) * (totalOf.has(node) ? 4 : 1);
  };

  const primaries: [string, string, AlignedPeriod][] = [];
  for (const p of periods) {
    for (const node of nodes) {
      for (const d of districtNodes) {
        const n = countOf(node, d, periodKey(p));
        if (isSmallCount(n)) primaries.push([node, d, p]);
      }
    }
  }
  for (const [node, district, period] of primaries) {
    if (hidden.has(entryKey(node, district, periodKey(period)))) continue;
    let best: { entries: string[]; cost: number } | undefined;
    for (const uc of categoryFactorsOf(node)) {
      for (const ud of districtFactors(district, districts)) {
        for (const ut of periodFactors.get(periodKey(period)) ?? []) {
          for (const direction of [-1, 1] as const) {
            let cost = 0;
            let feasible = true;
            const entries: string[] = [];
            for (const [cn, cs] of uc) {
              for (const [dn, ds] of ud) {
                for (const [tn, ts] of ut) {
                  const key = entryKey(cn, dn, tn);
                  // The count this w lowers must stay non-negative.
                  if (direction * cs * ds * ts < 0 && countOf(cn, dn, tn) < 1) feasible = false;
                  if (!hidden.has(key)) cost += weight(cn, dn, tn);
                  entries.push(key);
                }
                if (!feasible) break;
              }
              if (!feasible) break;
            }
            if (feasible && (best === undefined || cost < best.cost)) best = { entries, cost };
          }
        }
      }
    }
    // There is always one: all factors positive (one more unit in the entry's own cell), direction +1.
    if (!best) throw new Error('report system: no protecting pattern');
    for (const key of best.entries) hidden.add(key);
  }

  const isHidden = (node: string, district: string, period: AlignedPeriod): boolean =>
    hidden.has(entryKey(node, district, periodKey(period)));
  return {
    year,
    districts,
    periods,
    count: (node, district, period) => countOf(node, district, periodKey(period)),
    isHidden,
    published: (node, district, period) => (isHidden(node, district, period) ? HIDDEN : countOf(node, district, periodKey(period))),
    hiddenCount: hidden.size,
  };
}
