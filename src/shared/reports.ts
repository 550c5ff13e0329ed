// The coordinator's reports (dashboard and half-yearly Sachbericht): the query
// and the answer. Only aggregated, suppressed counts — never a case number, a
// record id or any content of a record (src/domain/indicators.ts defines them).
import { z } from 'zod';
import { districtIdSchema } from './records/district';
import { boundedDaySchema } from './instants';

const isoDay = boundedDaySchema;

export const reportQuerySchema = z.strictObject({
  /** First and last day of the period, inclusive: a whole month, quarter, half-year or calendar year (src/domain/report-periods.ts). */
  from: isoDay,
  to: isoDay,
  /** Only records naming this district (an id of the municipality's districts). */
  district: districtIdSchema.optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export const sachberichtQuerySchema = reportQuerySchema.extend({
  format: z.enum(['json', 'csv']).default('json'),
});

export const reportParamsSchema = z.strictObject({
  municipalityId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidMunicipality' }),
});

/** A published count: the number, or "x" — hidden (a count of 1–4, or hidden so that none can be recomputed from any report). */
export const publishedCountSchema = z.union([z.int().min(0), z.literal('x')]);

export const publishedTableSchema = z.strictObject({
  cells: z.array(z.array(publishedCountSchema)),
  rowTotals: z.array(publishedCountSchema),
  columnTotals: z.array(publishedCountSchema),
  total: publishedCountSchema,
});

const breakdownSchema = z.strictObject({
  columns: z.array(z.string()),
  table: publishedTableSchema,
});

export const INDICATOR_UNITS = [
  'screeningOffer',
  'welcomeVisit',
  'homeContact',
  'homeContactTopic',
  'mediationLanguage',
  'referral',
  'screenedCase',
] as const;

export const publishedIndicatorSchema = z.strictObject({
  id: z.string(),
  unit: z.enum(INDICATOR_UNITS),
  /** The indicator's definition (src/domain/indicators.ts), in English and German. */
  formula: z.strictObject({ en: z.string(), de: z.string() }),
  categories: z.array(z.string()),
  byDistrict: breakdownSchema.nullable(),
  byMonth: breakdownSchema,
  measures: z.record(z.string(), z.number().nullable()),
});

const definitionSchema = z.strictObject({ en: z.string(), de: z.string() });

/** The funnel (src/domain/funnel.ts): stage counts per district, failures by reason, median days to first contact. */
export const publishedFunnelSchema = z.strictObject({
  columns: z.array(z.string()),
  stages: z.array(
    z.strictObject({
      id: z.enum(['reached', 'consented', 'screened', 'supportRecommended', 'referred', 'contacted', 'takenUp']),
      cells: z.array(publishedCountSchema),
      total: publishedCountSchema,
    }),
  ),
  failures: z.array(
    z.strictObject({
      state: z.enum(['declined', 'noResponse']),
      reasons: z.array(z.string()),
      table: publishedTableSchema,
    }),
  ),
  medianDaysToFirstContact: z.strictObject({ cells: z.array(z.number().nullable()), total: z.number().nullable() }),
  definitions: z.record(z.string(), definitionSchema),
});
export type PublishedFunnelJson = z.infer<typeof publishedFunnelSchema>;

export const reportSchema = z.strictObject({
  municipality: z.strictObject({ id: z.string(), name: z.string() }),
  period: z.strictObject({ from: z.string(), to: z.string() }),
  district: z.string().nullable(),
  generatedAt: z.string(),
  /** Labels of the district columns and HOME sites; '' = records naming no district. */
  districts: z.array(z.strictObject({ id: z.string(), label: z.string() })),
  sites: z.array(z.strictObject({ id: z.string(), label: z.string() })),
  suppression: z.strictObject({ hidden: z.literal('x'), rule: z.string() }),
  countingRule: z.string(),
  indicators: z.array(publishedIndicatorSchema),
  funnel: publishedFunnelSchema,
});
export type Report = z.infer<typeof reportSchema>;

/** The funnel report on its own (`GET …/funnel`): the same suppressed funnel as in the Sachbericht, with its frame. */
export const funnelReportSchema = reportSchema.omit({ indicators: true, sites: true });
export type FunnelReport = z.infer<typeof funnelReportSchema>;
export type PublishedIndicatorJson = z.infer<typeof publishedIndicatorSchema>;
export type PublishedCount = z.infer<typeof publishedCountSchema>;
