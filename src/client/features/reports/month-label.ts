// Month names for report tables and chart axes: short and localised
// ("Okt. 2026"), so a month column and an axis label fit a tablet and A4.
export interface MonthLabel {
  /** "Okt. 2026": table headers and chart titles. */
  full: string;
  /** "Okt.": the first line of a chart axis label. */
  month: string;
  /** "2026": the second line, shown where the year starts or changes. */
  year: string;
}

/** `month` is "YYYY-MM"; anything else is shown as it is. */
export function monthLabel(month: string, language: string): MonthLabel {
  const [year, m] = month.split('-').map(Number);
  if (!year || !m) return { full: month, month, year: '' };
  const day = new Date(Date.UTC(year, m - 1, 15));
  const format = (options: Intl.DateTimeFormatOptions): string =>
    new Intl.DateTimeFormat(language, { ...options, timeZone: 'UTC' }).format(day);
  // The month as it stands in the full label ("März", "Sept."), not the stand-alone form some languages shorten differently.
  const parts = new Intl.DateTimeFormat(language, { month: 'short', year: 'numeric', timeZone: 'UTC' }).formatToParts(day);
  const monthPart = parts.find((part) => part.type === 'month')?.value ?? format({ month: 'short' });
  return { full: format({ month: 'short', year: 'numeric' }), month: monthPart, year: format({ year: 'numeric' }) };
}

/** A day "YYYY-MM-DD" as the reader writes it ("01.07.2026"). */
export function dayLabel(day: string, language: string): string {
  const [year, m, d] = day.split('-').map(Number);
  if (!year || !m || !d) return day;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(year, m - 1, d)));
}
