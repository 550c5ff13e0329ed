// `npm run bench` (scripts/bench.mjs → node --import tsx tests/bench/run.ts).
// Runs the benchmarks one after the other (never in parallel: this is a
// 2-core machine) and prints ONE table to stdout; progress and the machine go
// to stderr. A missed goal is a row saying "goal missed", not a failure: the
// exit code is 0 unless a benchmark could not run at all (then 1).
//
//   --records=N        records for figures 1 and 4 (default 10000)
//   --report-records=N records for figure 7, the half-year report (default 1000000)
//   --only=a,b         any of bundle, browser, sync, workflow, report, ingest, startup, referral, floor (default all)
//   a bare section name (`npm run bench -- floor`) is the same as --only=floor
//   --json=PATH        also write rows + machine as JSON
//   --databases=a,b    pglite and/or postgres for figures 4 and 10 (default: PGlite, and PostgreSQL with DATABASE_URL)
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, loadavg } from 'node:os';
import { runBrowserBench } from './browser-bench';
import { runBundleBench } from './bundle-bench';
import { runIngestBench } from './ingest-bench';
import { runStartupBench } from './startup-bench';
import { runSyncBench } from './sync-bench';
import { runWorkflowBench } from './workflow-bench';
import { runReportBench } from './report-bench';
import { runReferralBench } from './referral-bench';
import { runFloorBench } from './floor-bench';
import { fmt, renderTable, type Row } from './table';

const SECTIONS = ['bundle', 'browser', 'sync', 'workflow', 'report', 'ingest', 'startup', 'referral', 'floor'] as const;
type Section = (typeof SECTIONS)[number];

function parseArgs(argv: readonly string[]): { records: number; reportRecords: number; only: Set<Section>; json: string | undefined } {
  let records = 10_000;
  let reportRecords = 1_000_000;
  let only = new Set<Section>(SECTIONS);
  let json: string | undefined;
  const named: Section[] = [];
  for (const arg of argv) {
    if ((SECTIONS as readonly string[]).includes(arg)) {
      named.push(arg as Section);
      continue;
    }
    const [key, value = ''] = arg.split('=', 2);
    if (key === '--records') {
      records = Number(value);
      if (!Number.isInteger(records) || records < 1) throw new Error(`--records needs a positive integer, got ${value}`);
    } else if (key === '--report-records') {
      reportRecords = Number(value);
      if (!Number.isInteger(reportRecords) || reportRecords < 1) throw new Error(`--report-records needs a positive integer, got ${value}`);
    } else if (key === '--only') {
      const wanted = value.split(',').filter(Boolean);
      for (const w of wanted) if (!(SECTIONS as readonly string[]).includes(w)) throw new Error(`--only: unknown section ${w}`);
      only = new Set(wanted as Section[]);
    } else if (key === '--json') {
      json = value;
    } else if (key === '--databases') {
      const wanted = value.split(',').filter(Boolean);
      for (const w of wanted) if (w !== 'pglite' && w !== 'postgres') throw new Error(`--databases: unknown database ${w}`);
      process.env['BENCH_DATABASES'] = wanted.join(',');
    } else {
      throw new Error(
        `unknown argument ${arg} (use --records=N, --report-records=N, --only=${SECTIONS.join(',')}, --json=PATH, --databases=pglite,postgres)`,
      );
    }
  }
  if (named.length > 0) only = new Set(named);
  return { records, reportRecords, only, json };
}

/** ANSI colour codes (ESC [ … m), built from the code point so no control character sits in a literal. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** An error message for a table cell: no colour codes, no line breaks, at most 160 characters. */
function oneLine(message: string): string {
  const plain = message.replace(ANSI_COLOUR, '').replace(/[│╭╰─]+/g, ' ');
  const text = plain
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  // The machine's load before and after the run: figures taken beside other work are not the idle record.
  const loadBefore = loadavg()[0] ?? 0;
  const log = (message: string): void => {
    console.error(`[bench ${fmt((performance.now() - started) / 1000, 1).padStart(5)} s] ${message}`);
  };
  const rows: Row[] = [];
  const state: { failed: boolean; chromiumVersion: string | undefined } = { failed: false, chromiumVersion: undefined };

  const section = async (name: Section, run: () => Promise<Row[]>): Promise<void> => {
    if (!args.only.has(name)) return;
    try {
      rows.push(...(await run()));
    } catch (error) {
      state.failed = true;
      const message = error instanceof Error ? error.message : String(error);
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      rows.push({ figure: `${name} benchmarks`, value: '–', unit: '', goal: `error: ${oneLine(message)}` });
    }
  };

  await section('bundle', () => runBundleBench({ log }));
  await section('browser', async () => {
    const result = await runBrowserBench({ records: args.records, bulkChunk: 500, latencySaves: 200, unlockRuns: 5, slotRuns: 3, log });
    state.chromiumVersion = result.chromiumVersion;
    return result.rows;
  });
  await section('sync', () => runSyncBench({ records: args.records, log }));
  await section('workflow', () => runWorkflowBench({ log }));
  await section('report', () => runReportBench({ records: args.reportRecords, log }));
  await section('startup', () => runStartupBench({ runs: 3, stubs: 20_000, log }));
  await section('ingest', () => runIngestBench({ devices: 50, batchesPerDevice: 10, recordsPerBatch: 100, log }));
  await section('referral', () => runReferralBench({ log }));
  await section('floor', () => runFloorBench({ runs: 3, log }));

  const machine = {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    chromium: state.chromiumVersion ?? 'not run',
    database: process.env['DATABASE_URL'] ? 'PGlite + PostgreSQL (DATABASE_URL)' : 'PGlite only',
    loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
  };
  log(`done in ${fmt((performance.now() - started) / 1000, 0)} s`);
  console.error(
    `\n${machine.date} · ${String(machine.cpus)} × ${machine.cpuModel} · ${String(machine.memoryGiB)} GiB · Node ${machine.node} · Chromium ${machine.chromium} · ${machine.database}\n`,
  );
  console.log(renderTable(rows));
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
  return state.failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
