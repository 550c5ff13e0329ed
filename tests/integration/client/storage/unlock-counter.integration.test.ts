// The offline unlock limit against someone who edits the tablet's IndexedDB
// (THREAT-MODEL.md, "Offline unlock"): a failed-attempt count or wait written
// back into the key slot row does not give fresh attempts — the slot is wiped as
// if they were used up. Also the raised passphrase rule: new passphrases must
// meet it, old ones still open the slot and can be replaced at unlock.
import { describe, expect, it } from 'vitest';
import { LotseDatabase } from '@client/storage/LotseDatabase';
import { openStorage } from '@client/storage';
import { randomBytes, toBase64Url } from '@shared/crypto/bytes';
import { PASSPHRASE_RULE_VERSION } from '@domain/unlock-policy';
import { openTestStorage, TEST_PASSPHRASE, testUser, unlockedTestStorage, writeLegacySlot } from '../../../fixtures/client-db';

const T0 = Date.UTC(2026, 10, 20, 9, 0);
const USER = 'staff-test-1';

/** A tablet with one person's slot, locked, reopened as after a reload, with a controllable clock. */
async function lockedTablet(name: string) {
  const { storage: first, idb, db: firstDb, escrowKey } = await unlockedTestStorage(name);
  first.close();
  firstDb.close();
  const clock = { now: T0 };
  const db = new LotseDatabase(name, idb);
  const reload = () => openStorage(new LotseDatabase(name, idb), { now: () => clock.now });
  return { storage: reload(), db, reload, clock, escrowKey };
}

describe('offline unlock counter that cannot be reset by editing IndexedDB', () => {
  it('wipes the slot when the failed-attempt count is written back to 0, instead of giving fresh attempts', async () => {
    const { storage, db, reload } = await lockedTablet('tamper-count');
    expect(await storage.vault.unlock(USER, 'falsch eins zwei', 10)).toMatchObject({ kind: 'wrong', remaining: 9 });
    expect(await storage.vault.unlock(USER, 'falsch drei vier', 10)).toMatchObject({ kind: 'wrong', remaining: 8 });
    storage.close();

    await db.keySlots.update(USER, { failedAttempts: 0 }); // what the finding measured: edit, reload
    const reloaded = reload();
    expect(await reloaded.vault.listSlots()).toEqual([]);
    expect(reloaded.vault.tamperedSlotNames()).toEqual(['Test Fachkraft']);
    expect(await db.keySlots.get(USER)).toBeUndefined();
    // Not even the right passphrase opens it any more: the person signs in online again.
    expect((await reloaded.vault.unlock(USER, TEST_PASSPHRASE, 10)).kind).toBe('noSlot');
    reloaded.close();
  });

  it('treats an edited wait like an edited count: the attempt finds the slot wiped', async () => {
    const { storage, db, clock } = await lockedTablet('tamper-wait');
    for (const guess of ['erster falscher', 'zweiter falscher', 'dritter falscher']) await storage.vault.unlock(USER, guess, 10);
    expect(await storage.vault.unlock(USER, TEST_PASSPHRASE, 10)).toMatchObject({ kind: 'throttled' });
    await db.keySlots.update(USER, { nextAttemptAt: null });
    expect(await storage.vault.unlock(USER, TEST_PASSPHRASE, 10)).toEqual({ kind: 'wiped', cause: 'tampered' });
    expect(storage.vault.isUnlocked).toBe(false);
    expect(await db.keySlots.count()).toBe(0);
    clock.now += 60 * 60_000;
    expect((await storage.vault.unlock(USER, TEST_PASSPHRASE, 10)).kind).toBe('noSlot');
    storage.close();
  });

  it('does not accept a removed tag, a deleted counter key, or a tag moved from a colleague', async () => {
    const removedTag = await lockedTablet('tamper-no-tag');
    await removedTag.db.keySlots.update(USER, (slot) => {
      delete slot.counterTag;
      slot.failedAttempts = 0;
    });
    expect(await removedTag.storage.vault.unlock(USER, TEST_PASSPHRASE, 10)).toEqual({ kind: 'wiped', cause: 'tampered' });
    removedTag.storage.close();

    const deletedKey = await lockedTablet('tamper-no-key');
    await deletedKey.storage.vault.unlock(USER, 'falsch falsch falsch', 10);
    await deletedKey.db.meta.delete('unlockCounterKey');
    await deletedKey.db.keySlots.update(USER, { failedAttempts: 0 });
    expect(await deletedKey.storage.vault.listSlots()).toEqual([]);
    deletedKey.storage.close();

    const { storage, db, escrowKey } = await lockedTablet('tamper-moved-tag');
    await storage.vault.createSlot(testUser({ id: 'staff-2', displayName: 'Zweite' }), 'Zweite Person am Tablet', escrowKey);
    storage.vault.lock();
    for (const guess of ['falsch eins eins', 'falsch zwei zwei', 'falsch drei drei']) await storage.vault.unlock(USER, guess, 10);
    const colleague = await db.keySlots.get('staff-2'); // 0 failures, tagged for the colleague's slot
    expect(colleague?.counterTag).toEqual(expect.any(String));
    await db.keySlots.update(USER, { failedAttempts: 0, nextAttemptAt: null, counterTag: String(colleague?.counterTag) });
    expect(await storage.vault.unlock(USER, TEST_PASSPHRASE, 10)).toEqual({ kind: 'wiped', cause: 'tampered' });
    expect((await storage.vault.listSlots()).map((s) => s.displayName)).toEqual(['Zweite']); // the colleague keeps theirs
    storage.close();
  });

  it('still throttles, counts and resets honestly when nobody edits anything', async () => {
    const { storage, clock } = await lockedTablet('honest-count');
    for (let i = 0; i < 3; i++) await storage.vault.unlock(USER, `falsch ${String(i)} falsch`, 10);
    expect((await storage.vault.listSlots())[0]).toMatchObject({ failedAttempts: 3, nextAttemptAt: T0 + 5_000 });
    clock.now += 6_000;
    expect((await storage.vault.unlock(USER, TEST_PASSPHRASE, 10)).kind).toBe('unlocked');
    expect((await storage.vault.listSlots())[0]).toMatchObject({ failedAttempts: 0, nextAttemptAt: null });
    expect(storage.vault.tamperedSlotNames()).toEqual([]);
    storage.close();
  });
});

