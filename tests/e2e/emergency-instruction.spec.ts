// The acute-danger instruction per municipality in real Chromium (issue 17 item 7,
// walkthrough finding 19): first today's loud default; then the admin enters the
// experts' decision in the office (ASD on-call first, own title, discreet start);
// the tablet takes it with its configuration and, offline with the backend
// stopped, shows a neutral notice first — no red, no numbers, no triggering
// question — and the configured instruction once the staff member opens it.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { shootBothDirections } from './support/screenshots';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import { OfficePage, office } from './pages/OfficePage';
import { accessibilityViolations } from './support/axe';
import screening from '../../locales/de/screening.json';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';

const PASSPHRASE = 'Rufbereitschaft 2026';
const CONFIGURED = {
  title: 'ASD-Rufbereitschaft jetzt anrufen',
  intro: 'Danach die Leitung der Station informieren. Die Familie nicht allein lassen.',
  discreetTitle: 'Hinweis zum Gespräch',
  contacts: [
    { label: 'ASD-Rufbereitschaft Demo-Stadt', phone: '0000 333 333' },
    { label: 'Polizei', phone: '110' },
  ],
};
const DANGER_RED = 'rgb(164, 22, 26)';

/**
 * German as the staff sees it, and the page switched to Arabic right to left as around a family in
 * Arabic (the staff languages are German and English, so the staff-facing texts stay German).
 */
describe.skipIf(!chromiumPath)('emergency instruction per municipality, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
  });

  const dangerAnswerOffline = async (): Promise<void> => {
    const caseNumber = await app.consentForScreening();
    await browser().context.setOffline(true);
    await backend().pause();
    await app.openScreening(caseNumber);
    await app.answer('careAtHome', 'nobodyCanCare');
  };
  const backOnline = async (): Promise<void> => {
    await backend().resume();
    await browser().context.setOffline(false);
  };

  it('shows today’s loud instruction while the municipality configured nothing', async () => {
    await dangerAnswerOffline();
    const dialog = app.page.getByRole('alertdialog', { name: screening.emergency.title });
    await dialog.waitFor();
    expect(await dialog.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(DANGER_RED);
    await shootBothDirections(app.page, 'emergency-default');
    await dialog.getByRole('button', { name: screening.emergency.back }).click();
    await dialog.waitFor({ state: 'detached' });
    // The screening holds an answer: leaving asks first, and the answer is discarded.
    await app.page.getByRole('button', { name: screening.cancel }).click();
    await app.page
      .getByRole('alertdialog', { name: de.common.leaveForm.title })
      .getByRole('button', { name: de.common.leaveForm.discard })
      .click();
    await backOnline();
  });

  it('takes the admin’s setting with the configuration and shows it offline, discreet first', async () => {
    // The admin enters the experts' decision in the office.
    const officeTab = await browser().context.newPage();
    const officePage = new OfficePage(officeTab);
    await officePage.open(backend().url);
    const admin = DEMO_ACCOUNTS.find((account) => account.username === 'admin');
    if (!admin) throw new Error('demo seed changed: no admin');
    await officePage.signIn(admin.username, admin.password);
    await officePage.openSection('settings');
    const contacts = officeTab.getByLabel(office.settings.emergency.contacts);
    // The demo numbers are there, in their order, as the default instruction shows them.
    expect((await contacts.inputValue()).split('\n')[0]).toBe('Polizei / Notruf | 110');
    // A number with a slash is refused with the line named, and nothing is stored.
    await contacts.fill('ASD | 0211/123');
    await officeTab.getByRole('button', { name: office.settings.submit }).click();
    await officeTab.getByText(office.settings.emergency.errors.invalidPhone.replace('{{line}}', '1')).waitFor();
    const stored = async () =>
      (
        await backend().db.query<{ label: string }>(
          `SELECT label FROM emergency_contacts WHERE municipality_id = 'demo-stadt' ORDER BY sort_order`,
        )
      ).map((row) => row.label);
    expect((await stored())[0]).toBe('Polizei / Notruf');

    await contacts.fill(CONFIGURED.contacts.map((contact) => `${contact.label} | ${contact.phone}`).join('\n'));
    await officeTab.getByLabel(office.settings.emergency.title, { exact: true }).fill(CONFIGURED.title);
    await officeTab.getByLabel(office.settings.emergency.intro).fill(CONFIGURED.intro);
    await officeTab.getByRole('checkbox', { name: office.settings.emergency.discreet }).check();
    await officeTab.getByLabel(office.settings.emergency.discreetTitle).fill(CONFIGURED.discreetTitle);
    await officeTab.getByRole('button', { name: office.settings.submit }).click();
    await officeTab.getByRole('status').filter({ hasText: office.settings.saved }).waitFor();
    expect(await stored()).toEqual(CONFIGURED.contacts.map((contact) => contact.label));
    expect(await accessibilityViolations(officeTab, { include: '[data-testid="office-area"]' })).toEqual([]);
    await officeTab.locator('.office-settings__emergency').scrollIntoViewIfNeeded();
    await shootBothDirections(officeTab, 'office-emergency-settings');
    await officeTab.close();

    // The tablet pulls its configuration when it (re)connects; it keeps the copy for offline use.
    await browser().context.setOffline(true);
    await browser().context.setOffline(false);
    await expect
      .poll(async () => JSON.stringify((await app.rawIndexedDb())['meta'] ?? []).includes(CONFIGURED.discreetTitle), {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(true);

    await dangerAnswerOffline();
    const { page } = app;
    // Discreet first: a neutral heading, the app's ordinary colours, nothing to dial, no triggering question.
    const notice = page.getByRole('dialog', { name: CONFIGURED.discreetTitle });
    await notice.waitFor();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(await notice.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await notice.evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe(DANGER_RED);
    expect(await notice.getByRole('link').count()).toBe(0);
    const discreetText = await notice.innerText();
    for (const hidden of [
      CONFIGURED.title,
      screening.emergency.title,
      '110',
      CONFIGURED.contacts[0]?.phone ?? '',
      screening.emergency.triggeredBy,
    ]) {
      expect(discreetText).not.toContain(hidden);
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await shootBothDirections(page, 'emergency-configured-discreet');

    // Opened by the staff member: the configured title, text and numbers, the ASD on-call first.
    await notice.getByRole('button', { name: screening.emergency.expand }).click();
    const dialog = page.getByRole('alertdialog', { name: CONFIGURED.title });
    await dialog.waitFor();
    expect(await page.locator('#screening-emergency-title').evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await dialog.innerText()).toContain(CONFIGURED.intro);
    const links = dialog.getByRole('link');
    expect(await links.count()).toBe(2);
    expect(await links.nth(0).getAttribute('href')).toBe('tel:0000333333');
    expect(await links.nth(0).innerText()).toContain(CONFIGURED.contacts[0]?.label);
    expect(await links.nth(1).getAttribute('href')).toBe('tel:110');
    await shootBothDirections(page, 'emergency-configured-expanded');
    await dialog.getByRole('button', { name: screening.emergency.back }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('screening-support-need').textContent()).toBe(screening.supportNeed.urgent);
    await backOnline();
  });
});
