// One whole workflow run with the family-facing consent in Arabic (right to
// left), offline from the start: the consent screen and the family's card are
// laid out right to left without overflowing a 10" tablet in landscape or
// portrait (screenshots in test-results/ for a human look), the visit for the
// new case is recorded in German, and both reach the backend once online.
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { ar, de } from './pages/texts';
import welcome from '../../locales/de/welcome-visit.json';

const PASSPHRASE = 'Besuch auf Arabisch 4';
const SHOTS = 'test-results/rtl';

/** What a broken RTL layout shows: sideways scrolling, or controls hanging outside the screen. */
async function layoutProblems(page: Page, region: Locator): Promise<string[]> {
  return region.evaluate((root) => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1)
      problems.push(`page scrolls sideways (${String(doc.scrollWidth)} > ${String(doc.clientWidth)})`);
    for (const element of root.querySelectorAll<HTMLElement>('button, label, h1, h2, p')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.left < -1 || box.right > doc.clientWidth + 1)
        problems.push(`${element.tagName} "${element.textContent.slice(0, 20)}" outside the screen`);
    }
    if (getComputedStyle(root).direction !== 'rtl') problems.push('not laid out right to left');
    return problems;
  });
}

describe.skipIf(!chromiumPath)('welcome visit with an Arabic consent, offline', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('asks for consent right to left, then records the visit, all without network', async () => {
    await mkdir(SHOTS, { recursive: true });
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });

    // Airplane mode from the start.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.reload();
    await app.unlock(PASSPHRASE);

    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.welcomeVisit, exact: true }).check();
    await page.getByRole('radio', { name: 'العربية' }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();

    const family = page.getByTestId('family-consent');
    await family.waitFor();
    expect(await family.getAttribute('dir')).toBe('rtl');
    expect(await family.getAttribute('lang')).toBe('ar');
    expect(await layoutProblems(page, family)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/consent-ar-landscape.png`, fullPage: true });
    await page.setViewportSize({ width: 800, height: 1280 });
    expect(await layoutProblems(page, family)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/consent-ar-portrait.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('checkbox', { name: ar.consent.scopes.documentation }).check();
    await page.getByRole('button', { name: ar.consent.agree }).click();
    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    const card = page.getByTestId('family-card');
    expect(await card.getAttribute('dir')).toBe('rtl');
    expect(await layoutProblems(page, card)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/family-card-ar.png`, fullPage: true });
    const caseNumber = (await card.locator('.family-card__number').innerText()).replace(/\s/g, '');

    // Back to the staff member, in German: the visit for this case.
    await page.getByRole('button', { name: de.common.consent.continueWith.welcomeVisit }).click();
    const title = page.getByRole('heading', { name: welcome.title, exact: true });
    await title.waitFor();
    expect(await page.locator('html').getAttribute('dir')).not.toBe('rtl');
    await page.getByRole('radio', { name: welcome.outcome.visited }).check();
    expect(await page.locator('#welcome-case-number').inputValue()).toBe(caseNumber);
    await page.getByLabel(welcome.fields.weekOfLife).fill('2');
    await page.getByRole('group', { name: welcome.fields.firstChild }).getByRole('radio', { name: welcome.yes }).check();
    await page.getByRole('checkbox', { name: welcome.topics.sleep }).check();
    await page.getByRole('button', { name: welcome.save }).click();

    const visit = page.locator('[data-record-kind="welcomeVisit"]').first();
    await visit.waitFor();
    expect(await visit.getAttribute('data-sync-state')).toBe('pending');
    const consent = page.locator('[data-record-kind="consent"]').first();
    expect(await consent.getAttribute('data-sync-state')).toBe('pending');

    await backend().resume();
    await browser().context.setOffline(false);
    await expect.poll(() => visit.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    await expect.poll(() => consent.getAttribute('data-sync-state'), { timeout: 30_000, interval: 250 }).toBe('sent');
    const rows = (await backend().recordsWhere('case_number = $1', [caseNumber])).sort((a, b) =>
      String(a['kind']).localeCompare(String(b['kind'])),
    );
    expect(rows.map((row) => row['kind'])).toEqual(['consent', 'welcomeVisit']);
    expect(rows[0]?.['content']).toMatchObject({ language: 'ar', setting: 'welcomeVisit', scopes: ['documentation'] });
    expect(rows[1]?.['content']).toMatchObject({ outcome: 'visited', weekOfLife: 2, topics: ['sleep'] });
    await page.close();
  });
});
