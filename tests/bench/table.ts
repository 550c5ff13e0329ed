// Rows of the one result table, and small statistics helpers.

export interface Row {
  figure: string;
  /** Already formatted (e.g. "1,234"), or "–" when skipped. */
  value: string;
  unit: string;
  /** Only where two things are compared in the same run (e.g. encrypted / unencrypted). */
  ratio?: string;
  /** Short goal text plus its verdict, e.g. "≥ 0.5 — met" / "≤ 1 s — goal missed". */
  goal?: string;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function verdict(goalText: string, met: boolean): string {
  return `${goalText} — ${met ? 'met' : 'goal missed'}`;
}

export function skippedRow(figure: string, unit: string, why: string, goal?: string): Row {
  return { figure, value: '–', unit, goal: `${goal ? `${goal} — ` : ''}${why}` };
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['figure', 'value', 'unit', 'ratio', 'goal'];
  const cells = rows.map((r) => [r.figure, r.value, r.unit, r.ratio ?? '', r.goal ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    `| ${c.map((cell, i) => (i === 1 || i === 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 1 || i === 3 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

/**
 * The databases a figure runs on: PGlite, and PostgreSQL when DATABASE_URL is set
 * (in this order), narrowed by `--databases=postgres` (run.ts puts it in BENCH_DATABASES).
 */
export function benchDatabases(order: readonly ('pglite' | 'postgres')[] = ['pglite', 'postgres']): ('pglite' | 'postgres')[] {
  const available = order.filter((kind) => kind === 'pglite' || Boolean(process.env['DATABASE_URL']));
  const wanted = process.env['BENCH_DATABASES'];
  if (!wanted) return available;
  const names = new Set(wanted.split(','));
  return available.filter((kind) => names.has(kind));
}
