// Points and days in time as the API accepts them: ISO 8601, and only what the
// database can take and a person could mean. z.iso.datetime accepts offsets up
// to +23:59 and z.iso.date the year 0000 — both schema-valid, both ended in a
// 500 (PostgreSQL refuses offsets beyond ±15:59; a year 0 period has no months).
import { z } from 'zod';

/** The widest offset in use anywhere (UTC+14, Kiribati; UTC−12). */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Years a Lotse date can name: nothing was recorded before 2000, nothing is planned after 2999. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2999;

function offsetMinutes(value: string): number {
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (!match) return 0; // 'Z'
  return Number(match[2]) * 60 + Number(match[3]);
}

function yearOf(value: string): number {
  return Number(value.slice(0, 4));
}

/** An instant with an offset (`2026-11-20T08:15:00+01:00`) within ±14:00, in the years 2000–2999. */
export const boundedInstantSchema = z.iso
  .datetime({ offset: true, message: 'invalidDateTime' })
  .refine((value) => offsetMinutes(value) <= MAX_OFFSET_MINUTES, { message: 'invalidDateTime' })
  .refine((value) => yearOf(value) >= FIRST_YEAR && yearOf(value) <= LAST_YEAR, { message: 'invalidDateTime' });

/** A calendar day (`2026-11-20`) in the years 2000–2999. */
export const boundedDaySchema = z.iso
  .date({ error: 'invalidDate' })
  .refine((value) => yearOf(value) >= FIRST_YEAR && yearOf(value) <= LAST_YEAR, { message: 'invalidDate' });
