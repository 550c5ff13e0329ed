// The coordinator's reports: aggregated counts straight from the database
// (report_counts, kept by the triggers of 007_reports.sql, and GROUP BY over
// referrals), turned into suppressed tables by src/domain/indicators.ts. No
// record is loaded into Node; no case number leaves the database.
import { neutraliseFormula } from './csv-cells';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import type { FunnelReport, Report, ReportQuery } from '@shared/reports';
import { NO_DISTRICT, publishReport, reportPeriodProblem, timeToContactBucket, type CountRow } from '@domain/indicators';
import { alignedPeriod, periodAt } from '@domain/report-periods';
import { failureLine, REASON_NOT_STATED, type FunnelCountRow, type FunnelCounts, type FunnelReason } from '@domain/funnel';
import { SMALL_CELL, type PublishedCount } from '@domain/suppression';
import { displayCount, SUPPRESSED_MARK } from '@domain/suppressed-notation';
import { ServiceError } from './service-error';
import { audit } from './audit';
import { COUNTABLE_REFERRAL } from './referral-service';

/** Days are calendar days in the municipality's time zone (all of Lotse's towns are in Germany). */
const ZONE = 'Europe/Berlin';

export const COUNTING_RULE =
  'Only countable records: the latest revision of each record, and only once approved where the municipality requires a second check (four-eyes). A referral counts only once the record it came from counts and the referral itself was approved where required. Cases whose consent was withdrawn are not counted. No case number or record content is part of a report.';

const SUPPRESSION_RULE = `Reports cover whole months, quarters, half-years or calendar years only. Counts of ${String(SMALL_CELL.min)}–${String(SMALL_CELL.max)} are not published, and further entries are hidden so that no such count can be recomputed from the numbers of any reports of the year together (other periods, other districts, totals). The JSON answer marks every hidden entry "${SMALL_CELL.hiddenLabel}"; screen, print and CSV mark it "${SUPPRESSED_MARK}". Published totals include the hidden entries.`;

export class ReportService {
  constructor(private readonly db: Database) {}

