// The walking skeleton end to end in real Chromium: load online, go offline
// (browser offline AND backend stopped), reload, the app still works, save a
// HOME contact, come back online, and the contact arrives in the backend
// database without anyone tapping "send".
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Foyer am Morgen 7';

describe.skipIf(!chromiumPath)('HOME contact offline, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('works in airplane mode and sends the contact when the network is back', async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
    // the site list was pulled while online and is cached for offline use
    await app.startHomeContact();
    await page.getByRole('radio', { name: backend().demo.siteLabel }).waitFor();
    await page.getByRole('button', { name: de.homeContact.cancel }).click();
    await page.getByRole('button', { name: de.homeContact.new }).waitFor(); // cancelling has removed the draft

    // Airplane mode: the browser is offline and the backend is gone.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.reload();
    await app.unlock(PASSPHRASE); // offline unlock with the passphrase
    await page.getByRole('button', { name: de.homeContact.new }).waitFor();

    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseKind('counselling');
    await app.chooseTopic('health');
    await app.chooseTopic('money');
    await app.saveAndReturn();

    const item = app.recordItems().first();
    await item.waitFor();
    expect(await item.getAttribute('data-sync-state')).toBe('pending');
    expect(await item.textContent()).toContain(de.common.record.state.pending);
    const recordId = await item.getAttribute('data-record-id');
    expect(recordId).toMatch(/^[0-9a-f-]{36}$/);

    // It is in IndexedDB with its outbox entry, and survives another offline reload.
    await page.reload();
    await app.unlock(PASSPHRASE);
    await app.recordItems().first().waitFor();
    const stored = await app.rawIndexedDb();
    expect(stored.records).toHaveLength(1);
    expect(stored.outbox).toHaveLength(1);
    expect(await backend().countRecords(recordId ?? '')).toBe(0);

    // Network back: no tap needed.
    await backend().resume();
    await browser().context.setOffline(false);
    await expect
      .poll(async () => app.recordItems().first().getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 })
      .toBe('sent');
    expect(await app.recordItems().first().textContent()).toContain(de.common.record.state.sent);

    const rows = await backend().records(recordId ?? '');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'homeContact', revision: 1, municipality_id: backend().demo.municipalityId });
    expect(rows[0]?.content).toMatchObject({ contactKind: 'counselling', topics: ['health', 'money'] });
    expect((await app.rawIndexedDb()).outbox).toHaveLength(0);
    await page.close();
  });

  it('is installable: manifest, icons and a service worker that controls the page', async () => {
    const page = await browser().context.newPage();
    await page.goto(backend().url);
    await page.evaluate(async () => navigator.serviceWorker.ready);
    const cdp = await browser().context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    expect(installabilityErrors).toEqual([]);
    // API responses are never cached by the service worker.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached.length).toBeGreaterThan(5);
    expect(cached.some((path) => path.startsWith('/api'))).toBe(false);
    expect(cached.some((path) => /\/assets\/common-.*\.js$/.test(path))).toBe(true); // locales precached
    await page.close();
  });
});
