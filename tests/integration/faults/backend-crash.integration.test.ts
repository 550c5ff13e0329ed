// Fault case 11: the backend process is killed with SIGKILL in the middle of
// a batch — once while it is working on a push, once after it committed and
// before its answer left — and restarted on the same database (a PGlite data
// directory on disk; a PostgreSQL database of its own). The real client keeps
// retrying through the fault proxy; afterwards every record is on the server
// exactly once and the tablet's outbox is empty.
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '@client/storage';
import { SyncEngine } from '@client/sync/SyncEngine';
import { httpTransport } from '@client/sync/transport';
import { DEMO_MUNICIPALITY_ID } from '@server/db/demo-seed';
import { enrollDeviceResponseSchema } from '@shared/staff-api';
import { loginResponseSchema } from '@shared/protocol';
import { startFaultProxy, type FaultProxy } from '../../fixtures/fault-proxy';
import { TEST_PASSPHRASE, unlockedTestStorage } from '../../fixtures/client-db';
import { homeContactRecord } from '../../fixtures/home-contacts';
import { testDatabaseKinds } from '../../fixtures/test-database';
import {
  freePort,
  killHard,
  post,
  prepareBackendDatabase as prepare,
  startBackendProcess as startChild,
  stopGently,
} from '../../fixtures/backend-process';
import { DEMO_COORDINATOR, DEMO_FIELDWORKER } from '../helpers/test-app';

const RECORDS = 1_500;

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
        await post(`${api}/api/devices`, { deviceId, label: 'Crash-Tablet' }, coordinator.token),
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
      void engine.start();
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
