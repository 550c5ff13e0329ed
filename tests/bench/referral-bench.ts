// Figure 7: a partner organisation's referral look-up by case number
// (POST /api/partner/referrals/lookup) under 100 concurrent requests on
// loopback, measured with autocannon: requests/s and p99 latency. The backend
// is the production entry point in a process of its own (so the load
// generator does not share its event loop), on PGlite and — when DATABASE_URL
// is set — on PostgreSQL, with a realistic table: CASES cases, each referred from a
// welcome visit to two offers (one of the demo partner's, one not), so every
// look-up filters and checks that the referral's source record counts.
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import type { Database, DatabaseKind } from '@server/db/database';
import { DEMO_MUNICIPALITY_ID, DEMO_PARTNER_ACCOUNT, seedDemoData } from '@server/db/demo-seed';
import { generateCaseNumber } from '@domain/case-number';
import { uuidv7 } from '@shared/ids';
import { freePort, prepareBackendDatabase, startBackendProcess, stopGently } from '../fixtures/backend-process';
import { benchDatabases, fmt, skippedRow, verdict, type Row } from './table';

export interface ReferralBenchOptions {
  log: (message: string) => void;
  /** Cases in the table (each with two referrals). */
  cases?: number;
  /** Seconds of load per database. */
  seconds?: number;
}

const CONNECTIONS = 100;
const P99_GOAL_MS = 250;

async function fillReferrals(db: Database, count: number): Promise<string[]> {
  const [creator] = await db.query<{ id: string }>("SELECT id FROM staff_accounts WHERE username = 'home.partner'");
  if (!creator) throw new Error('demo seed changed: no home.partner');
  const caseNumbers = Array.from({ length: count }, () => generateCaseNumber());
  // Each case: the welcome visit it was referred from (needing no second check, so partners see its referrals).
  const sources = caseNumbers.map((caseNumber) => ({ caseNumber, sourceId: uuidv7() }));
  const rows = sources.flatMap(({ caseNumber, sourceId }) =>
    ['familienhebammen-demo', 'erziehungsberatung-demo'].map((offerId) => ({
      id: uuidv7(),
      caseNumber,
      offerId,
      recordId: uuidv7(),
      sourceId,
    })),
  );
  for (let start = 0; start < sources.length; start += 1000) {
    await db.query(
      `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number, device_id, author_id,
                            device_created_at, content_hash, content)
       SELECT $1, (s->>'sourceId')::uuid, 1, 'welcomeVisit', 1, 'bench', s->>'caseNumber', $3::uuid, $2, now(), repeat('0', 64),
              jsonb_build_object('outcome', 'visited', 'visitDate', to_char(now(), 'YYYY-MM-DD'))
         FROM jsonb_array_elements($4::jsonb) AS s`,
      [DEMO_MUNICIPALITY_ID, creator.id, uuidv7(), JSON.stringify(sources.slice(start, start + 1000))],
    );
  }
  for (let start = 0; start < rows.length; start += 1000) {
    await db.query(
      `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, source_record_id, created_by, state)
       SELECT (r->>'id')::uuid, $1, r->>'caseNumber', o.id, o.type, (r->>'recordId')::uuid, (r->>'sourceId')::uuid, $2, 'handedOver'
         FROM jsonb_array_elements($3::jsonb) AS r JOIN offers o ON o.municipality_id = $1 AND o.id = r->>'offerId'`,
      [DEMO_MUNICIPALITY_ID, creator.id, JSON.stringify(rows.slice(start, start + 1000))],
    );
    await db.query(
      `INSERT INTO referral_state_changes (municipality_id, referral_id, state, changed_by)
       SELECT $1, (r->>'id')::uuid, 'handedOver', $2 FROM jsonb_array_elements($3::jsonb) AS r`,
      [DEMO_MUNICIPALITY_ID, creator.id, JSON.stringify(rows.slice(start, start + 1000))],
    );
  }
  return caseNumbers;
}

interface LookupRun {
  requestsPerSecond: number;
  p99: number;
  p50: number;
  non2xx: number;
  errors: number;
}