  async build(user: SessionUser, query: ReportQuery, now: Date = new Date()): Promise<Report> {
    const range = { from: query.from, to: query.to };
    const problem = reportPeriodProblem(range);
    const period = alignedPeriod(range);
    if (problem !== undefined || period === undefined) {
      throw new ServiceError(
        400,
        'invalidRequest',
        problem === 'endBeforeStart'
          ? 'The period ends before it starts.'
          : 'Reports cover a whole month, quarter, half-year or calendar year only (from its first to its last day).',
        [{ path: 'to', message: problem ?? 'periodNotAligned' }],
      );
    }
    const municipalityId = user.municipalityId;
    const [municipality] = await this.db.query<{ name: string }>('SELECT name FROM municipalities WHERE id = $1', [municipalityId]);
    const districts = await this.db.query<{ id: string; label: string }>(
      'SELECT id, label FROM districts WHERE municipality_id = $1 ORDER BY sort_order, label',
      [municipalityId],
    );
    const sites = await this.db.query<{ id: string; label: string }>(
      'SELECT id, label FROM home_sites WHERE municipality_id = $1 ORDER BY sort_order, label',
      [municipalityId],
    );
    const district = query.district ?? null;
    if (district !== null && !districts.some((d) => d.id === district)) {
      throw new ServiceError(400, 'invalidRequest', 'The district is not one of your municipality’s districts.', [
        { path: 'district', message: 'unknownDistrict' },
      ]);
    }
    // Every report reads the whole year of every district: one linked system, suppressed as a whole
    // (src/domain/report-system.ts), so no other period or district can reveal what this one hides.
    const year = periodAt('year', period.year, 1);
    const params = [municipalityId, year.from, year.to];
    const rows: CountRow[] = [];

    const counts = await this.db.query<{ indicator: CountRow['indicator']; category: string; district: string; month: string; n: number }>(
      `SELECT indicator, category, district, to_char(day, 'YYYY-MM') AS month, sum(n)::int AS n
         FROM report_counts
        WHERE municipality_id = $1 AND day BETWEEN $2::date AND $3::date AND n > 0
        GROUP BY indicator, category, district, month`,
      params,
    );
    rows.push(...counts);

    const referrals = await this.db.query<{ offer_type: string; state: string; district: string; month: string; n: number }>(
      `SELECT r.offer_type, r.state, coalesce(r.district, '') AS district,
              to_char(r.created_at AT TIME ZONE '${ZONE}', 'YYYY-MM') AS month, count(*)::int AS n
         FROM referrals r
        WHERE r.municipality_id = $1
          AND r.created_at >= ($2::date)::timestamp AT TIME ZONE '${ZONE}'
          AND r.created_at < ($3::date + 1)::timestamp AT TIME ZONE '${ZONE}'
          AND NOT EXISTS (SELECT 1 FROM case_tombstones t WHERE t.municipality_id = r.municipality_id AND t.case_number = r.case_number)
          -- Only countable referrals (COUNTING_RULE): made from a record that needed no second check or passed it, and itself checked where the municipality requires it.
          AND ${COUNTABLE_REFERRAL}
        GROUP BY 1, 2, 3, 4`,
      params,
    );
    for (const row of referrals) {
      rows.push({ indicator: 'referralOfferType', category: row.offer_type, district: row.district, month: row.month, n: row.n });
      rows.push({ indicator: 'referralUptake', category: row.state, district: row.district, month: row.month, n: row.n });
    }

    // Per case with a contact (few) its first contact, then its first countable screening in the period
    // looked up by case number (index records_countable_screening_case_idx) — never a scan of all screenings.
    const contacts = await this.db.query<{ district: string; month: string; days: number; n: number }>(
      `WITH first_contact AS (
         SELECT r.case_number, min(c.changed_at) AS at
           FROM referral_state_changes c
           JOIN referrals r ON r.id = c.referral_id AND r.municipality_id = c.municipality_id
          WHERE c.municipality_id = $1 AND c.state IN ('contacted', 'started', 'completed') AND ${COUNTABLE_REFERRAL}
          GROUP BY r.case_number
       ), screened AS (
         SELECT DISTINCT ON (s.case_number) s.case_number, f.at,
                (s.device_created_at AT TIME ZONE '${ZONE}')::date AS day,
                coalesce(s.content->>'district', '') AS district
           FROM first_contact f
           JOIN records s ON s.municipality_id = $1 AND s.case_number = f.case_number AND s.kind = 'screening' AND s.countable
          WHERE s.device_created_at >= ($2::date)::timestamp AT TIME ZONE '${ZONE}'
            AND s.device_created_at < ($3::date + 1)::timestamp AT TIME ZONE '${ZONE}'
          ORDER BY s.case_number, s.device_created_at
       )
       SELECT district, to_char(day, 'YYYY-MM') AS month, ((at AT TIME ZONE '${ZONE}')::date - day) AS days, count(*)::int AS n
         FROM screened
        GROUP BY 1, 2, 3`,
      params,
    );
    for (const row of contacts) {
      rows.push({
        indicator: 'timeToFirstContact',
        category: timeToContactBucket(row.days),
        district: row.district,
        month: row.month,
        n: row.n,
      });
    }

    const funnel = await this.funnelCounts(params, rows);

    // Who looked at which period's statistics (the period only, no figures).
    await audit(this.db, {
      municipalityId,
      actorId: user.id,
      action: 'report.generated',
      objectId: `${period.from}..${period.to}${district === null ? '' : `/${district}`}`,
    });
    const allColumns = [...districts.map((d) => d.id), NO_DISTRICT];
    const columns = district !== null ? [district] : allColumns;
    const published = publishReport({ rows, period, districts: allColumns, district, sites: sites.map((s) => s.id), funnel });
    const indicators = published.indicators;
    return {
      municipality: { id: municipalityId, name: municipality?.name ?? municipalityId },
      period: { from: period.from, to: period.to },
      district,
      generatedAt: now.toISOString(),
      districts: [
        ...districts.filter((d) => columns.includes(d.id)),
        ...(columns.includes(NO_DISTRICT) ? [{ id: NO_DISTRICT, label: '' }] : []),
      ],
      sites,
      suppression: { hidden: SMALL_CELL.hiddenLabel, rule: SUPPRESSION_RULE },
      countingRule: COUNTING_RULE,
      indicators: indicators.map((i) => ({ ...i, categories: [...i.categories] })),
      funnel: published.funnel,
    };
  }

