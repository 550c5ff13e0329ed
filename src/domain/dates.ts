// Calendar dates, the one home for turning an instant into a day: the tablet's
// local day (what a form defaults to) and the day in the municipality's zone
// (what reports count by, the same rule as the report SQL's AT TIME ZONE).

/** All of Lotse's municipalities are in Germany: report days are Berlin days (007_reports.sql uses the same zone). */
export const REPORT_TIME_ZONE = 'Europe/Berlin';

/** Local calendar date as YYYY-MM-DD (the tablet's day, not UTC's). */
export function localIsoDate(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, '0');
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The calendar date (YYYY-MM-DD) of an instant in `timeZone`, whatever the machine's own zone is. */
export function isoDateInZone(instant: Date, timeZone: string = REPORT_TIME_ZONE): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: 'year' | 'month' | 'day'): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** YYYY-MM of a YYYY-MM-DD day (the month column of a report). */
export function monthOfIsoDate(day: string): string {
  return day.slice(0, 7);
}
