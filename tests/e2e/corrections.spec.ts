// A correction end to end in real Chromium: a HOME contact sent while online
// (its content kept for the municipality's retention period) is corrected in airplane mode — the form opens prefilled, a reload in the
// middle leaves the correction listed as "draft" to continue, saving makes
// revision 2 of the same record, and once the network is back revision 2
// reaches the backend database next to revision 1 with its own content hash.
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Korrektur am Abend 3';

describe.skipIf(!chromiumPath)('correcting a HOME contact offline, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('sends revision 2 of the same record when the network is back', async () => {
    // Sent content stays on the tablet for a week here (default: dropped at once, leaving a stub that cannot be corrected).
    await backend().db.query(
      `INSERT INTO municipality_settings (municipality_id, retention_days_after_sync) VALUES ($1, 7)
       ON CONFLICT (municipality_id) DO UPDATE SET retention_days_after_sync = 7`,
      [backend().demo.municipalityId],
    );
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });

    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseTopic('health');
    await app.saveAndReturn();
    const item = app.recordItems().first();
    await expect.poll(async () => item.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    const recordId = (await item.getAttribute('data-record-id')) ?? '';
    expect(await backend().countRecords(recordId)).toBe(1);

    // Airplane mode.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.reload();
    await app.unlock(PASSPHRASE);

    await app.recordItems().first().getByRole('button', { name: de.records.actions.correct }).click();
    await page.getByTestId('correction-notice').waitFor();
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.health }).isChecked()).toBe(true);
    await app.trackChanges();
    await app.chooseTopic('money');

    // A reload in the middle: the correction is listed as a draft and continues where it was.
    await app.waitForDraftOfLastChange();
    await page.reload();
    await app.unlock(PASSPHRASE);
    const draft = app.draftItems().first();
    await draft.waitFor();
    expect(await draft.getAttribute('data-sync-state')).toBe('draft');
    await draft.getByRole('button', { name: de.records.actions.continue }).click();
    await page.getByText(de.homeContact.draftRestored).waitFor();
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.money }).isChecked()).toBe(true);
    await app.save();

    const corrected = app.recordItems().first();
    await expect.poll(async () => corrected.getAttribute('data-revision')).toBe('2');
    expect(await corrected.getAttribute('data-record-id')).toBe(recordId);
    expect(await corrected.getAttribute('data-sync-state')).toBe('pending');
    expect(await app.draftItems().count()).toBe(0);
    const stored = await app.rawIndexedDb();
    expect(stored.outbox).toEqual([expect.objectContaining({ recordId, revision: 2 })]);

    // Network back: revision 2 arrives without a tap.
    await backend().resume();
    await browser().context.setOffline(false);
    await expect
      .poll(async () => app.recordItems().first().getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 })
      .toBe('sent');
    const rows = (await backend().records(recordId)).sort((a, b) => Number(a['revision']) - Number(b['revision']));
    expect(rows.map((row) => row['revision'])).toEqual([1, 2]);
    expect(rows[1]?.['content']).toMatchObject({ topics: ['health', 'money'] });
    expect(rows[1]?.['content_hash']).not.toBe(rows[0]?.['content_hash']);
    await page.close();
  });
});
