// Exports for evaluators and partner systems (docs/FHIR.md): FHIR R4 JSON and a
// CSV of screenings. The query names a period only — never anything about a family.
import { z } from 'zod';
import { boundedDaySchema } from './instants';

export const exportPeriodQuerySchema = z.strictObject({
  /** First and last day of the period, inclusive (the municipality's calendar days). */
  from: boundedDaySchema,
  to: boundedDaySchema,
});
export type ExportPeriod = z.infer<typeof exportPeriodQuerySchema>;

/** The four downloads of the office's export section, by the path under /api/exports. */
export const EXPORT_KINDS = ['fhir/referrals', 'fhir/questionnaires', 'fhir/screenings', 'screenings.csv'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