  /**
   * The funnel's counts of the year by month (src/domain/funnel.ts `funnelCounts` defines them): cases by their
   * first countable consent (setting screening) and first countable screening in the year, refusals from report_counts,
   * and referrals of the period with their state history — grouped in the database, no case number leaves it.
   */
  private async funnelCounts(params: readonly unknown[], indicatorRows: readonly CountRow[]): Promise<FunnelCounts> {
    const rows: FunnelCountRow[] = [];
    const cases = await this.db.query<{ kind: string; district: string; month: string; n: number; recommended: number }>(
      `SELECT kind, district, to_char(device_created_at AT TIME ZONE '${ZONE}', 'YYYY-MM') AS month, count(*)::int AS n,
              count(*) FILTER (WHERE need IN ('offerRecommended', 'urgent'))::int AS recommended
         FROM (SELECT DISTINCT ON (kind, coalesce(case_number, id::text)) kind, device_created_at,
                      coalesce(content->>'district', '') AS district,
                      coalesce(content#>>'{override,supportNeed}', content->>'supportNeed') AS need
                 FROM records
                WHERE municipality_id = $1 AND countable
                  AND (kind = 'screening' OR (kind = 'consent' AND content->>'setting' = 'screening'))
                  AND device_created_at >= ($2::date)::timestamp AT TIME ZONE '${ZONE}'
                  AND device_created_at < ($3::date + 1)::timestamp AT TIME ZONE '${ZONE}'
                ORDER BY kind, coalesce(case_number, id::text), device_created_at, id) AS first_per_case
        GROUP BY kind, district, month`,
      params,
    );
    for (const row of cases) {
      if (row.kind === 'consent') {
        rows.push(
          { line: 'reached', district: row.district, month: row.month, n: row.n },
          { line: 'consented', district: row.district, month: row.month, n: row.n },
        );
      } else {
        rows.push(
          { line: 'screened', district: row.district, month: row.month, n: row.n },
          { line: 'supportRecommended', district: row.district, month: row.month, n: row.recommended },
        );
      }
    }
    // Refusals are anonymous counts: the screening indicator's "refused" (same day rule, same district filter).
    for (const row of indicatorRows) {
      if (row.indicator === 'screening' && row.category === 'refused') {
        rows.push({ line: 'reached', district: row.district, month: row.month, n: row.n });
      }
    }
    const referrals = await this.db.query<{
      district: string;
      month: string;
      state: string;
      reason: string | null;
      days: number | null;
      taken_up: boolean;
      n: number;
    }>(
      `SELECT coalesce(r.district, '') AS district, to_char(r.created_at AT TIME ZONE '${ZONE}', 'YYYY-MM') AS month,
              r.state, r.state_reason AS reason,
              ((fc.at AT TIME ZONE '${ZONE}')::date - (r.created_at AT TIME ZONE '${ZONE}')::date) AS days,
              EXISTS (SELECT 1 FROM referral_state_changes u
                       WHERE u.referral_id = r.id AND u.state IN ('started', 'completed')) AS taken_up,
              count(*)::int AS n
         FROM referrals r
         LEFT JOIN LATERAL (SELECT min(c.changed_at) AS at FROM referral_state_changes c
                             WHERE c.referral_id = r.id AND c.state IN ('contacted', 'started', 'completed')) AS fc ON true
        WHERE r.municipality_id = $1
          AND r.created_at >= ($2::date)::timestamp AT TIME ZONE '${ZONE}'
          AND r.created_at < ($3::date + 1)::timestamp AT TIME ZONE '${ZONE}'
          AND NOT EXISTS (SELECT 1 FROM case_tombstones t WHERE t.municipality_id = r.municipality_id AND t.case_number = r.case_number)
          -- Only countable referrals (COUNTING_RULE): made from a record that needed no second check or passed it, and itself checked where the municipality requires it.
          AND ${COUNTABLE_REFERRAL}
        GROUP BY 1, 2, 3, 4, 5, 6`,
      params,
    );
    const contactDays: FunnelCounts['contactDays'] = [];
    for (const row of referrals) {
      const { district, month, n } = row;
      rows.push({ line: 'referred', district, month, n });
      if (row.days !== null) {
        rows.push({ line: 'contacted', district, month, n });
        contactDays.push({ district, month, days: row.days, n });
      }
      if (row.taken_up) rows.push({ line: 'takenUp', district, month, n });
      if (row.state === 'declined' || row.state === 'noResponse') {
        rows.push({ line: failureLine(row.state, (row.reason ?? REASON_NOT_STATED) as FunnelReason), district, month, n });
      }
    }
    return { rows, contactDays };
  }
}

/** A published count in a CSV cell: the number or the one mark; a missing cell stays empty. */
function shownCount(value: PublishedCount | undefined): string {
  return value === undefined ? '' : displayCount(value);
}

/** The header row and the meta rows every report CSV starts with. */
function csvHeader(
  report: Pick<Report, 'municipality' | 'period' | 'district' | 'generatedAt' | 'countingRule' | 'suppression'>,
): string[][] {
  return [
    ['section', 'indicator', 'breakdown', 'category', 'column', 'value'],
    ['meta', '', '', 'municipality', '', report.municipality.name],
    ['meta', '', '', 'periodFrom', '', report.period.from],
    ['meta', '', '', 'periodTo', '', report.period.to],
    ['meta', '', '', 'district', '', report.district ?? ''],
    ['meta', '', '', 'generatedAt', '', report.generatedAt],
    ['meta', '', '', 'countingRule', '', report.countingRule],
    ['meta', '', '', 'suppression', '', report.suppression.rule],
    ['meta', '', '', 'suppressedMark', '', SUPPRESSED_MARK],
  ];
}

