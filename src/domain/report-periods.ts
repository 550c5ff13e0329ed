// The periods a report may cover: whole months, quarters, half-years and
// calendar years, nothing else (docs/INDICATORS.md, "Why only whole periods").
// They nest into one tree per year (year → 2 half-years → 4 quarters → 12
// months), so everything any report publishes is a sum over that year's months
// and suppression can protect the whole tree at once (./report-system.ts).

export const PERIOD_LEVELS = ['month', 'quarter', 'halfYear', 'year'] as const;
export type PeriodLevel = (typeof PERIOD_LEVELS)[number];

export interface AlignedPeriod {
  level: PeriodLevel;
  year: number;
  /** 1-based: month 1–12, quarter 1–4, half-year 1–2, year 1. */
  index: number;
  /** First and last day, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
}

/** Months per period of each level. */
const SPAN: Record<PeriodLevel, number> = { month: 1, quarter: 3, halfYear: 6, year: 12 };

const pad = (n: number): string => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period of `level` number `index` in `year`. */
export function periodAt(level: PeriodLevel, year: number, index: number): AlignedPeriod {
  const span = SPAN[level];
  if (!Number.isInteger(index) || index < 1 || index > 12 / span) throw new Error(`periodAt: no ${level} ${String(index)}`);
  const firstMonth = (index - 1) * span + 1;
  const lastMonth = firstMonth + span - 1;
  return {
    level,
    year,
    index,
    from: `${String(year)}-${pad(firstMonth)}-01`,
    to: `${String(year)}-${pad(lastMonth)}-${pad(lastDayOfMonth(year, lastMonth))}`,
  };
}

/** The 19 periods of a year: 12 months, 4 quarters, 2 half-years, the year. */
export function periodsOfYear(year: number): AlignedPeriod[] {
  return PERIOD_LEVELS.flatMap((level) => Array.from({ length: 12 / SPAN[level] }, (_, i) => periodAt(level, year, i + 1)));
}

/** The month keys (YYYY-MM) a period covers, in order. */
export function monthsOfPeriod(period: AlignedPeriod): string[] {
  const first = (period.index - 1) * SPAN[period.level] + 1;
  return Array.from({ length: SPAN[period.level] }, (_, i) => `${String(period.year)}-${pad(first + i)}`);
}

/** The next smaller periods a period adds up from (none for a month). */
export function childPeriods(period: AlignedPeriod): AlignedPeriod[] {
  const level = PERIOD_LEVELS[PERIOD_LEVELS.indexOf(period.level) - 1];
  if (level === undefined) return [];
  const per = SPAN[period.level] / SPAN[level];
  return Array.from({ length: per }, (_, i) => periodAt(level, period.year, (period.index - 1) * per + i + 1));
}

/** A stable id of a period: 2026, 2026-H2, 2026-Q4, 2026-10. */
export function periodKey(period: AlignedPeriod): string {
  const y = String(period.year);
  switch (period.level) {
    case 'year':
      return y;
    case 'halfYear':
      return `${y}-H${String(period.index)}`;
    case 'quarter':
      return `${y}-Q${String(period.index)}`;
    case 'month':
      return `${y}-${pad(period.index)}`;
  }
}

/** The whole month, quarter, half-year or year that starts on `from` and ends on `to`; undefined for any other range. */
export function alignedPeriod(range: { from: string; to: string }): AlignedPeriod | undefined {
  const match = /^(\d{4})-(\d{2})-01$/.exec(range.from);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  for (const level of PERIOD_LEVELS) {
    const span = SPAN[level];
    if ((month - 1) % span !== 0) continue;
    const period = periodAt(level, year, (month - 1) / span + 1);
    if (period.to === range.to) return period;
  }
  return undefined;
}

/** The half-year (1 Jan – 30 Jun or 1 Jul – 31 Dec) a day falls in: the Sachbericht's period. */
export function halfYearOf(day: string): AlignedPeriod {
  return periodAt('halfYear', Number(day.slice(0, 4)), Number(day.slice(5, 7)) <= 6 ? 1 : 2);
}
