// The welcome visit end to end in real Chromium: consent for the welcome visit
// (German), then airplane mode (browser offline AND backend stopped): a visit
// for the consented case and a "nobody at home" count are saved on the tablet,
// shown as not yet sent, and arrive in the backend database once the network
// is back — the count with no case number and nothing but outcome and date.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import welcome from '../../locales/de/welcome-visit.json';
import { DEMO_OFFERS } from '@server/db/demo-seed';

/** The catalogue offer the visit recommends (the offline catalogue on the tablet). */
const RECOMMENDED = DEMO_OFFERS.find((offer) => offer.type === 'elterncafe') ?? DEMO_OFFERS[0];

const PASSPHRASE = 'Willkommen zu Hause 8';

describe.skipIf(!chromiumPath)('welcome visit offline, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;
  let caseNumber = '';

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
  });

  it('records a visit for a consented case and a "nobody at home" count offline, and sends both when online', async () => {
    const { page } = app;

    // Consent first, in German, for the welcome visit.
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.welcomeVisit, exact: true }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    caseNumber = (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
    expect(caseNumber).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-/);

    // Airplane mode from here on.
    await browser().context.setOffline(true);
    await backend().pause();

    await page.getByRole('button', { name: de.common.consent.done }).click();
    // "Done" may lead straight into the visit with the case number (when wired so), else back to the overview.
    const title = page.getByRole('heading', { name: welcome.title, exact: true });
    const start = page.getByRole('button', { name: welcome.new });
    await title.or(start).first().waitFor();
    if (!(await title.isVisible())) {
      await start.click();
      await title.waitFor();
    }

    await page.getByRole('radio', { name: welcome.outcome.visited }).check();
    const fixed = page.locator('#welcome-case-number');
    if ((await fixed.count()) > 0) {
      expect(await fixed.inputValue()).toBe(caseNumber);
    } else {
      const input = page.getByLabel(welcome.fields.caseNumber);
      await input.fill(caseNumber.toLowerCase());
      await input.press('Enter');
    }
    await page.getByLabel(welcome.fields.weekOfLife).fill('3');
    await page.getByRole('group', { name: welcome.fields.firstChild }).getByRole('radio', { name: welcome.yes }).check();
    await page.getByRole('checkbox', { name: welcome.topics.feeding }).check();
    await page.getByRole('checkbox', { name: welcome.items.welcomeBag }).check();
    await page
      .getByTestId('recommended-offers')
      .getByRole('checkbox', { name: RECOMMENDED?.name ?? '-' })
      .check();
    await page.getByRole('button', { name: welcome.save }).click();

    const visit = page.locator('[data-record-kind="welcomeVisit"]').first();
    await visit.waitFor();
    expect(await visit.getAttribute('data-sync-state')).toBe('pending');
    expect(await visit.textContent()).toContain(de.common.record.state.pending);

    // Nobody at home: one more tap after the outcome, nothing else asked.
    await page.getByRole('button', { name: welcome.new }).click();
    await page.getByRole('radio', { name: welcome.outcome.nobodyHome }).check();
    await page.getByRole('button', { name: welcome.attempt.save }).click();
    const attempt = page.locator('[data-record-kind="welcomeVisitAttempt"]').first();
    await attempt.waitFor();
    expect(await attempt.getAttribute('data-sync-state')).toBe('pending');

    // Network back: no tap needed.
    await backend().resume();
    await browser().context.setOffline(false);
    await expect.poll(() => visit.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    await expect.poll(() => attempt.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    expect(await visit.textContent()).toContain(de.common.record.state.sent);

    const [row] = await backend().recordsWhere("kind = 'welcomeVisit'");
    expect(row?.['case_number']).toBe(caseNumber);
    expect(row?.['content']).toMatchObject({
      outcome: 'visited',
      weekOfLife: 3,
      firstChild: true,
      topics: ['feeding'],
      itemsHandedOver: ['welcomeBag'],
      offersRecommended: [RECOMMENDED?.id],
      followUpWished: false,
    });
    const attempts = await backend().recordsWhere("kind = 'welcomeVisitAttempt'");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.['case_number']).toBeNull();
    expect(Object.keys(attempts[0]?.['content'] ?? {}).sort()).toEqual(['outcome', 'visitDate']);
    expect(attempts[0]?.['content']).toMatchObject({ outcome: 'nobodyHome' });
  });
});
