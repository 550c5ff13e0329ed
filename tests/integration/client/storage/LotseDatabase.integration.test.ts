// Schema history of the tablet database (every upgrade tested by seeding the
// previous version and opening the next, CONVENTIONS.md 3), the transactional
// outbox, and encryption at rest as seen in the raw stored rows.
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { LotseDatabase } from '@client/storage/LotseDatabase';
import { openStorage } from '@client/storage';
import { SCHEMA_HISTORY, TABLES, CURRENT_SCHEMA_VERSION } from '@client/storage/tables';
import { freshIndexedDb, openTestStorage, TEST_PASSPHRASE, testUser, unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';

async function seedVersion(version: 1 | 2, idb: ReturnType<typeof freshIndexedDb>, name: string) {
  const record = await homeContactRecord({ topics: ['housing'] });
  const old = new Dexie(name, idb);
  old.version(version).stores(SCHEMA_HISTORY[version - 1]?.stores ?? {});
  await old.table(TABLES.records).put({
    id: record.id,
    kind: 'homeContact',
    revision: 1,
    syncState: 'pending',
    createdAt: record.createdAt,
    ...(version === 2 ? { updatedAt: record.createdAt } : {}),
    envelope: record,
  });
  await old.table(TABLES.outbox).add({ recordId: record.id, revision: 1, enqueuedAt: record.createdAt });
  if (version === 2)
    await old.table(TABLES.drafts).put({ formId: 'homeContact:new', values: { topics: ['money'] }, updatedAt: record.createdAt });
  old.close();
  return record;
}

describe('tablet database versions', () => {
  it('declares versions 1..n without gaps, newest last', () => {
    expect(SCHEMA_HISTORY.map((s) => s.version)).toEqual(SCHEMA_HISTORY.map((_, i) => i + 1));
    expect(CURRENT_SCHEMA_VERSION).toBe(SCHEMA_HISTORY.length);
  });

  it('upgrades version 1 to the current version without losing records or queued entries', async () => {
    const idb = freshIndexedDb();
    const record = await seedVersion(1, idb, 'upgrade-1');
    const db = new LotseDatabase('upgrade-1', idb);
    await db.open();
    expect(db.verno).toBe(CURRENT_SCHEMA_VERSION);
    const [row] = await db.records.toArray();
    expect(row).toMatchObject({ id: record.id, updatedAt: record.createdAt, ownerId: 'legacy', schemaVersion: 1 });
    expect(await db.outbox.toArray()).toMatchObject([{ recordId: record.id, ownerId: 'legacy' }]);
    expect((await db.records.orderBy('updatedAt').first())?.id).toBe(record.id);
    db.close();
  });

  it('upgrades version 2 (plaintext) and seals the old rows and drafts at the first unlock', async () => {
    const idb = freshIndexedDb();
    const record = await seedVersion(2, idb, 'upgrade-2');
    const { storage, db } = openTestStorage('upgrade-2', idb);
    expect(await storage.records.countOutbox()).toBe(1); // visible while locked, as a count
    const escrow = 'A'.repeat(43);
    await storage.vault.provision(escrow);
    await storage.vault.createSlot(testUser(), TEST_PASSPHRASE, escrow);
    expect(await storage.records.sealLegacyRows()).toBe(1);

    const raw = JSON.stringify({ records: await db.records.toArray(), drafts: await db.drafts.toArray() });
    expect(raw).not.toContain('housing');
    expect(raw).not.toContain('money');
    const [view] = await storage.records.listRecords();
    expect(view?.envelope).toEqual(record);
    expect(await storage.drafts.load('homeContact:new')).toEqual({ topics: ['money'] });
    expect(await storage.records.peekOutbox(10)).toHaveLength(1); // now owned by the person who unlocked
    storage.close();
  });
});

describe('transactional outbox over the vault', () => {
  it('writes the sealed record and its outbox entry together and removes the draft', async () => {
    const { storage, db } = await unlockedTestStorage();
    await storage.drafts.save('homeContact:new', { topics: ['health'] });
    const record = await homeContactRecord();
    await storage.records.saveRecord(record, { draftId: 'homeContact:new' });
    expect(await db.records.get(record.id)).toMatchObject({ syncState: 'pending', revision: 1, ownerId: 'staff-test-1' });
    expect(await db.outbox.toArray()).toMatchObject([{ recordId: record.id, revision: 1, ownerId: 'staff-test-1' }]);
    expect(await storage.drafts.load('homeContact:new')).toBeUndefined();
    storage.close();
  });

  it('writes neither record nor outbox entry when the transaction fails half-way', async () => {
    const { storage, db } = await unlockedTestStorage();
    await storage.drafts.save('homeContact:new', { topics: ['health'] });
    db.outbox.hook('creating', () => {
      throw new Error('simulated crash between record and outbox');
    });
    await expect(storage.records.saveRecord(await homeContactRecord(), { draftId: 'homeContact:new' })).rejects.toThrow();
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await storage.drafts.load('homeContact:new')).toEqual({ topics: ['health'] }); // draft intact
    storage.close();
  });

  it('refuses to save anything while locked', async () => {
    const { storage, db } = await unlockedTestStorage();
    storage.vault.lock();
    await expect(storage.records.saveRecord(await homeContactRecord())).rejects.toThrow(/locked/);
    expect(await db.records.count()).toBe(0);
    storage.close();
  });

  it('keeps data across a reload; reading content needs the passphrase again', async () => {
    const { storage: first, idb, db } = await unlockedTestStorage('reload-test');
    const record = await homeContactRecord();
    await first.records.saveRecord(record);
    const deviceId = await first.device.deviceId();
    first.close();
    db.close();
    const second = openStorage(new LotseDatabase('reload-test', idb));
    expect(await second.records.countOutbox()).toBe(1);
    expect(await second.device.deviceId()).toBe(deviceId);
    await expect(second.records.listRecords()).rejects.toThrow(/locked/);
    expect((await second.vault.unlock('staff-test-1', TEST_PASSPHRASE, 10)).kind).toBe('unlocked');
    // As saved: every record carries its author's signature (a colleague may send it).
    const envelope = (await second.records.listRecords())[0]?.envelope;
    expect(envelope).toMatchObject(record);
    expect(envelope?.authorSignature?.signerId).toBe('staff-test-1');
    second.close();
  });
});