describe('passphrase rule', () => {
  it('refuses a new passphrase under the rule and writes no slot', async () => {
    const { storage, db } = openTestStorage(`rule-${String(Math.random())}`);
    const escrowKey = toBase64Url(randomBytes(32));
    await storage.vault.provision(escrowKey);
    await expect(storage.vault.createSlot(testUser(), '123456', escrowKey)).rejects.toThrow(/tooShort/);
    await expect(storage.vault.createSlot(testUser(), 'kurz 2026 ab', escrowKey)).resolves.toBeDefined(); // 12 characters
    await storage.vault.removeSlot(USER);
    await expect(storage.vault.createSlot(testUser(), '0176 1234 5678', escrowKey)).rejects.toThrow(/onlyDigits/);
    expect(await db.keySlots.count()).toBe(0);
    storage.close();
  });

  it('lets an existing 6-digit PIN (from before the rule) still unlock, keeps its count, and replaces it with a stronger one', async () => {
    const name = `legacy-${String(Math.random())}`;
    const { storage, db } = openTestStorage(name);
    const escrowKey = toBase64Url(randomBytes(32));
    await storage.vault.provision(escrowKey);
    await writeLegacySlot(db, escrowKey, '123456', { failedAttempts: 4 });

    // The count carried over when the tablet first tagged it: 4 used, 6 left.
    expect((await storage.vault.listSlots())[0]).toMatchObject({ failedAttempts: 4, passphraseRule: 0 });
    expect(await storage.vault.checkPassphrase(USER, '123456', 10)).toEqual({ kind: 'correct' });
    expect(storage.vault.isUnlocked).toBe(false);

    await expect(storage.vault.unlock(USER, '123456', 10, { replaceWith: '654321' })).rejects.toThrow(/tooShort/);
    expect(storage.vault.isUnlocked).toBe(false);
    expect((await storage.vault.unlock(USER, '123456', 10, { replaceWith: 'Kaffee Regen Fahrrad' })).kind).toBe('unlocked');
    expect((await storage.vault.listSlots())[0]).toMatchObject({ failedAttempts: 0, passphraseRule: PASSPHRASE_RULE_VERSION });
    storage.vault.lock();
    expect(await storage.vault.unlock(USER, '123456', 10)).toMatchObject({ kind: 'wrong' });
    expect((await storage.vault.unlock(USER, 'Kaffee Regen Fahrrad', 10)).kind).toBe('unlocked');
    storage.close();
  });

  it("marks an old passphrase that meets today's rule, so it is not judged again", async () => {
    const { storage, db } = openTestStorage(`legacy-good-${String(Math.random())}`);
    const escrowKey = toBase64Url(randomBytes(32));
    await storage.vault.provision(escrowKey);
    await writeLegacySlot(db, escrowKey, TEST_PASSPHRASE);
    expect((await storage.vault.unlock(USER, TEST_PASSPHRASE, 10, { meetsRule: true })).kind).toBe('unlocked');
    expect((await storage.vault.listSlots())[0]?.passphraseRule).toBe(PASSPHRASE_RULE_VERSION);
    storage.close();
  });
});
