// Shared-tablet security in real Chromium: what a person who picks up the
// tablet, or copies its browser profile, can see.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Station drei Fenster';
const MARKER = 'ZZMARKER-4711-qx';

describe.skipIf(!chromiumPath)('shared-tablet security', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    const page = await browser().context.newPage();
    app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
  });

  it('keeps no plaintext of a saved record anywhere the browser stores data', async () => {
    await browser().context.setOffline(true); // keep the record on the tablet (unsent)
    try {
      await saveMarkedContactAndInspect();
    } finally {
      await browser().context.setOffline(false);
    }
  });

  async function saveMarkedContactAndInspect(): Promise<void> {
    const { page } = app;
    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseTopic('languageSupport');
    await page.getByLabel(de.homeContact.fields.note).fill(`Gespräch über Sprachkurs ${MARKER}`);
    await app.saveAndReturn();
    await app.recordItems().first().waitFor();

    const stored = JSON.stringify(await app.rawIndexedDb());
    expect(stored.length).toBeGreaterThan(500);
    expect(stored).not.toContain(MARKER);
    expect(stored).not.toContain('languageSupport');
    // (Site labels do appear: in the municipality's configuration, which holds no case data.)
    const elsewhere = await page.evaluate(async (marker) => {
      const found: string[] = [];
      const webStorage = (store: Storage): string =>
        JSON.stringify(Array.from({ length: store.length }, (_, i) => [store.key(i), store.getItem(store.key(i) ?? '')]));
      if (webStorage(localStorage).includes(marker)) found.push('localStorage');
      if (webStorage(sessionStorage).includes(marker)) found.push('sessionStorage');
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          if (request.url.includes(marker)) found.push(`cache url ${name}`);
          const body = await (await cache.match(request))?.text();
          if (body?.includes(marker)) found.push(`cache body ${request.url}`);
        }
      }
      if (location.href.includes(marker)) found.push('url');
      return { found, localStorageKeys: localStorage.length };
    }, MARKER);
    expect(elsewhere).toEqual({ found: [], localStorageKeys: 0 });
  }

  it('shows no case data while locked, and a wrong passphrase does not open it', async () => {
    const { page } = app;
    await app.lock();
    const text = await page.locator('body').innerText();
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain(backend().demo.siteLabel);
    expect(text).not.toContain(de.homeContact.topics.languageSupport);
    expect(await page.getByTestId('record-list').count()).toBe(0);

    await app.unlock('definitely wrong');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('9');
    expect(await page.getByTestId('record-list').count()).toBe(0);

    await app.unlock(PASSPHRASE);
    await app.recordItems().first().waitFor();
  });

  it('wipes everything at its next contact once the coordinator revoked the tablet, and opens for nobody while that check is on its way', async () => {
    const { page } = app;
    await backend().db.query('UPDATE devices SET revoked_at = now()');
    // The lock screen comes up from the tablet's own data, before the backend has answered the
    // start-up check; hold that answer back until the right passphrase has been tapped in.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/devices/status', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.reload();
      await app.unlock(PASSPHRASE);
      const opened = await page
        .getByRole('button', { name: de.homeContact.new })
        .waitFor({ timeout: 3_000 })
        .then(
          () => true,
          () => false,
        );
      expect(opened).toBe(false);
      expect(await page.getByTestId('record-list').count()).toBe(0);
      release();
      await page.getByTestId('revoked').waitFor({ timeout: 20_000 });
    } finally {
      release();
      await page.unroute('**/api/devices/status');
    }
    expect(await page.getByRole('button', { name: de.homeContact.new }).count()).toBe(0);
    const stored = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(stored).not.toContain('lotse');
  });
});
