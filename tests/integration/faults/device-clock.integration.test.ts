// Fault case 8: the tablet's clock is days ahead or behind. The backend runs in
// a process of its own (its clock is the real one); the test moves only the
// client's Date. What the server stores is ordered by the server's time, and
// how long the tablet keeps the content of sent records (retention) follows
// the server's clock as the push answers tell it, not the device's.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Storage } from '@client/storage';
import { SyncEngine } from '@client/sync/SyncEngine';
import { httpTransport } from '@client/sync/transport';
import { loginResponseSchema } from '@shared/protocol';
import { enrollDeviceResponseSchema } from '@shared/staff-api';
import { TEST_PASSPHRASE, unlockedTestStorage } from '../../fixtures/client-db';
import { homeContactRecord } from '../../fixtures/home-contacts';
import { freePort, post, prepareBackendDatabase, startBackendProcess, stopGently } from '../../fixtures/backend-process';
import { DEMO_COORDINATOR, DEMO_FIELDWORKER } from '../helpers/test-app';

const DAY = 24 * 60 * 60 * 1000;
const RETENTION_DAYS = 7;
const realNow = (): number => performance.timeOrigin + performance.now();

describe('device clock days off', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('orders by the server’s time and keeps sent content for the retention as the server counts it', async () => {
    const target = await prepareBackendDatabase('pglite');
    cleanups.push(target.cleanUp);
    const port = await freePort();
    const child: ChildProcess = await startBackendProcess(port, target.env);
    cleanups.push(() => stopGently(child));
    const api = `http://127.0.0.1:${String(port)}`;

    const { storage, escrowKey } = await unlockedTestStorage();
    const s: Storage = storage;
    cleanups.push(() => {
      s.close();
      return Promise.resolve();
    });
    const deviceId = await storage.device.deviceId();
    const coordinator = loginResponseSchema.parse(
      await post(`${api}/api/session`, { username: DEMO_COORDINATOR.username, password: DEMO_COORDINATOR.password }),
    );
    const enrolled = enrollDeviceResponseSchema.parse(
      await post(`${api}/api/devices`, { deviceId, label: 'Uhr-Tablet' }, coordinator.token),
    );
    const session = loginResponseSchema.parse(
      await post(`${api}/api/session`, {
        username: DEMO_FIELDWORKER.username,
        password: DEMO_FIELDWORKER.password,
        deviceId,
        deviceSecret: enrolled.deviceSecret,
      }),
    );
    // The fieldworker's key slot on this tablet: records are signed by the person who saves them.
    await storage.vault.createSlot(session.user, TEST_PASSPHRASE, escrowKey);
    const engine = new SyncEngine({
      records: storage.records,
      transport: httpTransport({ baseUrl: api, token: () => Promise.resolve(session.token) }),
      deviceId: () => Promise.resolve(deviceId),
      isOnline: () => true,
      backoff: { baseMs: 10, maxMs: 50 },
    });
    const sync = async (): Promise<void> => {
      const status = await engine.syncNow({ resetBackoff: true });
      expect(status.mode).toBe('idle');
    };
    void engine.start();

    // Ten days ahead: a contact saved "in the future" is sent.
    vi.useFakeTimers({ toFake: ['Date'], now: realNow() + 10 * DAY, shouldAdvanceTime: true });
    const ahead = await homeContactRecord({ topics: ['health'] }, { deviceId, now: new Date() });
    await storage.records.saveRecord(ahead);
    await sync();
    // The server says it was received just now: ten days on the device clock are not ten days of retention.
    expect(await storage.records.dropSentContent(RETENTION_DAYS)).toBe(0);

    // Ten days behind: the next contact looks older on the device than the first one.
    vi.setSystemTime(realNow() - 10 * DAY);
    const behind = await homeContactRecord({ topics: ['money'] }, { deviceId, now: new Date() });
    await storage.records.saveRecord(behind);
    await sync();
    expect(await storage.records.dropSentContent(RETENTION_DAYS)).toBe(0);
    vi.useRealTimers();

    const local = await storage.records.listRecords();
    const sentAt = new Map(local.map((r) => [r.id, Date.parse(r.sentAt ?? '')]));
    // The tablet's "sent" times are the server's receipts: real time, in the order sent, whatever the device clock said.
    const firstSent = sentAt.get(ahead.id) ?? Number.NaN;
    const secondSent = sentAt.get(behind.id) ?? Number.NaN;
    expect(Math.abs(firstSent - realNow())).toBeLessThan(60_000);
    expect(secondSent).toBeGreaterThanOrEqual(firstSent);
    // Once the server's clock says the retention is over, the content goes (counted from the server's receipt).
    expect(await storage.records.dropSentContent(RETENTION_DAYS, new Date(secondSent + (RETENTION_DAYS + 1) * DAY))).toBe(2);

    engine.stop();
    await stopGently(child);
    const db = await target.open();
    try {
      const rows = await db.query<{ id: string; device_created_at: Date | string; received_at: Date | string }>(
        'SELECT id::text AS id, device_created_at, received_at FROM records WHERE device_id = $1 ORDER BY received_at, id',
        [deviceId],
      );
      expect(rows.map((r) => r.id)).toEqual([ahead.id, behind.id]);
      // The device's own times are kept as what they are (device_created_at), ten days off either way.
      expect(new Date(rows[0]?.device_created_at ?? 0).getTime()).toBeGreaterThan(
        new Date(rows[1]?.device_created_at ?? 0).getTime() + 15 * DAY,
      );
      for (const row of rows) expect(Math.abs(new Date(row.received_at).getTime() - realNow())).toBeLessThan(120_000);
    } finally {
      await db.close();
    }
  }, 120_000);
});
