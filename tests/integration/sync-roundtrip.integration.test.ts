// Tablet ↔ backend round trip without a browser: the real sync engine and
// HTTP transport over fake-indexeddb, pushing to the real server over loopback.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SyncEngine } from '@client/sync/SyncEngine';
import { httpTransport } from '@client/sync/transport';
import type { HomeContactRecord } from '@shared/records/sync-record';
import { testUser, unlockedTestStorage } from '../fixtures/client-db';
import { homeContactRecord } from '../fixtures/home-contacts';
import { describeEachDatabase } from './helpers/databases';
import { DEMO_FIELDWORKER, buildTestApp, countRecords, listenOnLoopback, seedDemo, signInOnTablet } from './helpers/test-app';

describeEachDatabase('sync round trip', ({ db }) => {
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    baseUrl = await listenOnLoopback(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('delivers every queued record exactly once, shows a tampered one as rejected, and survives a repeat', async () => {
    // The tablet's person is the account that signs in (records are signed by their author, and the
    // server stores a record signed by someone else only with that person's enrolled key).
    const [account] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [DEMO_FIELDWORKER.username]);
    const { storage } = await unlockedTestStorage(undefined, testUser({ id: account?.id ?? '' }));
    const deviceId = await storage.device.deviceId();
    // Push only from an enrolled tablet signed in on it: enroll this storage's device id and sign in there.
    const { token } = await signInOnTablet(app, db(), undefined, { deviceId });
    const good: HomeContactRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const record = await homeContactRecord({ topics: ['health'] }, { deviceId, now: new Date(Date.UTC(2026, 10, 20, 9, i)) });
      good.push(record);
      await storage.records.saveRecord(record);
    }
    const tampered = await homeContactRecord({ topics: ['money'] }, { deviceId });
    await storage.records.saveRecord({ ...tampered, content: { ...tampered.content, topics: ['housing'] } });

    const engine = new SyncEngine({
      records: storage.records,
      transport: httpTransport({ baseUrl, token: () => Promise.resolve(token) }),
      deviceId: () => storage.device.deviceId(),
      isOnline: () => true,
      batchSize: 2, // several batches
    });
    expect((await engine.start()).mode).toBe('idle');

    for (const record of good) expect(await countRecords(db(), [record.id])).toBe(1);
    expect(await countRecords(db(), [tampered.id])).toBe(0);
    const rows = await storage.records.listRecords();
    expect(rows.filter((r) => r.syncState === 'sent')).toHaveLength(5);
    expect(rows.find((r) => r.id === tampered.id)).toMatchObject({ syncState: 'rejected', rejection: { reason: 'hashMismatch' } });

    // Re-queue an already delivered record (as after a lost answer): same answer, no second row.
    const first = good[0];
    if (!first) throw new Error('no record');
    await storage.records.saveRecord(first);
    expect((await engine.syncNow()).mode).toBe('idle');
    expect(await countRecords(db(), [first.id])).toBe(1);
    storage.close();
  });
});
