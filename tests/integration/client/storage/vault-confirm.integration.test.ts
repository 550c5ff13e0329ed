// Taking the tablet back from a family: the unlocked person's passphrase is
// checked against their own key slot, and a wrong one counts like a failed unlock.
import { describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE, testUser, unlockedTestStorage } from '../../../fixtures/client-db';

describe('Vault.confirmPassphrase', () => {
  it("confirms the unlocked person's own passphrase and leaves the vault as it was", async () => {
    const { storage } = await unlockedTestStorage();
    const user = testUser();
    expect(await storage.vault.confirmPassphrase(user.id, TEST_PASSPHRASE, 10)).toEqual({ kind: 'confirmed' });
    expect(storage.vault.isUnlocked).toBe(true);
    expect(storage.vault.unlockedUser?.userId).toBe(user.id);
  });

  it('refuses a wrong passphrase and counts it like a failed unlock; the right one resets the count', async () => {
    const { storage } = await unlockedTestStorage();
    const user = testUser();
    const wrong = await storage.vault.confirmPassphrase(user.id, 'falsches Kennwort', 10);
    expect(wrong).toEqual({ kind: 'wrong', remaining: 9, retryAt: null });
    expect((await storage.vault.listSlots())[0]?.failedAttempts).toBe(1);
    expect(storage.vault.isUnlocked).toBe(true);
    await storage.vault.confirmPassphrase(user.id, TEST_PASSPHRASE, 10);
    expect((await storage.vault.listSlots())[0]?.failedAttempts).toBe(0);
  });

  it('wipes the slot on the last wrong attempt and locks the tablet', async () => {
    const { storage } = await unlockedTestStorage();
    const user = testUser();
    expect((await storage.vault.confirmPassphrase(user.id, 'falsch eins', 2)).kind).toBe('wrong');
    expect(await storage.vault.confirmPassphrase(user.id, 'falsch zwei', 2)).toEqual({ kind: 'wiped', cause: 'attempts' });
    expect(await storage.vault.hasSlot(user.id)).toBe(false);
    expect(storage.vault.isUnlocked).toBe(false);
  });

  it("does not take a colleague's passphrase: only the unlocked person confirms", async () => {
    const { storage } = await unlockedTestStorage();
    expect(await storage.vault.confirmPassphrase('colleague-b', TEST_PASSPHRASE, 10)).toEqual({ kind: 'noSlot' });
  });
});
