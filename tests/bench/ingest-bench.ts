// Figure 7: backend ingest under 50 concurrent tablets pushing batches, and the
// backend's peak memory during that load. The backend is the production entry
// point (src/server/main.ts via tsx) in a child process of its own — on a fresh
// PGlite data directory and, when DATABASE_URL is set, on a fresh PostgreSQL
// database — so its memory is its own. 50 staff accounts are created through
// the admin API, 50 tablets enrolled by the coordinator, each person signed in
// on their tablet. autocannon then keeps 50 connections busy, one per tablet,
// each pushing that tablet's own batches of new HOME contacts (pre-built, real
// content hashes) one after the other. Memory is the child's VmHWM (peak
// resident set) from /proc, reset just before the load (clear_refs) and read
// after it, so start-up's peak (PGlite's initdb) is not counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';
import { uuidv7 } from '@shared/ids';
import { SYNC_PROTOCOL_VERSION } from '@shared/protocol';
import { buildHomeContacts } from './workload';
import { fmt, type Row } from './table';
import { TEST_SERVER_KEY_ENV } from '../fixtures/server-key';

const ROOT = resolve(import.meta.dirname, '../..');

export interface IngestBenchOptions {
  devices: number;
  batchesPerDevice: number;
  recordsPerBatch: number;
  log: (message: string) => void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) =>
    server.close(() => {
      r();
    }),
  );
  return port;
}

async function startBackendProcess(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...TEST_SERVER_KEY_ENV,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_REQUESTS: 'false',
      STATIC_DIR: join(ROOT, '.tmp/no-static'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Lotse backend on')) ready();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      fail(new Error(`backend exited with ${String(code)}: ${output}`));
    });
  });
  return child;
}

function memoryKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return Number(match?.[1] ?? Number.NaN);
}

