// Dropping the content of sent records works through a list of the sent rows
// that still hold content, so thousands of content-free stubs are not read at
// every sync; a record sent after the list exists is still dropped in time,
// and a tablet from before the list builds it with one scan.
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../../../src/client/storage';
import { unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';

const SERVER_TIME = '2026-11-20T09:00:00.000Z';
let storages: Storage[] = [];
afterEach(() => {
  for (const s of storages) s.close();
  storages = [];
});

async function sendAll(storage: Storage): Promise<void> {
  const items = await storage.records.peekOutbox(500);
  await storage.records.applyPushResults(
    items,
    items.map((i) => ({ id: i.record.id, revision: i.record.revision, outcome: 'accepted' as const, status: 200, receivedAt: SERVER_TIME })),
    SERVER_TIME,
  );
}

async function saveContacts(storage: Storage, n: number, minute: number): Promise<void> {
  for (let i = 0; i < n; i++) await storage.records.saveRecord(await homeContactRecord({}, { now: new Date(Date.UTC(2026, 10, 20, 8, minute + i)) }));
}

describe('retention of sent content', () => {
  it('drops each sent record’s content once, also for records sent after the first drop', async () => {
    const { storage, db } = await unlockedTestStorage();
    storages.push(storage);
    await saveContacts(storage, 3, 0);
    await sendAll(storage);
    const day = new Date('2026-11-20T12:00:00Z');
    expect(await storage.records.dropSentContent(1, day)).toBe(0); // retention not over: all three kept, listed
    expect(((await db.meta.get('sentWithContent'))?.value as string[]).length).toBe(3);

    await saveContacts(storage, 2, 10);
    await sendAll(storage); // noted on the existing list
    expect(((await db.meta.get('sentWithContent'))?.value as string[]).length).toBe(5);
    expect(await storage.records.dropSentContent(0, day)).toBe(5);
    expect((await db.meta.get('sentWithContent'))?.value).toEqual([]);
    expect(await storage.records.dropSentContent(0, day)).toBe(0);
    const rows = await db.records.toArray();
    expect(rows.every((r) => r.sealed === undefined && r.contentRemovedAt !== undefined)).toBe(true);
  });

  it('builds the list with one scan on a tablet that has none', async () => {
    const { storage, db } = await unlockedTestStorage();
    storages.push(storage);
    await saveContacts(storage, 2, 0);
    await sendAll(storage);
    await db.meta.delete('sentWithContent'); // as on a tablet from before the list
    await saveContacts(storage, 1, 5);
    await sendAll(storage);
    expect(await storage.records.dropSentContent(0, new Date('2026-11-20T12:00:00Z'))).toBe(3);
  });
});
