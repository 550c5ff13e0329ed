// Figure 4: one tablet's outbox of N records pushed to the backend. The client
// is Node with fake-indexeddb and the real vault, RecordStore, SyncEngine and
// httpTransport (as tests/integration/sync-roundtrip.integration.test.ts); the
// backend is buildApp in the same process on a loopback port, on PGlite and —
// when DATABASE_URL is set — on PostgreSQL (a schema of its own).
import type { AddressInfo } from 'node:net';
import { SyncEngine } from '@client/sync/SyncEngine';
import { httpTransport, type PushTransport } from '@client/sync/transport';
import { buildApp } from '@server/app';
import type { DatabaseKind } from '@server/db/database';
import { DEMO_ACCOUNTS, seedDemoData } from '@server/db/demo-seed';
import type { LoginResponse } from '@shared/protocol';
import { TEST_PASSPHRASE, unlockedTestStorage } from '../fixtures/client-db';
import { openTestDatabase } from '../fixtures/test-database';
import { installTestServerKey } from '../fixtures/server-key';
import { benchDatabases, fmt, skippedRow, verdict, type Row } from './table';
import { buildHomeContacts } from './workload';

export interface SyncBenchOptions {
  records: number;
  log: (message: string) => void;
}

interface SyncRun {
  ms: number;
  pushMs: number;
  pushes: number;
  fillMs: number;
}

async function runOnce(kind: DatabaseKind, count: number, log: (m: string) => void): Promise<SyncRun> {
  installTestServerKey();
  const db = await openTestDatabase({ kind });
  const app = buildApp({ db, loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
  const { storage, escrowKey } = await unlockedTestStorage(`lotse-bench-sync-${kind}`);
  try {
    await seedDemoData(db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${String((app.server.address() as AddressInfo).port)}`;
    // Push only from an enrolled tablet signed in on it: the coordinator enrolls this storage's
    // device id, then the fieldworker signs in on that tablet, proving it with the tablet's secret.
    const signIn = async (
      account: (typeof DEMO_ACCOUNTS)[number],
      tablet?: { deviceId: string; deviceSecret: string },
    ): Promise<LoginResponse> => {
      const response = await fetch(`${baseUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: account.username, password: account.password, ...tablet }),
      });
      if (!response.ok) throw new Error(`sign-in failed: ${String(response.status)} ${await response.text()}`);
      return (await response.json()) as LoginResponse;
    };
    const tabletId = await storage.device.deviceId();
    const enrolled = await fetch(`${baseUrl}/api/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${(await signIn(DEMO_ACCOUNTS[1])).token}` },
      body: JSON.stringify({ deviceId: tabletId, label: 'Bench tablet' }),
    });
    if (!enrolled.ok) throw new Error(`enrollment failed: ${String(enrolled.status)} ${await enrolled.text()}`);
    const { deviceSecret } = (await enrolled.json()) as { deviceSecret: string };
    const { token, user } = await signIn(DEMO_ACCOUNTS[0], { deviceId: tabletId, deviceSecret });
    // Records are signed by whoever saves them: the fieldworker's key slot on this tablet, as at a first sign-in.
    await storage.vault.createSlot(user, TEST_PASSPHRASE, escrowKey);

    log(`sync [${kind}]: queueing ${fmt(count)} records (fake-indexeddb, not timed)`);
    const fill0 = performance.now();
    const deviceId = await storage.device.deviceId();
    for (const record of await buildHomeContacts(count, deviceId)) await storage.records.saveRecord(record);
    const fillMs = performance.now() - fill0;

    // Time spent waiting for the backend's answers (request out → parsed answer in).
    const http = httpTransport({ baseUrl, token: () => Promise.resolve(token) });
    let pushMs = 0;
    let pushes = 0;
    const transport: PushTransport = {
      async push(request) {
        const t0 = performance.now();
        try {
          return await http.push(request);
        } finally {
          pushMs += performance.now() - t0;
          pushes++;
        }
      },
    };
    const engine = new SyncEngine({
      records: storage.records,
      transport,
      deviceId: () => storage.device.deviceId(),
      isOnline: () => true,
    });
    log(`sync [${kind}]: pushing`);
    const t0 = performance.now();
    const status = await engine.start();
    const ms = performance.now() - t0;
    engine.stop();

    if (status.mode !== 'idle') throw new Error(`sync ended in mode ${status.mode} after ${String(status.failures)} failures`);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records');
    if (row?.n !== count) throw new Error(`server holds ${String(row?.n)} records, expected ${String(count)}`);
    if ((await storage.records.countOutbox()) !== 0) throw new Error('outbox not empty after sync');
    return { ms, pushMs, pushes, fillMs };
  } finally {
    storage.close();
    await app.close();
    await db.close();
  }
}

export async function runSyncBench(options: SyncBenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const n = options.records;
  const kinds: DatabaseKind[] = benchDatabases();
  const results = new Map<DatabaseKind, SyncRun>();
  for (const kind of kinds) {
    const run = await runOnce(kind, n, options.log);
    results.set(kind, run);
    const rate = (n * 1000) / run.ms;
    const goal = kind === 'postgres' ? verdict(`${fmt(n)} in ≤ 5 s`, run.ms <= 5000) : 'info (goal is for PostgreSQL)';
    rows.push({ figure: `4 sync ${fmt(n)} records → backend [${kind}]`, value: fmt(rate), unit: 'records/s', goal });
    rows.push({ figure: `4   total time [${kind}]`, value: fmt(run.ms / 1000, 2), unit: 's', goal: 'info' });
    rows.push({
      figure: `4   of which waiting for ${String(run.pushes)} push answers [${kind}]`,
      value: fmt(run.pushMs / 1000, 2),
      unit: 's',
      ratio: fmt(run.pushMs / run.ms, 2),
      goal: 'info (rest: client outbox work)',
    });
  }
  if (!process.env['DATABASE_URL']) {
    rows.push(
      skippedRow(`4 sync ${fmt(n)} records → backend [postgres]`, 'records/s', 'skipped: DATABASE_URL not set', `${fmt(n)} in ≤ 5 s`),
    );
  }
  const first = [...results.values()][0];
  if (first)
    rows.push({
      figure: `4 (setup) queueing ${fmt(n)} saves in fake-indexeddb`,
      value: fmt(first.fillMs / 1000, 1),
      unit: 's',
      goal: 'info, not a tablet figure',
    });
  return rows;
}
