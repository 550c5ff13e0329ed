// Moving around the tablet the way the walkthrough did, in real Chromium: the
// browser's back button moves between the app's screens and never leaves the
// app; focus lands on each new screen's heading; leaving a half-filled form
// asks first and keeps the draft unless the person discards it; a case number
// without a consent on this tablet is refused as soon as it is entered, with
// the way forward; "continue" follows every consent, carrying its district.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import district from '../../locales/de/district.json';
import { generateCaseNumber } from '@domain/case-number';
import { DEMO_DISTRICTS } from '@server/db/demo-offers';

const PASSPHRASE = 'Zurück im Foyer 2026';

/** The id of the element that has focus, or its tag. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

describe.skipIf(!chromiumPath)('moving around the tablet', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;
  let page: Page;

  beforeAll(async () => {
    page = await browser().context.newPage();
    app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE);
  });

  const overview = () => page.getByRole('button', { name: de.homeContact.new });
  const homeTitle = () => page.getByRole('heading', { name: de.homeContact.title });
  const leaveDialog = () => page.getByRole('alertdialog', { name: de.common.leaveForm.title });

  it('goes back inside the app with the back button, never out of it, and focuses each screen’s heading', async () => {
    await app.startHomeContact();
    await expect.poll(() => focused(page)).toBe('home-contact-title');
    await page.goBack();
    await overview().waitFor();
    await expect.poll(() => focused(page)).toBe('new-record-title');

    await page.getByRole('button', { name: de.common.consent.find }).click();
    await page.getByRole('heading', { name: de.common.consent.findTitle }).waitFor();
    await expect.poll(() => focused(page)).toBe('find-case-title');
    await page.goBack();
    await overview().waitFor();

    // Back on the overview, again and again: still the app, still unlocked (leaving would have locked it).
    for (let press = 0; press < 3; press++) {
      await page.goBack();
      await overview().waitFor();
      await expect.poll(() => page.evaluate(() => (history.state as { index?: number } | null)?.index)).toBe(0);
    }
    expect(page.url().startsWith(backend().url)).toBe(true);
    expect(await page.getByRole('heading', { name: de.common.access.lockedTitle }).count()).toBe(0);
  });

  it('asks before a half-filled form is left, and keeps the draft unless it is discarded', async () => {
    await app.startHomeContact();
    await app.chooseTopic('health');

    // The back button: the question comes first; "keep filling in" stays with everything entered.
    await page.goBack();
    await leaveDialog().waitFor();
    await leaveDialog().getByRole('button', { name: de.common.leaveForm.stay }).click();
    await leaveDialog().waitFor({ state: 'detached' });
    await homeTitle().waitFor();
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.health }).isChecked()).toBe(true);

    // "Cancel" asks too; leaving keeps the draft, listed on the overview to continue.
    await page.getByRole('button', { name: de.homeContact.cancel }).click();
    await leaveDialog().getByRole('button', { name: de.common.leaveForm.keep }).click();
    await overview().waitFor();
    await expect.poll(() => app.draftItems().count()).toBe(1);
    await app.draftItems().first().getByRole('button', { name: de.records.actions.continue }).click();
    await homeTitle().waitFor();
    await page.getByRole('checkbox', { name: de.homeContact.topics.health }).waitFor();
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.health }).isChecked()).toBe(true);

    // A restored draft is unsaved work as well; discarding it is the person's explicit choice.
    await page.goBack();
    await leaveDialog().getByRole('button', { name: de.common.leaveForm.discard }).click();
    await overview().waitFor();
    await expect.poll(() => app.draftItems().count()).toBe(0);

    // A form nobody typed into is left without a question.
    await app.startHomeContact();
    await page.goBack();
    await overview().waitFor();
    expect(await leaveDialog().count()).toBe(0);
    // ... and leaves no empty draft behind to be listed or reopened.
    await page.waitForTimeout(500);
    expect(await app.draftItems().count()).toBe(0);
  });

  it('refuses a case number without a consent on this tablet as soon as it is entered, with the way forward', async () => {
    // A well-formed number, as if the family had consented on the night shift's tablet.
    const foreign = generateCaseNumber();
    await page.getByRole('button', { name: screening.new }).click();
    await page.getByRole('heading', { name: screening.new, exact: true }).waitFor();
    expect(await page.locator('[data-question]').count()).toBe(0); // no question before the case is accepted
    const input = page.getByLabel(screening.caseNumber);
    await input.fill(foreign.toLowerCase());
    await input.press('Enter');

    const refusal = page.getByTestId('case-refusal');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-reason')).toBe('noConsentHere');
    expect(await refusal.textContent()).toContain(foreign);
    expect(await refusal.textContent()).toContain(de.cases.refusal.noConsentHere.text);
    expect(await page.locator('[data-question]').count()).toBe(0);

    // The way forward: a new consent for this workflow, then straight on to the screening.
    await refusal.getByRole('button', { name: de.cases.refusal.newConsent }).click();
    await page.getByRole('heading', { name: de.common.consent.setupTitle }).waitFor();
    expect(await page.getByRole('radio', { name: de.common.consent.settings.screening, exact: true }).isChecked()).toBe(true);
    await page.getByRole('button', { name: de.common.app.back }).click();
    await overview().waitFor();
  });

  it('continues after consent to every workflow that takes a case, with the district chosen at consent', async () => {
    const north = DEMO_DISTRICTS[0];

    // HOME contact: anonymous by default, linked to the new case when it follows the consent.
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.homeContact, exact: true }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await app.takeTabletBack(PASSPHRASE);
    const homeCase = (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
    await page.getByRole('button', { name: de.common.consent.continueWith.homeContact }).click();
    await homeTitle().waitFor();
    expect(await page.locator('input[readonly]').inputValue()).toBe(homeCase);
    await page.goBack(); // back from the form goes to the overview, not to the finished consent
    await overview().waitFor();
    await page.waitForTimeout(500);
    expect(await app.draftItems().count()).toBe(0);

    // Screening: the district stated at consent is where the screening starts.
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.screening, exact: true }).check();
    await page.getByLabel(district.label).selectOption(north.id);
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('button', { name: de.common.consent.continueWith.screening }).click();
    await page.getByRole('heading', { name: screening.new, exact: true }).waitFor();
    await expect.poll(() => page.getByLabel(district.label).inputValue()).toBe(north.id);
    await page.goBack();
    await overview().waitFor();
  });
});
