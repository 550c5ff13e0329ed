// @vitest-environment jsdom
// The lock screen against an edited unlock counter, and an old short
// passphrase: its owner is not locked out but asked for a stronger one before
// the work area opens. No secret field invites the browser to store it.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { LockScreen } from '@client/features/access/LockScreen';
import { initI18n } from '@client/i18n';
import { LotseDatabase } from '@client/storage/LotseDatabase';
import { openStorage, type Storage } from '@client/storage';
import { randomBytes, toBase64Url } from '@shared/crypto/bytes';
import { openTestStorage, unlockedTestStorage, writeLegacySlot } from '../../../../fixtures/client-db';
import de from '../../../../../locales/de/common.json';

const storages: Storage[] = [];
beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  for (const storage of storages.splice(0)) storage.close();
});

function renderLockScreen(storage: Storage): void {
  storages.push(storage);
  render(<LockScreen storage={storage} onFirstSignIn={() => undefined} onOffice={() => undefined} />);
}

async function enterPassphrase(passphrase: string): Promise<void> {
  fireEvent.change(await screen.findByLabelText(de.access.passphrase), { target: { value: passphrase } });
  fireEvent.click(screen.getByRole('button', { name: de.access.unlock }));
}

function secretFieldsAutocomplete(): (string | null)[] {
  return [...document.querySelectorAll('input[type="password"]')].map((input) => input.getAttribute('autocomplete'));
}

describe('LockScreen', () => {
  it('after a reload with an edited attempt count, says the access was removed and offers no attempts', async () => {
    const name = `lock-tamper-${String(Math.random())}`;
    const { storage: first, idb } = await unlockedTestStorage(name);
    first.vault.lock();
    await first.vault.unlock('staff-test-1', 'falsch falsch eins', 10);
    await first.vault.unlock('staff-test-1', 'falsch falsch zwei', 10);
    first.close();
    const db = new LotseDatabase(name, idb);
    await db.keySlots.update('staff-test-1', { failedAttempts: 0 });

    renderLockScreen(openStorage(new LotseDatabase(name, idb)));
    const alert = await screen.findByTestId('slot-tampered');
    expect(alert.textContent).toBe(de.access.slotTampered.replace('{{names}}', 'Test Fachkraft'));
    expect(screen.queryByLabelText(de.access.passphrase)).toBeNull();
    expect(screen.getByText(de.access.noSlots)).toBeDefined();
    db.close();
  });

  it('opens with an old 6-digit PIN, then asks for a stronger passphrase before the work area; only the new one opens afterwards', async () => {
    const { storage, db } = openTestStorage(`lock-legacy-${String(Math.random())}`);
    const escrowKey = toBase64Url(randomBytes(32));
    await storage.vault.provision(escrowKey);
    await writeLegacySlot(db, escrowKey, '123456');
    renderLockScreen(storage);

    await enterPassphrase('123456');
    await screen.findByRole('heading', { name: de.access.strongerPassphrase.title }, { timeout: 15_000 }); // the estimate loads first
    expect(storage.vault.isUnlocked).toBe(false);
    expect(secretFieldsAutocomplete()).toEqual(['off', 'off']);

    const choose = (value: string) => {
      fireEvent.change(screen.getByLabelText(de.access.newPassphrase), { target: { value } });
      fireEvent.change(screen.getByLabelText(de.access.repeatPassphrase), { target: { value } });
      fireEvent.click(screen.getByRole('button', { name: de.access.setPassphrase }));
    };
    choose('Sonnenblume12');
    expect((await screen.findByRole('alert', {}, { timeout: 5_000 })).textContent).toBe(de.access.passphraseProblem.weak);
    expect(storage.vault.isUnlocked).toBe(false);
    choose('Kaffee Regen Fahrrad');
    await waitFor(
      () => {
        expect(storage.vault.isUnlocked).toBe(true);
      },
      { timeout: 10_000 },
    );

    storage.vault.lock();
    expect(await storage.vault.unlock('staff-test-1', '123456', 10)).toMatchObject({ kind: 'wrong' });
    expect((await storage.vault.unlock('staff-test-1', 'Kaffee Regen Fahrrad', 10)).kind).toBe('unlocked');
  });

  it('unlocks a passphrase that meets the rule at once, without asking, and its field is not offered to the password manager', async () => {
    const { storage } = await unlockedTestStorage();
    storage.vault.lock();
    renderLockScreen(storage);
    await screen.findByLabelText(de.access.passphrase);
    expect(secretFieldsAutocomplete()).toEqual(['off']);
    await enterPassphrase('Sonnenblume 2026 Station');
    await waitFor(
      () => {
        expect(storage.vault.isUnlocked).toBe(true);
      },
      { timeout: 10_000 },
    );
    expect(screen.queryByRole('heading', { name: de.access.strongerPassphrase.title })).toBeNull();
  });
});
