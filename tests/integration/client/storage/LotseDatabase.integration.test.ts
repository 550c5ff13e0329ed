// Schema history of the tablet database: every upgrade is tested by seeding
// the previous version and opening the next (CONVENTIONS.md 3).
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { LotseDatabase } from '../../../../src/client/storage/LotseDatabase';
import { openStorage } from '../../../../src/client/storage';
import { SCHEMA_HISTORY, TABLES, CURRENT_SCHEMA_VERSION } from '../../../../src/client/storage/tables';
import { freshIndexedDb } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';

describe('tablet database versions', () => {
  it('declares versions 1..n without gaps, newest last', () => {
    expect(SCHEMA_HISTORY.map((s) => s.version)).toEqual(SCHEMA_HISTORY.map((_, i) => i + 1));
    expect(CURRENT_SCHEMA_VERSION).toBe(SCHEMA_HISTORY.length);
  });

  it('upgrades a version-1 database to version 2 without losing records or queued entries', async () => {
    const idb = freshIndexedDb();
    const record = await homeContactRecord();
    const v1 = new Dexie('upgrade-test', idb);
    v1.version(1).stores(SCHEMA_HISTORY[0].stores);
    await v1.table(TABLES.records).put({ id: record.id, kind: 'homeContact', revision: 1, syncState: 'pending', createdAt: record.createdAt, envelope: record });
    await v1.table(TABLES.outbox).add({ recordId: record.id, revision: 1, enqueuedAt: record.createdAt });
    v1.close();

    const v2 = new LotseDatabase('upgrade-test', idb);
    await v2.open();
    expect(v2.verno).toBe(2);
    const rows = await v2.records.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.updatedAt).toBe(record.createdAt); // backfilled by the upgrade
    expect(rows[0]?.envelope).toEqual(record);
    expect(await v2.outbox.count()).toBe(1);
    expect(await v2.drafts.count()).toBe(0);
    // the new index works on upgraded rows
    expect((await v2.records.orderBy('updatedAt').first())?.id).toBe(record.id);
    v2.close();
  });
});

describe('transactional outbox', () => {
  it('writes the record and its outbox entry together and removes the draft', async () => {
    const db = new LotseDatabase('tx-test', freshIndexedDb());
    const storage = openStorage(db);
    await storage.drafts.save('homeContact:new', { topics: ['health'] });
    const record = await homeContactRecord();
    await storage.records.saveRecord(record, { draftId: 'homeContact:new' });
    expect(await db.records.get(record.id)).toMatchObject({ syncState: 'pending', revision: 1 });
    expect(await db.outbox.toArray()).toMatchObject([{ recordId: record.id, revision: 1 }]);
    expect(await storage.drafts.load('homeContact:new')).toBeUndefined();
    storage.close();
  });

  it('writes neither record nor outbox entry when the transaction fails half-way', async () => {
    const db = new LotseDatabase('tx-fail-test', freshIndexedDb());
    const storage = openStorage(db);
    await storage.drafts.save('homeContact:new', { topics: ['health'] });
    const record = await homeContactRecord();
    // Make the outbox write fail after the record write succeeded inside the transaction.
    db.outbox.hook('creating', () => {
      throw new Error('simulated crash between record and outbox');
    });
    await expect(storage.records.saveRecord(record, { draftId: 'homeContact:new' })).rejects.toThrow();
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await storage.drafts.load('homeContact:new')).toEqual({ topics: ['health'] }); // draft intact
    storage.close();
  });

  it('keeps data across closing and reopening the database (a reload)', async () => {
    const idb = freshIndexedDb();
    const first = openStorage(new LotseDatabase('reload-test', idb));
    const record = await homeContactRecord();
    await first.records.saveRecord(record);
    const deviceId = await first.device.deviceId();
    first.close();
    const second = openStorage(new LotseDatabase('reload-test', idb));
    expect(await second.records.countOutbox()).toBe(1);
    expect(await second.device.deviceId()).toBe(deviceId);
    second.close();
  });
});
