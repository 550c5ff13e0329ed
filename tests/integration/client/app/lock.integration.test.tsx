// @vitest-environment jsdom
// Locking: after inactivity the tablet locks by itself; locking first seals
// the open form's draft (nothing typed is lost), then forgets the keys.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useAutoLock } from '@client/app/useAutoLock';
import { lockApp } from '@client/app/lock';
import { AppContext } from '@client/app/AppContext';
import { HomeContactForm } from '@client/features/home-contact/HomeContactForm';
import { WORKFLOWS } from '@client/features/workflows/registry';

const HOME_CONTACT_DRAFT_ID = WORKFLOWS.homeContact.newDraftId;
import { initI18n } from '@client/i18n';
import { SyncEngine } from '@client/sync/SyncEngine';
import { RequestError } from '@client/http/request';
import { TEST_PASSPHRASE, unlockedTestStorage } from '../../../fixtures/client-db';
import { testDeviceConfig } from '../../../fixtures/render-with-services';
import de from '../../../../locales/de/home-contact.json';

function AutoLockProbe({ minutes, onIdle }: { minutes: number; onIdle: () => void }) {
  useAutoLock(minutes, onIdle);
  return <button type="button">touch</button>;
}

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('auto-lock', () => {
  it('fires after the configured minutes without activity, and activity postpones it', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    render(<AutoLockProbe minutes={5} onIdle={onIdle} />);
    act(() => {
      vi.advanceTimersByTime(4 * 60_000);
    });
    fireEvent.pointerDown(window);
    act(() => {
      vi.advanceTimersByTime(4 * 60_000);
    });
    expect(onIdle).not.toHaveBeenCalled();
    act(() => {
      vi.advanceTimersByTime(60_000 + 1);
    });
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('locks when the tablet comes back from the background after the configured minutes, even if no timer ran there', () => {
    let visibility: DocumentVisibilityState = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    const setVisibility = (state: DocumentVisibilityState): void => {
      visibility = state;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    vi.useFakeTimers();
    const onIdle = vi.fn();
    render(<AutoLockProbe minutes={5} onIdle={onIdle} />);
    // Two minutes in the app switcher: still unlocked on return.
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 2 * 60_000);
    setVisibility('visible');
    expect(onIdle).not.toHaveBeenCalled();
    fireEvent.pointerDown(window);
    // Six minutes in the background, the device asleep: the clock moves, no timer fires.
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 6 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
    setVisibility('visible');
    expect(onIdle).toHaveBeenCalledTimes(1);
    // A page restored from the back/forward cache is judged the same way.
    fireEvent.pointerDown(window);
    vi.setSystemTime(Date.now() + 6 * 60_000);
    window.dispatchEvent(new Event('pageshow'));
    expect(onIdle).toHaveBeenCalledTimes(2);
  });
});

describe('lockApp', () => {
  it('seals the half-filled form as a draft, then locks; the draft returns after unlocking', async () => {
    const { storage } = await unlockedTestStorage();
    await storage.device.saveConfig({
      ...testDeviceConfig(),
      homeSites: [
        { id: 'kita-sonnenblume', label: 'Kita Sonnenblume' },
        { id: 'grundschule', label: 'Grundschule' },
      ],
    });
    const engine = new SyncEngine({
      records: storage.records,
      transport: { push: () => Promise.reject(new RequestError('network')) },
      deviceId: () => storage.device.deviceId(),
      isOnline: () => false,
    });
    render(
      <AppContext.Provider value={{ storage, sync: engine }}>
        <HomeContactForm onDone={() => undefined} />
      </AppContext.Provider>,
    );
    fireEvent.click(await screen.findByRole('radio', { name: 'Grundschule' }));
    fireEvent.click(screen.getByRole('checkbox', { name: de.topics.money }));
    await lockApp(storage); // immediately: no autosave delay has passed
    expect(storage.vault.isUnlocked).toBe(false);
    expect(await storage.drafts.load(HOME_CONTACT_DRAFT_ID)).toBeUndefined(); // nothing readable while locked
    expect((await storage.vault.unlock('staff-test-1', TEST_PASSPHRASE, 10)).kind).toBe('unlocked');
    await waitFor(async () => {
      expect(await storage.drafts.load(HOME_CONTACT_DRAFT_ID)).toMatchObject({ site: 'grundschule', topics: ['money'] });
    });
  });
});