describe('encryption at rest', () => {
  it('stores no content in clear: every table read raw holds no field value of the record', async () => {
    const { storage, db } = await unlockedTestStorage();
    const record = await homeContactRecord({ site: 'kita-markerstelle', topics: ['schoolEntry'] });
    await storage.records.saveRecord(record);
    await storage.drafts.save('homeContact:new', { site: 'draft-marker-site' });
    await storage.device.saveSession({
      token: 'tok-marker-123',
      expiresAt: '2026-11-20T10:00:00.000Z',
      refreshToken: 'refresh-marker-456',
      refreshExpiresAt: '2026-11-27T10:00:00.000Z',
      user: testUser(),
    });
    const raw = JSON.stringify(await Promise.all(db.tables.map((t) => t.toArray())));
    for (const marker of ['markerstelle', 'schoolEntry', 'draft-marker-site', 'tok-marker-123', 'refresh-marker-456', record.contentHash]) {
      expect(raw).not.toContain(marker);
    }
    storage.close();
  });

  it('never decrypts with a wrong passphrase, throttles, and wipes the slot after too many attempts', async () => {
    let now = Date.UTC(2026, 10, 20, 9, 0);
    const { storage: unlocked, idb, db } = await unlockedTestStorage('wrong-pass');
    await unlocked.records.saveRecord(await homeContactRecord());
    unlocked.close();
    db.close();
    const storage = openStorage(new LotseDatabase('wrong-pass', idb), { now: () => now });
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await storage.vault.unlock('staff-test-1', `wrong ${String(i)}`, 5));
      expect(storage.vault.isUnlocked).toBe(false);
      now += 10 * 60_000; // wait out any throttle
    }
    expect(results.slice(0, 4).map((r) => r.kind)).toEqual(['wrong', 'wrong', 'wrong', 'wrong']);
    expect(results[2]).toMatchObject({ kind: 'wrong', remaining: 2, retryAt: expect.any(Number) as number });
    expect(results[4]?.kind).toBe('wiped');
    expect(await storage.vault.listSlots()).toEqual([]);
    // Even the right passphrase cannot open a wiped slot.
    expect((await storage.vault.unlock('staff-test-1', TEST_PASSPHRASE, 5)).kind).toBe('noSlot');
    storage.close();
  });

  it('counts parallel wrong attempts from several tabs one by one (no shared count)', async () => {
    const now = Date.UTC(2026, 10, 20, 9, 0);
    const { storage: first, idb, db } = await unlockedTestStorage('parallel-unlock');
    first.close();
    db.close();
    const tabs = Array.from({ length: 4 }, () => openStorage(new LotseDatabase('parallel-unlock', idb), { now: () => now }));
    const results = await Promise.all(tabs.map((tab, i) => tab.vault.unlock('staff-test-1', `wrong ${String(i)}`, 10)));
    expect(results.every((r) => r.kind === 'wrong' || r.kind === 'throttled')).toBe(true);
    const [slot] = (await tabs[0]?.vault.listSlots()) ?? [];
    expect(slot?.failedAttempts).toBe(results.filter((r) => r.kind === 'wrong').length);
    expect(slot?.failedAttempts).toBeGreaterThanOrEqual(3); // each attempt was counted before its key derivation
    for (const tab of tabs) tab.close();
  });

  it('makes a throttled person wait, even with the right passphrase', async () => {
    let now = Date.UTC(2026, 10, 20, 9, 0);
    const { storage: unlocked, idb, db } = await unlockedTestStorage('throttle');
    unlocked.close();
    db.close();
    const storage = openStorage(new LotseDatabase('throttle', idb), { now: () => now });
    for (let i = 0; i < 3; i++) await storage.vault.unlock('staff-test-1', 'nope nope', 10);
    const throttled = await storage.vault.unlock('staff-test-1', TEST_PASSPHRASE, 10);
    expect(throttled.kind).toBe('throttled');
    now += 60_000;
    expect((await storage.vault.unlock('staff-test-1', TEST_PASSPHRASE, 10)).kind).toBe('unlocked');
    expect((await storage.vault.listSlots())[0]?.failedAttempts).toBe(0);
    storage.close();
  });

  it('lets a second person get their own slot only with the escrow key from the server', async () => {
    const { storage, escrowKey } = await unlockedTestStorage();
    await storage.records.saveRecord(await homeContactRecord());
    storage.vault.lock();
    await expect(
      storage.vault.createSlot(testUser({ id: 'staff-2', displayName: 'Zweite' }), 'another passphrase', 'B'.repeat(43)),
    ).rejects.toThrow();
    await storage.vault.createSlot(testUser({ id: 'staff-2', displayName: 'Zweite' }), 'another passphrase', escrowKey);
    expect((await storage.records.listRecords())[0]?.envelope).not.toBeNull(); // same tablet data key
    expect((await storage.vault.listSlots()).map((s) => s.displayName)).toEqual(['Test Fachkraft', 'Zweite']);
    storage.close();
  });

  it('withdraws a case in one step: its records and queue entries go, the withdrawal is queued for anyone to send', async () => {
    const { storage, db, escrowKey } = await unlockedTestStorage();
    const { newConsentRecord, newConsentWithdrawalRecord } = await import('@domain/record-envelope');
    const { consentTextHash, CONSENT_TEXT_VERSION } = await import('@shared/consent-texts');
    const { generateCaseNumber } = await import('@domain/case-number');
    const caseNumber = generateCaseNumber();
    const context = { deviceId: await storage.device.deviceId(), now: new Date('2026-11-20T09:00:00Z') };
    await storage.records.saveRecord(
      await newConsentRecord(
        {
          scopes: ['documentation'],
          setting: 'homeContact',
          language: 'de',
          textVersion: CONSENT_TEXT_VERSION,
          textHash: await consentTextHash('de'),
          mediatorPresent: false,
          givenAt: context.now.toISOString(),
        },
        caseNumber,
        context,
      ),
    );
    await storage.records.saveRecord(
      await homeContactRecord({ topics: ['health'] }, { deviceId: context.deviceId }).then((r) => ({ ...r, caseNumber })),
    );
    const other = await homeContactRecord({ topics: ['money'] });
    await storage.records.saveRecord(other);
    expect(await db.outbox.count()).toBe(3);

    const deleted = await storage.records.withdrawCase(
      await newConsentWithdrawalRecord({ withdrawnAt: context.now.toISOString() }, caseNumber, context),
    );
    expect(deleted).toBe(2);
    const kinds = (await storage.records.listRecords()).map((r) => r.envelope?.kind).sort();
    expect(kinds).toEqual(['consentWithdrawal', 'homeContact']);
    expect(await storage.records.recordsForCase(caseNumber)).toHaveLength(1); // only the withdrawal itself

    // Another person unlocks: they may send the withdrawal, but not the first person's contact
    // while the server does not know the first person's signing key yet …
    storage.vault.lock();
    await storage.vault.createSlot(testUser({ id: 'staff-2', displayName: 'Zweite' }), 'zweite person hier', escrowKey);
    const queued = await storage.records.peekOutbox(10);
    expect(queued.map((item) => item.record.kind)).toEqual(['consentWithdrawal']);
    // … and once it does, the contact too, signed by its author (a shared tablet sends everyone's records).
    await storage.vault.markSigningKeyEnrolled('staff-test-1');
    const all = await storage.records.peekOutbox(10);
    expect(all.map((item) => item.record.kind)).toEqual(['homeContact', 'consentWithdrawal']);
    expect(all[0]?.record.authorSignature?.signerId).toBe('staff-test-1');
    storage.close();
  });

  it('drops the content of sent records after the retention and keeps a content-free stub', async () => {
    const { storage, db } = await unlockedTestStorage();
    const record = await homeContactRecord({ topics: ['leisure'] });
    await storage.records.saveRecord(record);
    const items = await storage.records.peekOutbox(10);
    await storage.records.applyPushResults(
      items,
      [{ id: record.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: '2026-11-20T09:00:00.000Z' }],
      '2026-11-20T09:00:00.000Z',
    );
    expect(await storage.records.dropSentContent(1, new Date('2026-11-20T12:00:00Z'))).toBe(0); // retention 1 day not over
    expect(await storage.records.dropSentContent(0, new Date('2026-11-20T12:00:00Z'))).toBe(1);
    const row = await db.records.get(record.id);
    expect(row?.sealed).toBeUndefined();
    expect(row).toMatchObject({ syncState: 'sent', contentRemovedAt: '2026-11-20T12:00:00.000Z' });
    expect((await storage.records.listRecords())[0]).toMatchObject({ id: record.id, syncState: 'sent', envelope: null });
    storage.close();
  });
});
