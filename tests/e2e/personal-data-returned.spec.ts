// The personal-data guard end to end in real Chromium: a HOME contact whose note
// holds a phone number is saved (the hint warned), sent, and returned by the
// server; the record list says "returned" and names the note; the author corrects
// it and revision 2 reaches the database — revision 1 never did.
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { shootBothDirections } from './support/screenshots';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Notiz ohne Nummer 7';
const NOTE = 'Mutter bittet um Rückruf, Handy 0176 12345678';
const EDITED = 'Mutter bittet um Rückruf über die Kita';

/** German as staff see it, and right to left as the page looks around a family in Arabic; landscape and portrait. */
describe.skipIf(!chromiumPath)('a note with a phone number, returned by the server', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('shows the record as returned, naming the note, and sends the corrected revision', async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE);

    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseTopic('health');
    await page.getByLabel(de.homeContact.fields.note).fill(NOTE);
    await page.getByText(de.cases.personalData.title).waitFor();
    await app.saveAndReturn();

    const item = app.recordItems().first();
    await expect.poll(async () => item.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('rejected');
    expect(await item.getAttribute('data-returned')).toBe('personalData');
    const recordId = (await item.getAttribute('data-record-id')) ?? '';
    expect(await backend().countRecords(recordId)).toBe(0);
    const expected = de.common.record.returned.removePersonalData
      .replace('{{field}}', de.common.record.returned.field.note)
      .replace('{{kinds}}', de.cases.personalData.kind.phone);
    await item.getByText(expected).waitFor();
    expect(await item.innerText()).not.toContain('12345678');
    await shootBothDirections(page, 'record-returned', item);

    await item.getByRole('button', { name: de.records.actions.correct }).click();
    await page.getByTestId('correction-notice').waitFor();
    const note = page.getByLabel(de.homeContact.fields.note);
    expect(await note.inputValue()).toBe(NOTE);
    await note.fill(EDITED);
    await app.save();

    await expect
      .poll(async () => app.recordItems().first().getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 })
      .toBe('sent');
    const rows = await backend().records(recordId);
    expect(rows.map((row) => [row['revision'], (row['content'] as { note?: string }).note])).toEqual([[2, EDITED]]);
    await page.close();
  });
});
