// Runs in Chromium (served by Vite from tests/bench/browser/index.html):
// the real client storage modules on the browser's real, on-disk IndexedDB.
// Every timing is taken here with performance.now(), so the DevTools
// protocol round trips of the driver are not part of any figure.
import { Dexie } from 'dexie';
import { LotseDatabase, openStorage, type Storage } from '@client/storage';
import type { RecordRow, RecordSecret } from '@client/storage/types';
import { randomBytes, toBase64Url } from '@shared/crypto/bytes';
import { deriveKeyEncryptionKey, newKdfParams } from '@shared/crypto/key-derivation';
import type { SessionUser } from '@shared/protocol';
import type { HomeContactRecord } from '@shared/records/sync-record';
import { uuidv7 } from '@shared/ids';
import { BENCH_PASSPHRASE, buildHomeContacts, type BrowserBenchApi } from '../workload';
import { PlainDatabase, bulkPutWithOutbox, bulkSavePlain, outboxEntry, recordRowFields, savePlainRecord } from './plain-db';

const created = new Set<string>();
let workload: HomeContactRecord[] = [];

function benchUser(id: string): SessionUser {
  return { id, displayName: `Bench ${id}`, roles: ['fieldworker'], organisationId: 'home-projekt-demo', municipalityId: 'demo-stadt' };
}

function dbName(kind: string): string {
  const name = `lotse-bench-${kind}-${uuidv7()}`;
  created.add(name);
  return name;
}

/** A provisioned tablet database with one unlocked person, like after the first sign-in. */
async function unlockedStorage(kind: string): Promise<{ storage: Storage; db: LotseDatabase; ownerId: string }> {
  const db = new LotseDatabase(dbName(kind));
  const storage = openStorage(db);
  const escrowKey = toBase64Url(randomBytes(32));
  await storage.vault.provision(escrowKey);
  const ownerId = 'bench-fieldworker';
  await storage.vault.createSlot(benchUser(ownerId), BENCH_PASSPHRASE, escrowKey);
  return { storage, db, ownerId };
}

/** Closes and deletes a bench database, so the origin's LevelDB does not grow from run to run. */
async function drop(close: () => void, name: string): Promise<void> {
  close();
  await Dexie.delete(name);
  created.delete(name);
}

function take(count: number): HomeContactRecord[] {
  if (workload.length < count) throw new Error(`prepare(${String(count)}) first`);
  return workload.slice(0, count);
}

const api: BrowserBenchApi = {
  async prepare(count) {
    const t0 = performance.now();
    workload = await buildHomeContacts(count, uuidv7());
    return { count, ms: performance.now() - t0 };
  },

  async saveEncrypted(count) {
    const records = take(count);
    const { storage, db } = await unlockedStorage('enc');
    const t0 = performance.now();
    for (const record of records) await storage.records.saveRecord(record);
    const ms = performance.now() - t0;
    if ((await storage.records.countOutbox()) !== count) throw new Error('encrypted save lost records');
    await drop(() => {
      storage.close();
    }, db.name);
    return { count, ms };
  },

  async savePlain(count) {
    const records = take(count);
    const db = new PlainDatabase(dbName('plain'));
    await db.open();
    const t0 = performance.now();
    for (const record of records) await savePlainRecord(db, record, 'bench-fieldworker');
    const ms = performance.now() - t0;
    if ((await db.outbox.count()) !== count) throw new Error('plain save lost records');
    await drop(() => {
      db.close();
    }, db.name);
    return { count, ms };
  },

  async bulkEncrypted(count, chunk) {
    const records = take(count);
    const { storage, db, ownerId } = await unlockedStorage('bulk-enc');
    const t0 = performance.now();
    for (let start = 0; start < records.length; start += chunk) {
      const now = new Date().toISOString();
      const slice = records.slice(start, start + chunk);
      // Same row as saveRecord writes; sealing happens before the transaction
      // (IndexedDB transactions do not survive awaits on WebCrypto).
      const rows = await Promise.all(
        slice.map(async (envelope): Promise<RecordRow> => ({
          ...recordRowFields(envelope, ownerId, now),
          sealed: await storage.vault.seal('records', `${envelope.id}#${String(envelope.revision)}`, envelope.schemaVersion, {
            envelope,
          } satisfies RecordSecret),
        })),
      );
      const entries = slice.map((e) => outboxEntry(e, ownerId, now));
      await bulkPutWithOutbox(db, rows, entries);
    }
    const ms = performance.now() - t0;
    if ((await storage.records.countOutbox()) !== count) throw new Error('bulk encrypted save lost records');
    await drop(() => {
      storage.close();
    }, db.name);
    return { count, ms };
  },

  async bulkPlain(count, chunk) {
    const records = take(count);
    const db = new PlainDatabase(dbName('bulk-plain'));
    await db.open();
    const t0 = performance.now();
    for (let start = 0; start < records.length; start += chunk) {
      await bulkSavePlain(db, records.slice(start, start + chunk), 'bench-fieldworker');
    }
    const ms = performance.now() - t0;
    if ((await db.outbox.count()) !== count) throw new Error('bulk plain save lost records');
    await drop(() => {
      db.close();
    }, db.name);
    return { count, ms };
  },

  async keySlots(slots, unlocks, kdfRuns) {
    const db = new LotseDatabase(dbName('slots'));
    const storage = openStorage(db);
    const escrowKey = toBase64Url(randomBytes(32));
    await storage.vault.provision(escrowKey);
    const createSlotMs: number[] = [];
    for (let i = 0; i < slots; i++) {
      storage.vault.lock();
      const t0 = performance.now();
      await storage.vault.createSlot(benchUser(`bench-slot-${String(i)}`), BENCH_PASSPHRASE, escrowKey);
      createSlotMs.push(performance.now() - t0);
    }
    const unlockMs: number[] = [];
    for (let i = 0; i < unlocks; i++) {
      storage.vault.lock();
      const t0 = performance.now();
      const result = await storage.vault.unlock('bench-slot-0', BENCH_PASSPHRASE, 10);
      unlockMs.push(performance.now() - t0);
      if (result.kind !== 'unlocked') throw new Error(`unlock failed: ${result.kind}`);
    }
    const pbkdf2Ms: number[] = [];
    for (let i = 0; i < kdfRuns; i++) {
      const params = newKdfParams();
      const t0 = performance.now();
      await deriveKeyEncryptionKey(BENCH_PASSPHRASE, params);
      pbkdf2Ms.push(performance.now() - t0);
    }
    const iterations = (await storage.vault.slot('bench-slot-0'))?.kdf.iterations ?? 0;
    storage.close();
    return { createSlotMs, unlockMs, pbkdf2Ms, iterations };
  },

  async saveLatency(count, warmup) {
    const records = take(count + warmup);
    const { storage } = await unlockedStorage('latency');
    for (const record of records.slice(0, warmup)) await storage.records.saveRecord(record);
    const saveMs: number[] = [];
    for (const record of records.slice(warmup)) {
      const t0 = performance.now();
      await storage.records.saveRecord(record);
      saveMs.push(performance.now() - t0);
    }
    const sealMs: number[] = [];
    for (const record of records.slice(warmup)) {
      const t0 = performance.now();
      await storage.vault.seal('records', `${record.id}#9`, record.schemaVersion, { envelope: record });
      sealMs.push(performance.now() - t0);
    }
    storage.close();
    return { saveMs, sealMs };
  },

  async cleanup() {
    for (const name of created) await Dexie.delete(name);
    created.clear();
  },
};

window.lotseBench = api;
