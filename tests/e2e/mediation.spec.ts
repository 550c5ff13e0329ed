// A language and culture mediator's deployment end to end in real Chromium,
// offline: the form opens from the overview without network (its chunk is
// precached), validation errors are accessible, a deployment with Arabic and
// Persian is saved as "not yet sent", and it reaches the backend database
// once the network is back — without anyone tapping "send".
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { accessibilityViolations } from './support/axe';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import mediation from '../../locales/de/mediation.json';

const PASSPHRASE = 'Kita am Vormittag 5';

describe.skipIf(!chromiumPath)('mediation deployment offline, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('records a deployment in airplane mode and sends it when the network is back', async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });

    // Airplane mode: the browser is offline and the backend is gone.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.reload();
    await app.unlock(PASSPHRASE);

    await page.getByRole('button', { name: mediation.new }).click();
    await page.getByRole('heading', { name: mediation.new }).waitFor();
    // the Kita list was pulled while online and is cached for offline use
    await page.getByRole('radio', { name: backend().demo.siteLabel }).waitFor();

    // Nothing chosen: translated errors, and the form with them shown passes axe.
    await page.getByRole('button', { name: mediation.save }).click();
    await page.getByText(mediation.errors.languagesRequired).waitFor();
    await page.getByText(mediation.errors.topicsRequired).waitFor();
    expect(
      await accessibilityViolations(page, { include: 'section[aria-labelledby="mediation-title"]', impacts: ['serious', 'critical'] }),
    ).toEqual([]);

    await page.getByRole('radio', { name: backend().demo.siteLabel }).check();
    await page.getByRole('checkbox', { name: 'العربية' }).check();
    await page.getByRole('checkbox', { name: 'فارسی' }).check();
    expect(await page.locator('label[lang="ar"]').count()).toBe(1);
    await page.getByRole('radio', { name: mediation.with.both }).check();
    await page.getByRole('checkbox', { name: mediation.topics.howKitaWorks }).check();
    await page.getByRole('checkbox', { name: mediation.topics.schoolEntry }).check();
    await page.getByRole('radio', { name: mediation.yes }).check();
    await page.getByRole('button', { name: mediation.save }).click();

    const item = app.recordItems().first();
    await item.waitFor();
    expect(await item.getAttribute('data-record-kind')).toBe('mediation');
    expect(await item.getAttribute('data-sync-state')).toBe('pending');
    expect(await item.textContent()).toContain(de.common.record.state.pending);
    const recordId = await item.getAttribute('data-record-id');
    expect(recordId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await app.rawIndexedDb()).outbox).toHaveLength(1);
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
    expect(rows[0]).toMatchObject({ kind: 'mediation', revision: 1, municipality_id: backend().demo.municipalityId });
    expect(rows[0]?.case_number ?? null).toBeNull();
    expect(rows[0]?.content).toMatchObject({
      site: 'kita-sonnenblume',
      languages: ['ar', 'fa'],
      with: 'both',
      topics: ['howKitaWorks', 'schoolEntry'],
      followUpNeeded: true,
    });
    expect((await app.rawIndexedDb()).outbox).toHaveLength(0);
    await page.close();
  });
});
