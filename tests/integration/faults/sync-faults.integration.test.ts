// Fault injection between tablet and backend (issue 9, cases 1, 2, 3, 6, 7, 9, 12):
// the real client (fake-indexeddb storage, vault, RecordStore, SyncEngine,
// httpTransport) pushes through a fault proxy on 127.0.0.1 to the real backend
// on PGlite and PostgreSQL. The promise under test: what a tablet saved arrives
// exactly once, with the server's answer, whatever the network does.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Storage } from '@client/storage';
import { SyncEngine, type SyncStatus } from '@client/sync/SyncEngine';
import { httpTransport } from '@client/sync/transport';
import { loginResponseSchema, type PushResponse } from '@shared/protocol';
import type { SyncRecord } from '@shared/records/sync-record';
import { contentHash } from '@shared/content-hash';
import type { EnrollDeviceResponse } from '@shared/staff-api';
import { startFaultProxy, type FaultProxy } from '../../fixtures/fault-proxy';
import { testUser, unlockedTestStorage } from '../../fixtures/client-db';
import { homeContactRecord } from '../../fixtures/home-contacts';
import { describeEachDatabase } from '../helpers/databases';
import { buildTestApp, countRecords, DEMO_FIELDWORKER, enrollTablet, loginOnTablet, seedDemo, testClock } from '../helpers/test-app';

const LIMITS = { max: 100_000, timeWindowMs: 60_000 };
const FAST_BACKOFF = { baseMs: 5, maxMs: 80 };

interface Tablet {
  storage: Storage;
  deviceId: string;
  token: string;
  refreshToken: string;
  deviceSecret: string;
  device: EnrollDeviceResponse;
}

/**
 * Waits until the engine is idle with an empty outbox (retries run on their own
 * timers), after `round` (a sync asked for just now) has finished.
 */
