// The coordinator's reports in real Chromium against the real backend: the
// dashboard shows suppressed small cells (the one mark "*"), a data table beside every
// chart, passes axe, and leads to the printable Sachbericht and its CSV.
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from './support/axe';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage, office } from './pages/OfficePage';
import reports from '../../locales/de/reports.json';
import { halfYearOf } from '@domain/indicators';
import { localIsoDate } from '@domain/home-contact';
import { SUPPRESSED_MARK } from '@domain/suppressed-notation';

describe.skipIf(!chromiumPath)('coordinator reports, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('opens the report of the current half-year with "*" for small cells, a table beside each chart, the Sachbericht and its CSV', async () => {
    // Countable records straight into the database (the triggers count them): 12 + 3 HOME contacts, 7 + 2 screenings.
    const { from } = halfYearOf(localIsoDate(new Date()));
    const day = `${from.slice(0, 8)}10`;
    const insert = (kind: string, content: object, count: number, caseNumbers: boolean) =>
      backend().db.query(
        `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number, device_id, author_id,
                              device_created_at, content_hash, content)
         SELECT $1, gen_random_uuid(), 1, $2, 1, '2026.1', CASE WHEN $5 THEN 'TEST-' || g ELSE NULL END, gen_random_uuid(),
                (SELECT id FROM staff_accounts WHERE username = 'coordinator'), ($3::date + time '10:00') AT TIME ZONE 'Europe/Berlin',
                repeat('a', 64), $4::jsonb
           FROM generate_series(1, $6) AS g`,
        [backend().demo.municipalityId, kind, day, JSON.stringify(content), caseNumbers, count],
      );
    const home = {
      contactDate: day,
      timeSlot: 'dropOff',
      contactKind: 'shortTalk',
      topics: ['health'],
      language: 'de',
      mediatorPresent: false,
    };
    await insert('homeContact', { ...home, site: 'kita-sonnenblume' }, 12, false);
    await insert('homeContact', { ...home, site: 'familienzentrum-nord' }, 3, false);
    const screening = { supportNeed: 'offerRecommended', score: 3, answers: {}, acuteDanger: [], suggestedOffers: [] };
    await insert('screening', { ...screening, district: 'nord' }, 7, true);
    await insert('screening', { ...screening, district: 'sued' }, 2, true);

    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(backend().demo.coordinator.username, backend().demo.coordinator.password);
    await officePage.root
      .getByRole('navigation', { name: office.nav.label })
      .getByRole('button', { name: office.nav.reports, exact: true })
      .click();
    await officePage.root.getByRole('heading', { level: 2, name: reports.title }).waitFor();
    await officePage.root.getByRole('button', { name: reports.form.show }).click();

    const homeSection = officePage.root.locator('[data-indicator="homeSite"]');
    await homeSection.waitFor();
    // 3 contacts at one site: shown as "*" in its table (as is whatever a total would give it back with).
    const siteRow = homeSection.getByRole('row', { name: /Familienzentrum Nord/ }).first();
    expect(await siteRow.textContent()).toContain(SUPPRESSED_MARK);
    expect(await siteRow.textContent()).not.toContain('3');
    const screeningSection = officePage.root.locator('[data-indicator="screening"]');
    const byDistrict = screeningSection.getByRole('table', { name: /nach Sozialraum/ });
    expect(await byDistrict.getByRole('row', { name: /Angebot empfohlen/ }).textContent()).toContain(SUPPRESSED_MARK);
    // No case number anywhere on the page.
    expect(await officePage.root.textContent()).not.toContain('TEST-');

    // Every chart (an image with a title) has its data table beside it.
    const pairs = officePage.root.locator('.report-pair');
    const pairCount = await pairs.count();
    expect(pairCount).toBeGreaterThanOrEqual(18);
    for (let i = 0; i < pairCount; i += 1) {
      expect(await pairs.nth(i).getByRole('img').count()).toBe(1);
      expect(await pairs.nth(i).getByRole('table').count()).toBe(1);
    }
    expect(await accessibilityViolations(page, { include: '[data-testid="office-area"]' })).toEqual([]);

    // The printable Sachbericht: definitions, the tables, print and CSV buttons (hidden when printed).
    await officePage.root.getByRole('button', { name: reports.sachbericht.open }).click();
    await officePage.root.getByRole('heading', { level: 2, name: /Sachbericht Demo-Stadt/ }).waitFor();
    await officePage.root.getByRole('heading', { name: reports.sachbericht.definitions }).waitFor();
    expect(await officePage.root.getByRole('table').count()).toBeGreaterThanOrEqual(9);
    expect(await accessibilityViolations(page, { include: '[data-testid="office-area"]' })).toEqual([]);
    const printButton = officePage.root.getByRole('button', { name: reports.sachbericht.print });
    await page.emulateMedia({ media: 'print' });
    expect(await printButton.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    const download = page.waitForEvent('download');
    await officePage.root.getByRole('button', { name: reports.sachbericht.csv }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^sachbericht-.*\.csv$/);
  });
});
