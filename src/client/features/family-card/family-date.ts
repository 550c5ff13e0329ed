// The one form a date takes on what a family reads (family card, referral
// slip): long, in the family's language ("2. Dezember 2026", "2 ديسمبر 2026"),
// Gregorian and in Latin digits everywhere — like the case number, phone
// numbers and codes printed next to it, and like the German letters and
// appointments the family gets (Persian would otherwise default to the Solar
// Hijri calendar and Persian digits).

/** A calendar day (YYYY-MM-DD) for a family; the day itself where it is no such day or the language unknown. */
export function formatFamilyDate(day: string, language: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(day);
  if (!match) return day;
  // A calendar day, so in UTC: no time zone moves it.
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime())) return day;
  try {
    return new Intl.DateTimeFormat(language, {
      dateStyle: 'long',
      timeZone: 'UTC',
      calendar: 'gregory',
      numberingSystem: 'latn',
    }).format(date);
  } catch {
    return day; // an unknown language tag
  }
}