async function call<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${String(response.status)} ${text}`);
  return JSON.parse(text) as T;
}

interface Target {
  kind: 'pglite' | 'postgres';
  env: Record<string, string>;
  cleanUp: () => Promise<void>;
}

async function targets(): Promise<Target[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-ingest-'));
  const out: Target[] = [
    {
      kind: 'pglite',
      env: { DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '' },
      cleanUp: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    },
  ];
  const base = process.env['DATABASE_URL'];
  if (base) {
    const name = `lotse_ingest_${randomBytes(5).toString('hex')}`;
    const url = new URL(base);
    url.pathname = `/${name}`;
    out.push({
      kind: 'postgres',
      env: { DATABASE_URL: url.toString() },
      cleanUp: async () => {
        const admin = new pg.Client({ connectionString: base });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    });
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
  }
  return out;
}

async function runOne(target: Target, options: IngestBenchOptions): Promise<Row[]> {
  const { devices, batchesPerDevice, recordsPerBatch, log } = options;
  const port = await freePort();
  const child = await startBackendProcess(port, target.env);
  const pid = child.pid ?? 0;
  const base = `http://127.0.0.1:${String(port)}`;
  try {
    const [, coordinator, , admin] = DEMO_ACCOUNTS;
    const adminToken = (await call<{ token: string }>(base, '/api/session', { username: admin.username, password: admin.password })).token;
    const coordinatorToken = (
      await call<{ token: string }>(base, '/api/session', { username: coordinator.username, password: coordinator.password })
    ).token;
    log(
      `ingest [${target.kind}]: ${String(devices)} people and tablets, ${fmt(devices * batchesPerDevice * recordsPerBatch)} records to build`,
    );
    const tablets: { token: string; batches: string[]; next: number }[] = [];
    for (let d = 0; d < devices; d++) {
      const username = `bench.${String(d)}.${randomBytes(3).toString('hex')}`;
      const password = `bench-${randomBytes(8).toString('hex')}`;
      await call(
        base,
        '/api/admin/staff',
        { username, displayName: `Bench ${String(d)}`, organisationId: 'home-projekt-demo', roles: ['fieldworker'], password },
        adminToken,
      );
      const deviceId = uuidv7();
      const { deviceSecret } = await call<{ deviceSecret: string }>(
        base,
        '/api/devices',
        { deviceId, label: `Bench ${String(d)}` },
        coordinatorToken,
      );
      const { token } = await call<{ token: string }>(base, '/api/session', { username, password, deviceId, deviceSecret });
      const records = await buildHomeContacts(batchesPerDevice * recordsPerBatch, deviceId);
      const batches: string[] = [];
      for (let b = 0; b < batchesPerDevice; b++) {
        batches.push(
          JSON.stringify({
            protocolVersion: SYNC_PROTOCOL_VERSION,
            deviceId,
            records: records.slice(b * recordsPerBatch, (b + 1) * recordsPerBatch),
          }),
        );
      }
      tablets.push({ token, batches, next: 0 });
    }
    const idleRssMiB = memoryKiB(pid, 'VmRSS') / 1024;
    const idlePeakMiB = memoryKiB(pid, 'VmHWM') / 1024;
    // Reset the peak (Linux: "5" → VmHWM = current RSS), so the figure is the load's peak, not start-up's.
    writeFileSync(`/proc/${String(pid)}/clear_refs`, '5');
    let accepted = 0;
    let notAccepted = 0;
    let tabletCounter = 0;
    let replays = 0;
    log(
      `ingest [${target.kind}]: ${String(devices)} connections × ${String(batchesPerDevice)} pushes of ${String(recordsPerBatch)} records`,
    );
    const result = await autocannon({
      url: base,
      connections: devices,
      pipelining: 1,
      amount: devices * batchesPerDevice,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          path: '/api/sync/push',
          setupRequest: (request, connection: object) => {
            // autocannon's context is per connection: one connection is one tablet.
            const context = connection as { tablet?: number };
            context.tablet ??= tabletCounter++ % devices;
            const tablet = tablets[context.tablet];
            if (!tablet) return request;
            if (tablet.next >= tablet.batches.length) replays++;
            const body = tablet.batches[tablet.next++ % tablet.batches.length];
            return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${tablet.token}` }, body };
          },
          onResponse: (_status: number, body: string) => {
            try {
              for (const r of (JSON.parse(body) as { results?: { outcome: string }[] }).results ?? []) {
                if (r.outcome === 'accepted') accepted++;
                else notAccepted++;
              }
            } catch {
              notAccepted++;
            }
          },
        },
      ],
    });
    const peakMiB = memoryKiB(pid, 'VmHWM') / 1024;
    const seconds = result.duration;
    const rps = result.requests.total / seconds;
    const recordsPerSecond = rps * recordsPerBatch;
    const errors = result.non2xx + result.errors + result.timeouts + notAccepted;
    const expected = devices * batchesPerDevice * recordsPerBatch;
    if (accepted !== expected) log(`ingest [${target.kind}]: ${fmt(accepted)} of ${fmt(expected)} records accepted`);
    const rows: Row[] = [
      {
        figure: `8 ingest, ${String(devices)} tablets pushing ${String(recordsPerBatch)}-record batches [${target.kind}]`,
        value: fmt(rps, 0),
        unit: 'requests/s',
        goal:
          errors === 0 && accepted === expected
            ? `info (all ${fmt(accepted)} records accepted)`
            : `${String(errors)} failed requests or records, ${fmt(accepted)} accepted`,
      },
      { figure: `8   same, records [${target.kind}]`, value: fmt(recordsPerSecond, 0), unit: 'records/s', goal: 'info' },
      { figure: `8   latency p50 [${target.kind}]`, value: fmt(result.latency.p50, 0), unit: 'ms', goal: 'info' },
      { figure: `8   latency p99 [${target.kind}]`, value: fmt(result.latency.p99, 0), unit: 'ms', goal: 'info' },
      {
        figure: `8   requests (${fmt(result.requests.total)}) incl. repeats [${target.kind}]`,
        value: fmt(replays),
        unit: 'repeats',
        goal: 'info (a connection that ran out of own batches repeats one: an idempotent retry)',
      },
      {
        figure: `8 backend peak memory (VmHWM) during the load [${target.kind}]`,
        value: fmt(peakMiB, 0),
        unit: 'MiB',
        ratio: fmt(peakMiB / idleRssMiB, 2),
        goal: 'info (ratio: ÷ resident set before the load)',
      },
      {
        figure: `8   resident set before the load [${target.kind}]`,
        value: fmt(idleRssMiB, 0),
        unit: 'MiB',
        goal: `info (peak before it, start-up and migrations: ${fmt(idlePeakMiB, 0)} MiB)`,
      },
    ];
    return rows;
  } finally {
    const exited = new Promise<void>((r) =>
      child.once('exit', () => {
        r();
      }),
    );
    child.kill('SIGTERM');
    await exited;
  }
}

export async function runIngestBench(options: IngestBenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const target of await targets()) {
    try {
      rows.push(...(await runOne(target, options)));
    } finally {
      await target.cleanUp();
    }
  }
  return rows;
}
