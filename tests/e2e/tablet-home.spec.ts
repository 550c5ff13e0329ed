// The tablet's home in real Chromium (issue 17): the admin chooses the HOME
// project's workflows in the office (HOME contact, consent, screening,
// mediation — no welcome visit), and the HOME partner's home offers exactly
// those, HOME contact first, in a header that stays one row on a 1024 × 768 landscape tablet. A
// screening sent back by the colleague's same-tablet second check appears under
// "sent back to me" with the comment; the case view — from the record and from
// "Fall suchen" — lists the case's consent and screening in time order with
// their states. Screenshots (SHOTS_DIR) of home and case view: German, and the
// page turned right to left as for Arabic (the staff languages are German and
// English), landscape and portrait.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { shootBothDirections } from './support/screenshots';
import { TabletApp } from './pages/TabletApp';
import { OfficePage } from './pages/OfficePage';
import { de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import approval from '../../locales/de/approval.json';
import office from '../../locales/de/office.json';
import mediation from '../../locales/de/mediation.json';
import welcomeVisit from '../../locales/de/welcome-visit.json';
import { DEMO_ACCOUNTS, DEMO_ORGANISATION_ID } from '@server/db/demo-seed';

const PASSPHRASE = 'Foyer Nord am Morgen';
const APPROVER_PASSPHRASE = 'Zweitprüfung im Foyer';
const COMMENT = 'Bitte die Frage zur Versorgung zu Hause prüfen.';

function account(username: 'admin' | 'approver'): { username: string; password: string; displayName: string } {
  const found = DEMO_ACCOUNTS.find((a) => a.username === username);
  if (!found) throw new Error(`demo seed changed: no ${username}`);
  return found;
}

/** The labels of the home's workflow buttons, in order. */
async function offered(page: Page): Promise<string[]> {
  return (await page.getByTestId('home-workflows').getByRole('button').allTextContents()).map((text) => text.trim());
}

describe.skipIf(!chromiumPath)('the tablet home and the case view', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;
  let caseNumber = '';

  beforeAll(async () => {
    // The admin chooses the HOME project's workflows in the office: no welcome visit.
    const officePage = new OfficePage(await browser().context.newPage());
    await officePage.open(backend().url);
    const admin = account('admin');
    await officePage.signIn(admin.username, admin.password);
    await officePage.openSection('organisations');
    const form = officePage.root.locator(`form[data-organisation-id="${DEMO_ORGANISATION_ID}"]`);
    await form.getByRole('checkbox', { name: office.organisations.workflows.names.welcomeVisit }).uncheck();
    await form.getByRole('button', { name: office.organisations.workflows.save }).click();
    await form.getByRole('status').waitFor();
    await form.scrollIntoViewIfNeeded();
    await shootBothDirections(officePage.page, 'office-organisation-workflows');
    await officePage.page.close();

    app = new TabletApp(await browser().context.newPage());
    await app.page.setViewportSize({ width: 1024, height: 768 });
    await app.start(backend(), PASSPHRASE);
  });

  it("offers the organisation's workflows, HOME contact first and no welcome visit, under a one-row header", async () => {
    const { page } = app;
    // The configuration arrives with the first pull after sign-in.
    await expect
      .poll(() => offered(page), { timeout: 20_000 })
      .toEqual([de.homeContact.new, de.common.consent.start, screening.new, mediation.new]);
    expect(await page.getByRole('button', { name: welcomeVisit.new, exact: true }).count()).toBe(0);
    const header = await page.locator('.app-header').boundingBox();
    expect(header?.height ?? 999).toBeLessThanOrEqual(72);
    // The signed-in name is shown whole, in landscape and in portrait (it was cut off at 768 px).
    for (const size of [
      { width: 1024, height: 768 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(size);
      const user = page.locator('.app-header__user');
      expect(await user.textContent()).toContain('HOME-Partnerin (Demo)');
      expect(
        await user.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight),
        `${String(size.width)} px`,
      ).toBe(true);
    }
    await page.setViewportSize({ width: 1024, height: 768 });
    // Nothing to do yet: no empty sections.
    expect(await page.getByTestId('home-work').count()).toBe(0);
  });

  it('lists a screening sent back by the same-tablet second check under "sent back to me"', async () => {
    const { page } = app;
    // The approver's first sign-in on this tablet, then back to the HOME partner.
    const approver = account('approver');
    await app.lock();
    await page.getByRole('button', { name: de.common.access.firstSignInLink }).click();
    await app.firstSignIn(approver, APPROVER_PASSPHRASE);
    await app.lock();
    await page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(PASSPHRASE);
    await page.getByRole('button', { name: de.homeContact.new }).waitFor();

    // Consent and screening (the consent continues into it: the organisation uses the screening).
    caseNumber = await app.consentForScreening();
    await app.openScreening(caseNumber);
    await app.answerRoutineScreening();
    await page.getByRole('button', { name: screening.save }).click();

    // Waiting for the second check that the approver can make right here.
    const waiting = page.locator('[data-home-section="secondCheckHere"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(caseNumber);
    await waiting.getByRole('button', { name: approval.checkHere }).click();
    await page.getByTestId('record-detail').waitFor();
    await page.getByLabel(approval.flow.passphrase.replace('{{name}}', approver.displayName)).fill(APPROVER_PASSPHRASE);
    await page.getByRole('button', { name: approval.flow.sendBack }).click();
    await page.getByLabel(approval.flow.comment).fill(COMMENT);
    await page.getByRole('button', { name: approval.flow.sendBackSign }).click();
    await page.getByTestId('second-check-outcome').waitFor();
    await page.getByRole('button', { name: approval.flow.done }).click();

    const sentBack = page.locator('[data-home-section="sentBack"]');
    await sentBack.waitFor();
    expect(await sentBack.getByRole('heading').textContent()).toContain(de.records.home.sections.sentBack);
    expect(await sentBack.textContent()).toContain(COMMENT);
    expect(await sentBack.textContent()).toContain(caseNumber);
    await sentBack.getByRole('button', { name: de.records.actions.correct }).waitFor();
    expect(await page.locator('[data-home-section="secondCheckHere"]').count()).toBe(0);
    await shootBothDirections(page, 'tablet-home');
  });

  it('shows the case with its consent and screening in time order, from the record and from "Fall suchen"', async () => {
    const { page } = app;
    const row = page.locator('[data-record-kind="screening"]', { hasText: caseNumber });
    await row.getByRole('button', { name: de.records.caseView.open }).click();
    const timeline = page.getByTestId('case-timeline');
    await timeline.waitFor();
    const entries = timeline.locator('[data-case-entry]');
    expect(await entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-case-entry')))).toEqual([
      'consent',
      'screening',
    ]);
    expect(await timeline.locator('[data-case-entry="screening"]').getAttribute('data-review-state')).toBe('sentBack');
    expect(await timeline.locator('[data-case-entry="screening"]').textContent()).toContain(COMMENT);
    // Nothing of the case in the address.
    expect(page.url()).not.toContain(caseNumber);
    await shootBothDirections(page, 'tablet-case-view');

    await page.getByRole('button', { name: de.common.app.back }).click();
    await page.getByRole('button', { name: de.common.consent.find }).click();
    const lookup = page.getByLabel(de.cases.lookup.label, { exact: true });
    await lookup.fill(caseNumber);
    await lookup.press('Enter');
    await page.getByTestId('case-view').waitFor();
    expect(
      await page
        .getByTestId('case-timeline')
        .locator('[data-case-entry]')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-case-entry'))),
    ).toEqual(['consent', 'screening']);
  });
});
