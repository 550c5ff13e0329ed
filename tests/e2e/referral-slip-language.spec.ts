// The referral slip in the family's language all the way, in real Chromium:
// the demo midwives' catalogue entry has opening hours, what to bring and
// directions in Arabic but its cost only in German. An Arabic slip shows the
// Arabic texts, and the German cost marked "(in German)" in Arabic; the date
// is one long, localised form; in right-to-left print each value stands right
// next to its label. The same slip in German has no such mark.
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import welcome from '../../locales/de/welcome-visit.json';
import referral from '../../locales/de/referral.json';
import arFamily from '../../locales/ar/family.json';
import deFamily from '../../locales/de/family.json';
import { DEMO_ACCOUNTS, DEMO_OFFERS } from '@server/db/demo-seed';
import { OfficePage, office } from './pages/OfficePage';

const PASSPHRASE = 'Schein auf Arabisch 9';
const OFFER = DEMO_OFFERS.find((offer) => offer.id === 'familienhebammen-demo');
/** Screenshots for people to look at (not compared by the test). */
const SHOTS = 'test-results/referral-slip';

describe.skipIf(!chromiumPath)('referral slip in the family’s language', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE);
  });

  /** Consent with referral, a welcome visit, then "Vermitteln" to the midwives with the slip in `language`. */
  async function referInLanguage(page: Page, language: string): Promise<void> {
    if (!OFFER) throw new Error('demo offers changed');
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.welcomeVisit, exact: true }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('checkbox', { name: de.consent.scopes.referral }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    const caseNumber = (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
    await expect
      .poll(async () => JSON.stringify((await app.rawIndexedDb())['meta'] ?? []).includes('Mutterpass'), { timeout: 30_000, interval: 250 })
      .toBe(true);
    // A home visit without network, as in the field: the welcome visit needs no second check then.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.getByRole('button', { name: de.common.consent.done }).click();

    const title = page.getByRole('heading', { name: welcome.title, exact: true });
    const start = page.getByRole('button', { name: welcome.new });
    await title.or(start).first().waitFor();
    if (!(await title.isVisible())) {
      await start.click();
      await title.waitFor();
    }
    await page.getByRole('radio', { name: welcome.outcome.visited }).check();
    if ((await page.locator('#welcome-case-number').count()) === 0) {
      const input = page.getByLabel(welcome.fields.caseNumber);
      await input.fill(caseNumber);
      await input.press('Enter');
    }
    await page.getByLabel(welcome.fields.weekOfLife).fill('3');
    await page.getByRole('group', { name: welcome.fields.firstChild }).getByRole('radio', { name: welcome.yes }).check();
    await page.getByRole('button', { name: welcome.save }).click();
    await page.locator('[data-record-kind="welcomeVisit"]').first().waitFor();

    await page.getByRole('button', { name: de.common.consent.find }).click();
    const lookup = page.getByLabel(de.cases.lookup.label, { exact: true });
    await lookup.fill(caseNumber);
    await lookup.press('Enter');
    await page.getByTestId('case-view').waitFor();
    await page.getByRole('button', { name: referral.tablet.refer }).click();
    const flow = page.getByTestId('referral-flow');
    await flow.getByRole('checkbox', { name: new RegExp(OFFER.name) }).check();
    await flow.getByLabel(referral.tablet.language).selectOption(language);
    await flow.getByRole('button', { name: referral.tablet.save }).click();
    await page.getByTestId('referral-slip').waitFor();
  }

  async function backOnline(): Promise<void> {
    await backend().resume();
    await browser().context.setOffline(false);
  }

  /** Each label's and value's box on the page. */
  async function factBoxes(page: Page) {
    return page.locator('.referral-slip__fact').evaluateAll((facts) =>
      facts.map((fact) => {
        const label = fact.querySelector('dt')?.getBoundingClientRect();
        // The value's text itself (its first line), not the cell it sits in.
        const range = document.createRange();
        const cell = fact.querySelector('dd');
        if (cell) range.selectNodeContents(cell);
        // Bidi splits a line into several boxes (German words in Arabic text): the first line is all of them.
        const rects = [...range.getClientRects()];
        const top = rects[0]?.top ?? 0;
        const line = rects.filter((rect) => Math.abs(rect.top - top) < 4 && rect.width > 0);
        const value =
          line.length === 0
            ? undefined
            : { left: Math.min(...line.map((rect) => rect.left)), right: Math.max(...line.map((rect) => rect.right)) };
        return { label: label && { left: label.left, right: label.right }, value };
      }),
    );
  }

  it('shows the Arabic texts where the catalogue has them and the German cost marked as German, together in print', async () => {
    if (!OFFER?.translations?.ar) throw new Error('demo offers changed');
    const arabic = OFFER.translations.ar;
    const { page } = app;
    await referInLanguage(page, 'ar');
    const slip = page.getByTestId('referral-slip');
    await expect.poll(() => slip.textContent()).toContain(arFamily.slip.title);
    expect(await slip.getAttribute('dir')).toBe('rtl');

    const fact = (field: string) => slip.locator(`.referral-slip__fact[data-field="${field}"] dd`);
    // Arabic where the catalogue has it, with no German mark.
    expect(await fact('hours').textContent()).toBe(arabic.hours);
    expect(await fact('whatToBring').textContent()).toBe(arabic.whatToBring);
    expect(await fact('directions').textContent()).toBe(arabic.directions);
    for (const field of ['hours', 'whatToBring', 'directions']) {
      expect(await fact(field).getByTestId('referral-slip-in-german').count()).toBe(0);
    }
    const text = (await slip.textContent()) ?? '';
    expect(text).not.toContain(OFFER.hours);
    expect(text).not.toContain(OFFER.whatToBring);
    // The cost has no Arabic text: German, marked in Arabic, and marked as German for screen readers.
    expect(await fact('cost').textContent()).toBe(`${OFFER.cost} ${arFamily.slip.inGerman}`);
    expect(await fact('cost').locator('[lang="de"]').textContent()).toBe(OFFER.cost);
    expect(await slip.locator('.referral-slip__fact dt').allTextContents()).toContain(arFamily.slip.directions);

    // The date: long and in Arabic (month name), Latin digits like the case number, not ISO.
    const date = (await slip.locator('.referral-slip__date time').textContent()) ?? '';
    expect(date).toMatch(/^\d{1,2} \p{Script=Arabic}+ \d{4}$/u);
    expect(date).not.toMatch(/\d{4}-\d{2}-\d{2}/);

    await page.screenshot({ path: `${SHOTS}/ar-landscape.png`, fullPage: true });
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.screenshot({ path: `${SHOTS}/ar-portrait.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Print: right to left, each value starts right next to its label (not a page width away).
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    expect(await slip.isVisible()).toBe(true);
    const boxes = await factBoxes(page);
    expect(boxes.length).toBeGreaterThan(5);
    for (const { label, value } of boxes) {
      if (!label || !value) throw new Error('a fact without label or value');
      // RTL: the label at the right, the value's text ending just left of it.
      expect(label.left).toBeGreaterThan(value.right - 1);
      expect(label.left - value.right).toBeLessThan(48);
    }
    await page.screenshot({ path: `${SHOTS}/ar-print.png`, fullPage: true });
    await page.pdf({ path: `${SHOTS}/ar-print.pdf`, format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: referral.tablet.done }).click();
    await backOnline();
  });

  it('shows the German texts unmarked on a German slip, with the date in the same long form', async () => {
    if (!OFFER) throw new Error('demo offers changed');
    const { page } = app;
    await referInLanguage(page, 'de');
    const slip = page.getByTestId('referral-slip');
    expect(await slip.getAttribute('dir')).toBe('ltr');
    const fact = (field: string) => slip.locator(`.referral-slip__fact[data-field="${field}"] dd`);
    expect(await fact('hours').textContent()).toBe(OFFER.hours);
    expect(await fact('cost').textContent()).toBe(OFFER.cost);
    expect(await fact('directions').textContent()).toBe(OFFER.directions);
    expect(await slip.getByTestId('referral-slip-in-german').count()).toBe(0);
    expect(await slip.locator('.referral-slip__fact dt').allTextContents()).toContain(deFamily.slip.directions);
    expect((await slip.locator('.referral-slip__date time').textContent()) ?? '').toMatch(/^\d{1,2}\. \p{L}+ \d{4}$/u);
    await page.screenshot({ path: `${SHOTS}/de-landscape.png`, fullPage: true });
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.screenshot({ path: `${SHOTS}/de-portrait.png`, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    for (const { label, value } of await factBoxes(page)) {
      if (!label || !value) throw new Error('a fact without label or value');
      expect(value.left).toBeGreaterThan(label.right - 1);
      expect(value.left - label.right).toBeLessThan(48);
    }
    await page.screenshot({ path: `${SHOTS}/de-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await backOnline();
  });

  it('lets the coordinator enter a translation per language in the office form, German first', async () => {
    const coordinator = DEMO_ACCOUNTS.find((account) => account.username === 'coordinator');
    if (!coordinator) throw new Error('demo accounts changed');
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(coordinator.username, coordinator.password);
    await officePage.root
      .getByRole('navigation', { name: office.nav.label })
      .getByRole('button', { name: office.nav.offers, exact: true })
      .click();
    const panel = page.getByTestId('offer-catalog');
    await panel.getByRole('button', { name: referral.catalog.editFor.replace('{{name}}', 'Schwangerschaftsberatung Mitte') }).click();
    const translations = panel.getByTestId('offer-translations');
    await translations.locator('details[data-language="ar"] summary').click();
    const arabicHours = 'الثلاثاء والخميس 10–17';
    await panel.locator('#offer-hours-ar').fill(arabicHours);
    // A translation of a text that has no German: refused in the form, with the reason, nothing sent.
    await translations.locator('details[data-language="ar"] summary').scrollIntoViewIfNeeded();
    await panel.locator('#offer-directions-ar').fill('الحافلة 5');
    await page.setViewportSize({ width: 1280, height: 800 });
    await panel.getByRole('button', { name: referral.catalog.save }).click();
    await panel.getByText(referral.catalog.translations.germanFirst).waitFor();
    await translations.screenshot({ path: `${SHOTS}/office-translations-german-first.png` });
    const stored = async () =>
      (
        await backend().db.query<{ translations: unknown }>("SELECT translations FROM offers WHERE id = 'schwangerschaftsberatung-mitte'")
      )[0]?.translations;
    expect(await stored()).toEqual({});
    // Without that one, the Arabic opening hours are saved and reach the catalogue.
    await panel.locator('#offer-directions-ar').fill('');
    await panel.getByRole('button', { name: referral.catalog.save }).click();
    await panel.getByText(referral.catalog.saved.replace('{{name}}', 'Schwangerschaftsberatung Mitte')).waitFor();
    expect(await stored()).toEqual({ ar: { hours: arabicHours } });
    await page.close();
  });
});
