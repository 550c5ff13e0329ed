// Fault case 11: the backend process is killed with SIGKILL in the middle of
// a batch — once while it is working on a push, once after it committed and
// before its answer left — and restarted on the same database (a PGlite data
// directory on disk; a PostgreSQL database of its own). The real client keeps
// retrying through the fault proxy; afterwards every record is on the server
// exactly once and the tablet's outbox is empty.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../src/client/storage';
import { SyncEngine } from '../../../src/client/sync/SyncEngine';
import { httpTransport } from '../../../src/client/sync/transport';
import type { Database, DatabaseKind } from '../../../src/server/db/database';
import { openPglite } from '../../../src/server/db/pglite';
import { openPostgres } from '../../../src/server/db/postgres';
import { DEMO_MUNICIPALITY_ID } from '../../../src/server/db/demo-seed';
import { enrollDeviceResponseSchema } from '../../../src/shared/staff-api';
import { loginResponseSchema } from '../../../src/shared/protocol';
import { startFaultProxy, type FaultProxy } from '../../fixtures/fault-proxy';
import { unlockedTestStorage } from '../../fixtures/client-db';
import { homeContactRecord } from '../../fixtures/home-contacts';
import { testDatabaseKinds } from '../../fixtures/test-database';
import { DEMO_COORDINATOR, DEMO_FIELDWORKER } from '../helpers/test-app';

const ROOT = resolve(import.meta.dirname, '../../..');
const RECORDS = 1_500;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => { r(); }));
  return port;
}

/** The production entry point (src/server/main.ts) as a child process. */
async function startChild(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_REQUESTS: 'false', STATIC_DIR: join(ROOT, '.tmp/no-static'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => { reject(new Error(`backend did not start: ${output}`)); }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Lotse backend on')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${String(code)}: ${output}`));
    });
  });
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => { r(); }));
  child.kill('SIGKILL');
  await exited;
}

async function stopGently(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => { r(); }));
  child.kill('SIGTERM');
  await exited;
}

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`${url}: ${String(response.status)} ${JSON.stringify(json)}`);
  return json;
}

interface Target {
  env: Record<string, string>;
  /** Opens the database the children used (after the last child stopped, for PGlite). */
  open: () => Promise<Database>;
  cleanUp: () => Promise<void>;
}

async function prepare(kind: DatabaseKind): Promise<Target> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'lotse-crash-'));
    const dataDir = join(dir, 'pglite');
    // DATABASE_URL empty: the child must not inherit the suite's PostgreSQL.
    return { env: { DATA_DIR: dataDir, DATABASE_URL: '' }, open: () => openPglite({ dataDir }), cleanUp: () => rm(dir, { recursive: true, force: true }) };
  }
  const base = process.env['DATABASE_URL'] ?? '';
  const name = `lotse_crash_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    open: () => Promise.resolve(openPostgres({ connectionString: url.toString() })),
    cleanUp: async () => {
      const dropper = new pg.Client({ connectionString: base });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

describe('backend killed with SIGKILL mid-batch and restarted', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  for (const kind of testDatabaseKinds()) {
    it(`loses and duplicates nothing [${kind}]`, async () => {
      const target = await prepare(kind);
      cleanups.push(target.cleanUp);
      const port = await freePort();
      let child = await startChild(port, target.env);
      cleanups.push(() => stopGently(child));
      const api = `http://127.0.0.1:${String(port)}`;

      // A tablet enrolled by the coordinator, the fieldworker signed in on it.
      const { storage } = await unlockedTestStorage();
      const s: Storage = storage;
      cleanups.push(() => { s.close(); return Promise.resolve(); });
      const deviceId = await storage.device.deviceId();
      const coordinator = loginResponseSchema.parse(await post(`${api}/api/session`, { username: DEMO_COORDINATOR.username, password: DEMO_COORDINATOR.password }));
      const enrolled = enrollDeviceResponseSchema.parse(await post(`${api}/api/devices`, { deviceId, label: 'Crash-Tablet' }, coordinator.token));
      const session = loginResponseSchema.parse(
        await post(`${api}/api/session`, { username: DEMO_FIELDWORKER.username, password: DEMO_FIELDWORKER.password, deviceId, deviceSecret: enrolled.deviceSecret }),
      );

      const ids: string[] = [];
      for (let i = 0; i < RECORDS; i++) {
        const record = await homeContactRecord({ topics: ['health'] }, { deviceId, now: new Date(Date.UTC(2026, 10, 1) + i * 1000) });
        await storage.records.saveRecord(record);
        ids.push(record.id);
      }

      const proxy: FaultProxy = await startFaultProxy({ upstreamPort: port });
      cleanups.push(() => proxy.close());
      const kills: string[] = [];
      const restart = async (): Promise<void> => {
        await killHard(child);
        child = await startChild(port, target.env);
      };
      let restarting: Promise<void> | undefined;
      // Push 1: killed while the server works on it. Push 3 (after the first restart): killed
      // once its answer is in — committed, never delivered.
      proxy.onForwarded = () => {
        if (kills.length === 0) {
          kills.push('mid-batch');
          restarting = new Promise((r) => setTimeout(r, 5)).then(restart);
        }
      };
      proxy.onUpstreamAnswer = async (entry) => {
        if (kills.length === 1 && proxy.log.indexOf(entry) >= 2 && entry.upstreamStatus === 200) {
          kills.push('after-commit');
          entry.fault = 'dropAfterCommit';
          await restart();
        }
      };

      const engine = new SyncEngine({
        records: storage.records,
        transport: httpTransport({ baseUrl: proxy.url, token: () => Promise.resolve(session.token) }),
        deviceId: () => Promise.resolve(deviceId),
        isOnline: () => true,
        backoff: { baseMs: 20, maxMs: 200 },
        batchSize: 500,
      });
      engine.start();
      const deadline = Date.now() + 90_000;
      while (!(engine.current.mode === 'idle' && (await storage.records.countOutbox()) === 0)) {
        if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(engine.current)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      engine.stop();
      await restarting;

      expect(kills).toEqual(['mid-batch', 'after-commit']);
      // The first push never got an answer (the process died under it); the after-commit one did, undelivered.
      expect(proxy.log[0]?.upstreamStatus).toBeUndefined();
      expect(proxy.log.filter((e) => e.fault === 'dropAfterCommit' && e.upstreamStatus === 200)).toHaveLength(1);
      expect(await storage.records.countBySyncState('sent')).toBe(RECORDS);
      await stopGently(child);
      const db = await target.open();
      try {
        const [row] = await db.query<{ n: number; distinct_ids: number; municipality: string }>(
          `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids, min(municipality_id) AS municipality
             FROM records WHERE device_id = $1`,
          [deviceId],
        );
        expect(row).toEqual({ n: RECORDS, distinct_ids: RECORDS, municipality: DEMO_MUNICIPALITY_ID });
        const [match] = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM records WHERE id::text IN (SELECT jsonb_array_elements_text($1::jsonb))',
          [JSON.stringify(ids)],
        );
        expect(match?.n).toBe(RECORDS);
      } finally {
        await db.close();
      }
    }, 180_000);
  }
});
