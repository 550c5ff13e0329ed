// The coordinator downloads the offer catalogue as Open Referral HSDS 3.1 in real Chromium: the
// JSON validates against the official schemas, the JSON and the .zip package go back in with
// "nothing to import", and a file whose Kennung was edited is refused with the entry and field
// named, leaving the catalogue as it was. Screenshots of the offers page (German and English,
// landscape and portrait) go to test-results/.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { launchChromium } from './support/chromium';
import { OfficePage, office } from './pages/OfficePage';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';
import type { HsdsCatalogue } from '@server/services/offer-hsds';
import { hsdsValidator } from '../fixtures/hsds-validator';
import referral from '../../locales/de/referral.json';
import referralEnglish from '../../locales/en/referral.json';
import officeEnglish from '../../locales/en/office.json';
import commonEnglish from '../../locales/en/common.json';

function filled(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
}

const coordinator = DEMO_ACCOUNTS.find((account) => account.username === 'coordinator');

async function openOffers(page: Page, baseUrl: string): Promise<void> {
  if (!coordinator) throw new Error('demo seed changed: no coordinator');
  const officePage = new OfficePage(page);
  await officePage.open(baseUrl);
  await officePage.signIn(coordinator.username, coordinator.password);
  await officePage.root
    .getByRole('navigation', { name: office.nav.label })
    .getByRole('button', { name: office.nav.offers, exact: true })
    .click();
  await page.getByTestId('offer-catalog-table').waitFor();
}

describe.skipIf(!chromiumPath)('offer catalogue as HSDS, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('downloads HSDS JSON and the package, imports both back unchanged, refuses an edited Kennung', async () => {
    const page = await browser().context.newPage();
    await openOffers(page, backend().url);
    const panel = page.getByTestId('offer-catalog');
    const snapshot = async () => JSON.stringify(await backend().db.query('SELECT * FROM offers ORDER BY municipality_id, id'));
    const before = await snapshot();

    const download = async (label: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: label }).click()]);
      return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
    };
    const json = await download(referral.catalog.file.exportHsdsJson);
    expect(json.name).toBe('angebote-hsds.json');
    const catalogue = JSON.parse(json.bytes.toString('utf8')) as HsdsCatalogue;
    const validator = hsdsValidator();
    expect(validator.pageErrors(catalogue)).toEqual([]);
    expect(catalogue.contents.length).toBeGreaterThan(3);
    for (const service of catalogue.contents) expect(validator.errors('service', service)).toEqual([]);
    const zip = await download(referral.catalog.file.exportHsdsZip);
    expect(zip.name).toBe('angebote-hsds.zip');
    expect(zip.bytes.subarray(0, 2).toString('latin1')).toBe('PK');

    const importFile = (name: string, mimeType: string, buffer: Buffer) =>
      panel.getByLabel(referral.catalog.file.import).setInputFiles({ name, mimeType, buffer });
    for (const file of [
      { name: json.name, mimeType: 'application/json', buffer: json.bytes },
      { name: zip.name, mimeType: 'application/zip', buffer: zip.bytes },
    ]) {
      await importFile(file.name, file.mimeType, file.buffer);
      await panel.getByRole('status').filter({ hasText: referral.catalog.file.noChanges }).waitFor();
    }

    // The Kennung edited in the file: refused, entry and field named, nothing changed.
    const edited = structuredClone(catalogue);
    const idAttribute = edited.contents[0]?.attributes.find((attribute) => attribute.taxonomy_term.code === 'offer-id');
    if (idAttribute) idAttribute.value = 'umbenannt';
    await importFile('angebote-hsds.json', 'application/json', Buffer.from(JSON.stringify(edited)));
    const problems = panel.getByTestId('offer-file-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain(referral.catalog.file.problemsTitleHsds);
    const message = filled(referral.fileProblems.hsdsIdMismatch, { value: catalogue.contents[0]?.id ?? '' });
    expect(await problems.textContent()).toContain(filled(referral.catalog.file.problemAtEntry, { row: 1, column: 'Kennung', message }));
    expect(await panel.getByTestId('offer-file-preview').count()).toBe(0);
    expect(await snapshot()).toBe(before);

    // Screenshots of the offers page with its download buttons (and the refusal above them), German.
    for (const [orientation, viewport] of [
      ['landscape', { width: 1024, height: 768 }],
      ['portrait', { width: 768, height: 1024 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: `test-results/offer-hsds-de-${orientation}.png`, fullPage: true });
      await panel.getByTestId('offer-file').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-results/offer-hsds-de-${orientation}-buttons.png` });
    }
    await page.close();
  });

  it('labels the HSDS buttons in English for English staff (the office area speaks German and English)', async () => {
    const english = await launchChromium('lotse-e2e-en-', { locale: 'en-GB' });
    try {
      const page = await english.context.newPage();
      await page.setViewportSize({ width: 1024, height: 768 });
      if (!coordinator) throw new Error('demo seed changed: no coordinator');
      await page.goto(backend().url);
      await page.getByRole('button', { name: commonEnglish.access.welcomeOffice }).click();
      const area = page.getByTestId('office-area');
      await area.getByLabel(officeEnglish.signIn.username, { exact: true }).fill(coordinator.username);
      await area.getByLabel(officeEnglish.signIn.password, { exact: true }).fill(coordinator.password);
      await area.getByRole('button', { name: officeEnglish.signIn.submit, exact: true }).click();
      await area
        .getByRole('navigation', { name: officeEnglish.nav.label })
        .getByRole('button', { name: officeEnglish.nav.offers, exact: true })
        .click();
      await page.getByTestId('offer-catalog-table').waitFor();
      await page.getByRole('button', { name: referralEnglish.catalog.file.exportHsdsJson }).waitFor();
      await page.getByRole('button', { name: referralEnglish.catalog.file.exportHsdsZip }).waitFor();
      await page.screenshot({ path: 'test-results/offer-hsds-en-landscape.png', fullPage: true });
      await page.getByTestId('offer-file').scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'test-results/offer-hsds-en-landscape-buttons.png' });
      await page.setViewportSize({ width: 768, height: 1024 });
      await page.screenshot({ path: 'test-results/offer-hsds-en-portrait.png', fullPage: true });
    } finally {
      await english.close();
    }
  });
});
