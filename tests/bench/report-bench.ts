// Figure 7: the half-year report (Sachbericht) over N synthetic records
// (default 1,000,000, generated in the database by report-data.ts) on
// PostgreSQL — goal under 1 s — and on PGlite. Timed: ReportService.build for
// 1 Jan – 30 Jun 2026 (every query and the suppression) plus the CSV, median of
// five runs after one warm-up.
import type { DatabaseKind } from '@server/db/database';
import { seedDemoData } from '@server/db/demo-seed';
import { ReportService, reportToCsv } from '@server/services/report-service';
import type { SessionUser } from '@shared/protocol';
import { openTestDatabase } from '../fixtures/test-database';
import { generateReportData } from './report-data';
import { fmt, median, skippedRow, verdict, type Row } from './table';

export interface ReportBenchOptions {
  records: number;
  log: (message: string) => void;
}

const HALF_YEAR = { from: '2026-01-01', to: '2026-06-30' };

async function runOnce(
  kind: DatabaseKind,
  records: number,
  log: (m: string) => void,
): Promise<{ generateMs: number; reportMs: number; referrals: number }> {
  const db = await openTestDatabase({ kind });
  try {
    await seedDemoData(db);
    const generated = await generateReportData(db, records, (m) => {
      log(`[${kind}] ${m}`);
    });
    log(`[${kind}] generated ${fmt(records)} records and ${fmt(generated.referrals)} referrals in ${fmt(generated.ms / 1000, 1)} s`);
    const [coordinator] = await db.query<{ id: string; municipality_id: string }>(
      "SELECT id, municipality_id FROM staff_accounts WHERE username = 'coordinator'",
    );
    if (!coordinator) throw new Error('no coordinator');
    const user: SessionUser = {
      id: coordinator.id,
      municipalityId: coordinator.municipality_id,
      displayName: 'Koordination',
      roles: ['coordinator'],
      organisationId: '',
    };
    const reports = new ReportService(db);
    const times: number[] = [];
    for (let run = 0; run < 6; run += 1) {
      const started = performance.now();
      const report = await reports.build(user, HALF_YEAR);
      const csv = reportToCsv(report);
      if (csv.length < 1000 || report.indicators.length === 0) throw new Error('report unexpectedly empty');
      if (run > 0) times.push(performance.now() - started);
    }
    return { generateMs: generated.ms, reportMs: median(times), referrals: generated.referrals };
  } finally {
    await db.close();
  }
}

export async function runReportBench({ records, log }: ReportBenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const kinds: DatabaseKind[] = process.env['DATABASE_URL'] ? ['postgres', 'pglite'] : ['pglite'];
  if (!process.env['DATABASE_URL']) {
    rows.push(skippedRow(`7 half-year report over ${fmt(records)} records [postgres]`, 'ms', 'skipped: DATABASE_URL not set', '≤ 1 s'));
  }
  for (const kind of kinds) {
    log(`report bench on ${kind}: generating ${fmt(records)} records`);
    const run = await runOnce(kind, records, log);
    rows.push({
      figure: `7 half-year report over ${fmt(records)} records [${kind}]`,
      value: fmt(run.reportMs, 0),
      unit: 'ms (median of 5)',
      goal: kind === 'postgres' ? verdict('≤ 1 s', run.reportMs <= 1000) : 'info (goal is for PostgreSQL)',
    });
    rows.push({
      figure: `7 generate ${fmt(records)} records + ${fmt(run.referrals)} referrals [${kind}]`,
      value: fmt(run.generateMs / 1000, 1),
      unit: 's',
      goal: 'info (set-up, generate_series; triggers aggregate)',
    });
  }
  return rows;
}
