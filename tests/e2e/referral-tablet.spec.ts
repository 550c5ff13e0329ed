// A referral made on the tablet, end to end in real Chromium: consent with the
// referral scope, then on a home visit without network a welcome visit and,
// from the case view, "Refer" → offers chosen with the family → the referral
// slip in the family's language (and printed alone); back online, the
// referral arrives in the backend as one referral per offer, handed over.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import welcome from '../../locales/de/welcome-visit.json';
import referral from '../../locales/de/referral.json';
import trFamily from '../../locales/tr/family.json';
import { DEMO_OFFERS } from '../../src/server/db/demo-seed';

const PASSPHRASE = 'Vermittlung mit Karte 7';
const OFFER = DEMO_OFFERS.find((offer) => offer.id === 'familienhebammen-demo');

describe.skipIf(!chromiumPath)('referral on the tablet, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE);
  });

  it('refers a family from its welcome visit and hands over the slip in Turkish', async () => {
    if (!OFFER) throw new Error('demo offers changed');
    const { page } = app;

    // Consent for the welcome visit, including referral.
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.welcomeVisit, exact: true }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('checkbox', { name: de.consent.scopes.referral }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    const caseNumber = (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
    // The catalogue was pulled while online (the referral flow uses it offline).
    await expect
      .poll(async () => JSON.stringify((await app.rawIndexedDb())['meta'] ?? []).includes('"offerCatalog"'), { timeout: 30_000, interval: 250 })
      .toBe(true);

    // A home visit without network from here on.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.getByRole('button', { name: de.common.consent.done }).click();

    // The welcome visit for the case.
    const title = page.getByRole('heading', { name: welcome.title, exact: true });
    const start = page.getByRole('button', { name: welcome.new });
    await title.or(start).first().waitFor();
    if (!(await title.isVisible())) {
      await start.click();
      await title.waitFor();
    }
    await page.getByRole('radio', { name: welcome.outcome.visited }).check();
    const fixed = page.locator('#welcome-case-number');
    if ((await fixed.count()) === 0) {
      const input = page.getByLabel(welcome.fields.caseNumber);
      await input.fill(caseNumber);
      await input.press('Enter');
    }
    await page.getByLabel(welcome.fields.weekOfLife).fill('3');
    await page.getByRole('group', { name: welcome.fields.firstChild }).getByRole('radio', { name: welcome.yes }).check();
    await page.getByRole('button', { name: welcome.save }).click();
    await page.locator('[data-record-kind="welcomeVisit"]').first().waitFor();

    // Find the case and refer from the visit.
    await page.getByRole('button', { name: de.common.consent.find }).click();
    const lookup = page.getByLabel(de.cases.lookup.label, { exact: true });
    await lookup.fill(caseNumber);
    await lookup.press('Enter');
    await page.getByTestId('case-view').waitFor();
    await page.getByRole('button', { name: referral.tablet.refer }).click();
    const flow = page.getByTestId('referral-flow');
    await flow.getByRole('checkbox', { name: new RegExp(OFFER.name) }).check();
    await flow.getByLabel(referral.tablet.language).selectOption('tr');
    await flow.getByRole('button', { name: referral.tablet.save }).click();

    const slip = page.getByTestId('referral-slip');
    await slip.waitFor();
    await expect.poll(() => slip.textContent()).toContain(trFamily.slip.title);
    expect(await slip.getAttribute('lang')).toBe('tr');
    expect(await slip.getByTestId('referral-slip-case-number').textContent()).toBe(caseNumber);
    const text = (await slip.textContent()) ?? '';
    for (const part of [OFFER.name, OFFER.address, OFFER.phone, OFFER.hours, OFFER.whatToBring]) expect(text).toContain(part);

    // Printing prints the slip alone.
    await page.emulateMedia({ media: 'print' });
    expect(await slip.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: referral.tablet.print }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // Network back: synced as one referral to the offer, handed over.
    await backend().resume();
    await browser().context.setOffline(false);
    await expect
      .poll(
        async () =>
          (
            await backend().db.query<{ offer_id: string; state: string; language: string }>(
              'SELECT offer_id, state, language FROM referrals WHERE case_number = $1',
              [caseNumber],
            )
          ).map((row) => [row.offer_id, row.state, row.language]),
        { timeout: 30_000, interval: 250 },
      )
      .toEqual([[OFFER.id, 'handedOver', 'tr']]);
    await page.getByRole('button', { name: referral.tablet.done }).click();
  });
});