/**
 * The Sachbericht as CSV (one table, long format): the period and rules first,
 * then each indicator's definition, then every published count by district and
 * by month with the totals. Every suppressed entry (and every measure that
 * cannot be published) is the one mark of the screen, "*" (SUPPRESSED_MARK).
 */
export function reportToCsv(report: Report): string {
  const records: string[][] = [...csvHeader(report)];
  const label = (id: string, list: readonly { id: string; label: string }[]): string =>
    id === '' ? '(none)' : (list.find((x) => x.id === id)?.label ?? id);
  for (const indicator of report.indicators) {
    records.push(['definition', indicator.id, '', 'de', '', indicator.formula.de]);
    records.push(['definition', indicator.id, '', 'en', '', indicator.formula.en]);
  }
  for (const indicator of report.indicators) {
    const categoryLabel = (c: string): string => (indicator.id === 'homeSite' ? label(c, report.sites) : c);
    const breakdowns = [
      ...(indicator.byDistrict
        ? [
            {
              name: 'district',
              columns: indicator.byDistrict.columns.map((c) => label(c, report.districts)),
              table: indicator.byDistrict.table,
            },
          ]
        : []),
      { name: 'month', columns: indicator.byMonth.columns, table: indicator.byMonth.table },
    ];
    for (const { name, columns, table } of breakdowns) {
      indicator.categories.forEach((category, i) => {
        columns.forEach((column, j) => {
          records.push(['count', indicator.id, name, categoryLabel(category), column, shownCount(table.cells[i]?.[j])]);
        });
        records.push(['count', indicator.id, name, categoryLabel(category), 'total', shownCount(table.rowTotals[i])]);
      });
      columns.forEach((column, j) => {
        records.push(['count', indicator.id, name, 'total', column, shownCount(table.columnTotals[j])]);
      });
      records.push(['count', indicator.id, name, 'total', 'total', shownCount(table.total)]);
    }
    for (const [measure, value] of Object.entries(indicator.measures)) {
      records.push(['measure', indicator.id, '', measure, '', displayCount(value)]);
    }
  }
  records.push(...funnelCsvRecords(report));
  // Labels come from the municipality's configuration: never let a spreadsheet read one as a formula.
  return stringify(records.map((record) => record.map(neutraliseFormula)));
}

/** The funnel's rows in the Sachbericht's long format (section `funnel`; breakdown `stage`, `declined`, `noResponse`, `medianDays`). */
function funnelCsvRecords(report: Pick<Report, 'funnel' | 'districts'>): string[][] {
  const { funnel } = report;
  const columns = funnel.columns.map((c) => (c === '' ? '(none)' : (report.districts.find((d) => d.id === c)?.label ?? c)));
  const records: string[][] = [];
  for (const [id, text] of Object.entries(funnel.definitions)) {
    records.push(['definition', 'funnel', id, 'de', '', text.de], ['definition', 'funnel', id, 'en', '', text.en]);
  }
  for (const stage of funnel.stages) {
    columns.forEach((column, j) => records.push(['funnel', 'funnel', 'stage', stage.id, column, shownCount(stage.cells[j])]));
    records.push(['funnel', 'funnel', 'stage', stage.id, 'total', shownCount(stage.total)]);
  }
  for (const { state, reasons, table } of funnel.failures) {
    reasons.forEach((reason, i) => {
      columns.forEach((column, j) => records.push(['funnel', 'funnel', state, reason, column, shownCount(table.cells[i]?.[j])]));
      records.push(['funnel', 'funnel', state, reason, 'total', shownCount(table.rowTotals[i])]);
    });
    columns.forEach((column, j) => records.push(['funnel', 'funnel', state, 'total', column, shownCount(table.columnTotals[j])]));
    records.push(['funnel', 'funnel', state, 'total', 'total', shownCount(table.total)]);
  }
  columns.forEach((column, j) =>
    records.push([
      'funnel',
      'funnel',
      'medianDays',
      'referralToFirstContact',
      column,
      displayCount(funnel.medianDaysToFirstContact.cells[j] ?? null),
    ]),
  );
  records.push(['funnel', 'funnel', 'medianDays', 'referralToFirstContact', 'total', displayCount(funnel.medianDaysToFirstContact.total)]);
  return records;
}

/** The funnel on its own as CSV (same long format and columns as the Sachbericht). */
export function funnelToCsv(report: FunnelReport): string {
  const records: string[][] = [...csvHeader(report), ...funnelCsvRecords(report)];
  return stringify(records.map((record) => record.map(neutraliseFormula)));
}
