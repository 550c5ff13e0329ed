// The birth-clinic screening end to end in real Chromium: consent for the
// screening (German), then airplane mode (browser offline AND backend
// stopped): the screening is answered on the tablet, an acute-danger answer
// brings up the child-protection instruction with the municipality's numbers
// at once — no network needed — and the saved screening, shown as not yet
// sent, arrives in the backend database as urgent once the network is back.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import { DEMO_EMERGENCY_CONTACTS } from '@server/db/demo-offers';

const PASSPHRASE = 'Kreißsaal Moers 2026';

describe.skipIf(!chromiumPath)('birth-clinic screening offline, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
  });

  it('answers a screening offline, shows the emergency instruction at once, and sends the record as urgent when online', async () => {
    const { page } = app;
    const question = (id: string) => page.locator(`[data-question="${id}"]`);
    const choose = (id: string, value: string) => question(id).locator(`input[value="${value}"]`).check();

    // Consent first, in German, for the screening.
    const caseNumber = await app.consentForScreening();

    // Airplane mode from here on.
    await browser().context.setOffline(true);
    await backend().pause();

    // The case number typed in lower case, as read off the card, is recognised.
    await app.openScreening(caseNumber.toLowerCase());
    const fixed = page.locator('#screening-case-number');
    expect(await fixed.inputValue()).toBe(caseNumber);

    // Skip logic: the week appears only for a preterm birth.
    expect(await question('pretermWeek').count()).toBe(0);
    await choose('preterm', 'true');
    await question('pretermWeek').locator('input').fill('35');
    await choose('partnerInvolved', 'livesWithUs');
    await choose('feeding', 'wellOn');
    await choose('moodScale', '2');
    await choose('prenatalCare', 'regular');
    await choose('parentAgeGroup', 'over21');
    await choose('supportNetwork', 'several');
    await choose('languages', 'de');

    // Acute danger: the instruction takes the whole screen at once, offline.
    await choose('careAtHome', 'nobodyCanCare');
    const dialog = page.getByRole('alertdialog', { name: screening.emergency.title });
    await dialog.waitFor();
    expect(await dialog.evaluate((element) => element === document.activeElement)).toBe(true);
    for (const contact of DEMO_EMERGENCY_CONTACTS) {
      const link = dialog.getByRole('link', { name: new RegExp(contact.label.replace(/[()/]/g, '\\$&')) });
      expect(await link.textContent()).toContain(contact.phone);
      expect(await link.getAttribute('href')).toBe(`tel:${contact.phone.replace(/\D/g, '')}`);
    }
    await dialog.getByRole('button', { name: screening.emergency.back }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('screening-support-need').textContent()).toBe(screening.supportNeed.urgent);

    await page.getByRole('button', { name: screening.save }).click();
    const row = page.locator('[data-record-kind="screening"]').first();
    await row.waitFor();
    expect(await row.getAttribute('data-sync-state')).toBe('pending');
    expect(await row.textContent()).toContain(de.common.record.state.pending);

    // Network back: no tap needed.
    await backend().resume();
    await browser().context.setOffline(false);
    await expect.poll(() => row.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    expect(await row.textContent()).toContain(de.common.record.state.sent);

    const [stored] = await backend().recordsWhere("kind = 'screening'");
    expect(stored?.['case_number']).toBe(caseNumber);
    expect(stored?.['content']).toMatchObject({
      definitionId: 'birth-clinic-screening',
      supportNeed: 'urgent',
      acuteDanger: ['careAtHome'],
      answers: { preterm: true, pretermWeek: 35, careAtHome: 'nobodyCanCare', languages: ['de'] },
    });
  });
});