async function runOnce(kind: DatabaseKind, cases: number, seconds: number, log: (m: string) => void): Promise<LookupRun> {
  const database = await prepareBackendDatabase(kind);
  let child: ChildProcess | undefined;
  try {
    // The first start creates, migrates and seeds the database; then the table is filled (PGlite has one
    // user at a time, so the backend is stopped meanwhile) and the backend started again for the load.
    const port = await freePort();
    child = await startBackendProcess(port, database.env);
    await stopGently(child);
    log(`referral lookup [${kind}]: filling ${fmt(cases)} cases × 2 referrals (not timed)`);
    const db = await database.open();
    let caseNumbers: string[];
    try {
      await seedDemoData(db);
      caseNumbers = await fillReferrals(db, cases);
    } finally {
      await db.close();
    }
    child = await startBackendProcess(port, database.env);
    const url = `http://127.0.0.1:${String(port)}`;
    const signIn = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO_PARTNER_ACCOUNT.username, password: DEMO_PARTNER_ACCOUNT.password }),
    });
    if (!signIn.ok) throw new Error(`partner sign-in failed: ${String(signIn.status)}`);
    const { token } = (await signIn.json()) as { token: string };
    // Sanity: a look-up finds exactly the partner's referral.
    const probe = await fetch(`${url}/api/partner/referrals/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ caseNumber: caseNumbers[0] }),
    });
    const found = ((await probe.json()) as { referrals?: unknown[] }).referrals?.length;
    if (found !== 1) throw new Error(`look-up probe found ${String(found)} referrals, expected 1`);

    log(`referral lookup [${kind}]: ${String(CONNECTIONS)} connections for ${String(seconds)} s`);
    let next = 0;
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/api/partner/referrals/lookup',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          setupRequest: (request) => {
            const caseNumber = caseNumbers[next++ % caseNumbers.length] ?? '';
            return { ...request, body: JSON.stringify({ caseNumber }) };
          },
        },
      ],
    });
    return {
      requestsPerSecond: result.requests.average,
      p99: result.latency.p99,
      p50: result.latency.p50,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    if (child) await stopGently(child);
    await database.cleanUp();
  }
}

export async function runReferralBench(options: ReferralBenchOptions): Promise<Row[]> {
  const cases = options.cases ?? 5000;
  const seconds = options.seconds ?? 10;
  const kinds: DatabaseKind[] = benchDatabases();
  const rows: Row[] = [];
  for (const kind of kinds) {
    const run = await runOnce(kind, cases, seconds, options.log);
    const clean = run.non2xx === 0 && run.errors === 0;
    const goal =
      kind === 'postgres' ? verdict(`p99 ≤ ${String(P99_GOAL_MS)} ms`, run.p99 <= P99_GOAL_MS && clean) : 'info (goal is for PostgreSQL)';
    rows.push({
      figure: `10 partner look-up by case number, ${String(CONNECTIONS)} concurrent [${kind}]`,
      value: fmt(run.requestsPerSecond),
      unit: 'req/s',
      goal: 'info',
    });
    rows.push({ figure: `10   p99 latency [${kind}]`, value: fmt(run.p99), unit: 'ms', goal });
    rows.push({ figure: `10   p50 latency [${kind}]`, value: fmt(run.p50), unit: 'ms', goal: 'info' });
    rows.push({
      figure: `10   failed answers (non-2xx, errors, timeouts) [${kind}]`,
      value: fmt(run.non2xx + run.errors),
      unit: 'requests',
      goal: verdict('0', clean),
    });
  }
  if (!process.env['DATABASE_URL']) {
    rows.push(
      skippedRow(
        `10 partner look-up by case number, ${String(CONNECTIONS)} concurrent [postgres]`,
        'ms',
        'skipped: DATABASE_URL not set',
        `p99 ≤ ${String(P99_GOAL_MS)} ms`,
      ),
    );
  }
  rows.push({ figure: `10 (setup) ${fmt(cases)} cases × 2 referrals, ${String(seconds)} s of load`, value: '', unit: '', goal: 'info' });
  return rows;
}