async function settle(engine: SyncEngine, storage: Storage, timeoutMs = 30_000, round?: Promise<SyncStatus>): Promise<SyncStatus> {
  await round;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = engine.current;
    if (status.mode === 'idle' && (await storage.records.countOutbox()) === 0) return status;
    if (status.mode === 'paused') return status;
    if (Date.now() > deadline)
      throw new Error(`sync did not settle: ${JSON.stringify(status)}, outbox ${String(await storage.records.countOutbox())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rowsOf(db: () => import('@server/db/database').Database, ids: readonly string[]) {
  return db().query<{ id: string; revision: number; content_hash: string; received_at: Date | string }>(
    'SELECT id::text AS id, revision, content_hash, received_at FROM records WHERE id::text IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY id',
    [JSON.stringify(ids)],
  );
}

describeEachDatabase('sync under network faults', ({ db }) => {
  let app: FastifyInstance;
  let proxy: FaultProxy;
  const clock = testClock();
  const storages: Storage[] = [];
  const engines: SyncEngine[] = [];

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: LIMITS, refreshRateLimit: LIMITS, clock: clock.now, tokenTtl: { accessMs: 60_000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    proxy = await startFaultProxy({ upstreamPort: (app.server.address() as AddressInfo).port });
  });
  afterEach(() => {
    for (const e of engines.splice(0)) e.stop();
    for (const s of storages.splice(0)) s.close();
    proxy.plan(); // nothing left over
    proxy.log.length = 0;
    proxy.fallback = () => ({ kind: 'pass' });
    proxy.onUpstreamAnswer = undefined;
    proxy.onForwarded = undefined;
  });
  afterAll(async () => {
    await proxy.close();
    await app.close();
  });

  async function tablet(): Promise<Tablet> {
    // The tablet's person is the account that signs in: records are signed by their author.
    const [account] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [DEMO_FIELDWORKER.username]);
    const { storage } = await unlockedTestStorage(undefined, testUser({ id: account?.id ?? '' }));
    storages.push(storage);
    const deviceId = await storage.device.deviceId();
    const device = await enrollTablet(db(), DEMO_FIELDWORKER.username, { deviceId });
    const session = await loginOnTablet(app, device);
    return { storage, deviceId, token: session.token, refreshToken: session.refreshToken, deviceSecret: device.deviceSecret, device };
  }

  function engineFor(t: Tablet, extra: Partial<ConstructorParameters<typeof SyncEngine>[0]> = {}): SyncEngine {
    const engine = new SyncEngine({
      records: t.storage.records,
      transport: httpTransport({ baseUrl: proxy.url, token: () => Promise.resolve(t.token) }),
      deviceId: () => Promise.resolve(t.deviceId),
      isOnline: () => true,
      backoff: FAST_BACKOFF,
      ...extra,
    });
    engines.push(engine);
    return engine;
  }

  async function save(t: Tablet, n: number, start = 0): Promise<SyncRecord[]> {
    const out: SyncRecord[] = [];
    for (let i = 0; i < n; i++) {
      const record = await homeContactRecord(
        { topics: ['health'] },
        { deviceId: t.deviceId, now: new Date(Date.UTC(2026, 10, 20, 8, 0, start + i)) },
      );
      await t.storage.records.saveRecord(record);
      out.push(record);
    }
    return out;
  }

  it('1: the answer is lost after the server committed → the retry gets the same answer, one row per record', async () => {
    const t = await tablet();
    const records = await save(t, 3);
    proxy.plan({ kind: 'dropAfterCommit' });
    const engine = engineFor(t);
    void engine.start();
    expect((await settle(engine, t.storage)).mode).toBe('idle');

    const [lost, retried] = proxy.log;
    expect(proxy.log).toHaveLength(2);
    expect(lost).toMatchObject({ fault: 'dropAfterCommit', upstreamStatus: 200, delivered: false });
    expect(retried).toMatchObject({ fault: 'pass', upstreamStatus: 200, delivered: true });
    // The server committed the first time; the retry is answered identically (receivedAt included).
    expect((retried?.upstreamBody as PushResponse).results).toEqual((lost?.upstreamBody as PushResponse).results);
    const rows = await rowsOf(
      db,
      records.map((r) => r.id),
    );
    expect(rows).toHaveLength(3);
    const local = await t.storage.records.listRecords();
    for (const row of rows) {
      const mine = local.find((r) => r.id === row.id);
      expect(mine?.syncState).toBe('sent');
      expect(mine?.sentAt).toBe(new Date(row.received_at).toISOString());
    }
  });

  it('2: the same id + revision with another payload → rejected as a 409 conflict, the stored row unchanged', async () => {
    const t = await tablet();
    const [original] = await save(t, 1);
    if (!original) throw new Error('no record');
    const engine = engineFor(t);
    void engine.start();
    await settle(engine, t.storage);
    const before = await rowsOf(db, [original.id]);

    const other = await homeContactRecord({ topics: ['money', 'housing'] }, { deviceId: t.deviceId });
    await t.storage.records.saveRecord({ ...other, id: original.id, revision: original.revision, createdAt: original.createdAt });
    engine.trigger();
    expect((await settle(engine, t.storage)).mode).toBe('idle');

    expect(proxy.log.at(-1)?.upstreamStatus).toBe(409);
    expect(await rowsOf(db, [original.id])).toEqual(before);
    const [row] = await t.storage.records.listRecords();
    expect(row).toMatchObject({ id: original.id, syncState: 'rejected', rejection: { reason: 'revisionConflict' } });
  });

  it('3: two pushes of the same batch in flight at once (two tabs, one outbox) → one effect', async () => {
    const t = await tablet();
    const records = await save(t, 6);
    proxy.plan({ kind: 'delay', ms: 150 }, { kind: 'delay', ms: 150 });
    let inFlight = 0;
    let maxInFlight = 0;
    proxy.onForwarded = () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
    };
    proxy.onUpstreamAnswer = () => {
      inFlight--;
    };
    const tabA = engineFor(t);
    const tabB = engineFor(t);
    void tabA.start();
    void tabB.start();
    await Promise.all([settle(tabA, t.storage), settle(tabB, t.storage)]);

    expect(maxInFlight).toBe(2);
    const [first, second] = proxy.log;
    expect(first?.requestBody).toEqual(second?.requestBody);
    expect(
      await countRecords(
        db(),
        records.map((r) => r.id),
      ),
    ).toBe(6);
    expect(await t.storage.records.countBySyncState('sent')).toBe(6);
  });

  it('6: one invalid record in a batch → the others stored, it is shown rejected with its reason, later records still go', async () => {
    const t = await tablet();
    const before = await save(t, 2);
    const valid = await homeContactRecord({ topics: ['health'] }, { deviceId: t.deviceId });
    // Content the form could not produce (a field the schema does not know), its hash matching.
    const base = await homeContactRecord({ topics: ['money'] }, { deviceId: t.deviceId });
    const content = { ...base.content, familyName: 'Muster' };
    const invalid = { ...base, content, contentHash: await contentHash(content) } as unknown as SyncRecord;
    await t.storage.records.saveRecord(invalid);
    await t.storage.records.saveRecord(valid);
    const engine = engineFor(t, { batchSize: 10 });
    void engine.start();
    expect((await settle(engine, t.storage)).mode).toBe('idle');
    const after = await save(t, 2, 100);
    engine.trigger();
    expect((await settle(engine, t.storage)).mode).toBe('idle');

    const delivered = [...before, valid, ...after].map((r) => r.id);
    expect(await countRecords(db(), delivered)).toBe(delivered.length);
    expect(await countRecords(db(), [invalid.id])).toBe(0);
    const rows = await t.storage.records.listRecords();
    const rejected = rows.find((r) => r.id === invalid.id);
    expect(rejected?.syncState).toBe('rejected');
    expect(rejected?.rejection?.reason).toBeTruthy();
    expect(rejected?.rejection?.message).toBeTruthy();
    expect(rows.filter((r) => r.syncState === 'sent')).toHaveLength(delivered.length);
  });

  it('7: 5xx, resets and cut bodies → retried with growing jittered delays, the order per device kept', async () => {
    const t = await tablet();
    const records = await save(t, 8);
    proxy.plan(
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'status', status: 502 },
      { kind: 'cutBody' },
      { kind: 'pass' },
      { kind: 'status', status: 500 },
    );
    const delays: number[] = [];
    const engine = engineFor(t, {
      batchSize: 3,
      setTimer: (fn, ms) => {
        delays.push(ms);
        return setTimeout(() => void fn(), ms);
      },
    });
    void engine.start();
    expect((await settle(engine, t.storage)).mode).toBe('idle');

    // Four failures in a row, then one answered push, then a failure again (reset to the first step).
    expect(delays).toHaveLength(5);
    const ceilings = [5, 10, 20, 40, 5];
    delays.forEach((d, i) => {
      const ceiling = ceilings[i] ?? 0;
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    });
    // What reached the backend, in order, is the save order (a retried batch repeats, never overtakes).
    const firstArrival: string[] = [];
    for (const entry of proxy.log) {
      if (entry.upstreamStatus !== 200) continue;
      for (const r of (entry.requestBody as { records: SyncRecord[] }).records) if (!firstArrival.includes(r.id)) firstArrival.push(r.id);
    }
    expect(firstArrival).toEqual(records.map((r) => r.id));
    expect(
      await countRecords(
        db(),
        records.map((r) => r.id),
      ),
    ).toBe(8);
    const rows = await rowsOf(
      db,
      records.map((r) => r.id),
    );
    const byId = new Map(rows.map((r) => [r.id, new Date(r.received_at).getTime()]));
    const received = records.map((r) => byId.get(r.id) ?? Number.NaN);
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it('9: the session expires mid-sync → renewed with the refresh token, the outbox resumes intact', async () => {
    const t = await tablet();
    const records = await save(t, 6);
    let renewals = 0;
    const refreshSession = async (): Promise<boolean> => {
      const response = await fetch(`${proxy.url}/api/session/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: t.refreshToken, deviceId: t.deviceId, deviceSecret: t.deviceSecret }),
      });
      if (response.status !== 200) return false;
      const renewed = loginResponseSchema.parse(await response.json());
      t.token = renewed.token;
      t.refreshToken = renewed.refreshToken;
      renewals++;
      return true;
    };
    // After the first batch is answered, the access token's lifetime runs out.
    let expired = false;
    proxy.onUpstreamAnswer = () => {
      if (!expired) {
        expired = true;
        clock.advance(2 * 60_000);
      }
    };
    const engine = engineFor(t, { batchSize: 2, refreshSession });
    void engine.start();
    expect((await settle(engine, t.storage)).mode).toBe('idle');
    expect(renewals).toBe(1);
    expect(proxy.log.map((e) => e.upstreamStatus)).toEqual([200, 401, 200, 200]);
    expect(
      await countRecords(
        db(),
        records.map((r) => r.id),
      ),
    ).toBe(6);

    // And when renewal is impossible too: paused, nothing lost, resumes after a new sign-in.
    const later = await save(t, 3, 200);
    clock.advance(2 * 60_000);
    const stuck = engineFor(t, { batchSize: 2, refreshSession: () => Promise.resolve(false) });
    void stuck.start();
    const paused = await settle(stuck, t.storage);
    expect(paused).toMatchObject({ mode: 'paused', pauseReason: 'unauthorized' });
    expect(await t.storage.records.countOutbox()).toBe(3);
    expect(
      await countRecords(
        db(),
        later.map((r) => r.id),
      ),
    ).toBe(0);
    t.token = (await loginOnTablet(app, t.device)).token;
    expect((await settle(stuck, t.storage, undefined, stuck.syncNow({ resetBackoff: true }))).mode).toBe('idle');
    expect(
      await countRecords(
        db(),
        later.map((r) => r.id),
      ),
    ).toBe(3);
  });

  it('12: 1,000 records queued on each of 20 tablets, all online at once, through a flaky network → every record exactly once', async () => {
    const DEVICES = 20;
    const PER_DEVICE = 1_000;
    const tablets = await Promise.all(Array.from({ length: DEVICES }, () => tablet()));
    const saved = new Map<string, string[]>();
    await Promise.all(
      tablets.map(async (t, d) => {
        const ids: string[] = [];
        for (let i = 0; i < PER_DEVICE; i++) {
          const record = await homeContactRecord(
            { topics: i % 2 ? ['health'] : ['money'] },
            { deviceId: t.deviceId, now: new Date(Date.UTC(2026, 10, 1) + d * 10_000_000 + i * 1000) },
          );
          await t.storage.records.saveRecord(record);
          ids.push(record.id);
        }
        saved.set(t.deviceId, ids);
      }),
    );
    // Every 5th push loses its answer after the commit, every 7th meets a 503, every 11th a reset.
    proxy.fallback = (i) =>
      i % 5 === 4
        ? { kind: 'dropAfterCommit' }
        : i % 7 === 6
          ? { kind: 'status', status: 503 }
          : i % 11 === 10
            ? { kind: 'reset' }
            : { kind: 'pass' };
    const engines = tablets.map((t) => engineFor(t, { batchSize: 100 }));
    for (const e of engines) void e.start();
    const statuses = await Promise.all(engines.map((e, i) => settle(e, (tablets[i] as Tablet).storage, 120_000)));
    expect(statuses.map((s) => s.mode)).toEqual(Array.from({ length: DEVICES }, () => 'idle'));

    expect(proxy.log.filter((e) => e.fault === 'dropAfterCommit' && e.upstreamStatus === 200).length).toBeGreaterThan(0);
    const perDevice = await db().query<{ device_id: string; n: number; distinct_ids: number }>(
      `SELECT device_id::text AS device_id, count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids
         FROM records WHERE device_id::text IN (SELECT jsonb_array_elements_text($1::jsonb)) GROUP BY device_id`,
      [JSON.stringify(tablets.map((t) => t.deviceId))],
    );
    expect(perDevice).toHaveLength(DEVICES);
    for (const row of perDevice) expect(row).toMatchObject({ n: PER_DEVICE, distinct_ids: PER_DEVICE });
    const all = [...saved.values()].flat();
    expect(await countRecords(db(), all)).toBe(DEVICES * PER_DEVICE);
    for (const t of tablets) {
      expect(await t.storage.records.countOutbox()).toBe(0);
      expect(await t.storage.records.countBySyncState('sent')).toBe(PER_DEVICE);
    }
    // 20,000 records through a flaky network: a correctness test, not a speed test (that is
    // `npm run bench -- --only=sync`), so a busy CI machine gets time; the default minute was once too short.
  }, 240_000);
});
