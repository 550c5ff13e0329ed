// The report as a coordinator puts it in front of a funder, in real Chromium:
// at 1024×768 no column is cut off (every cell lies inside its table's box or
// is reached by scrolling that box, which then says it scrolls), every hidden
// entry shows the one mark "*" with the explanation box beside it, and the
// printed Sachbericht has no navigation or buttons and fits A4 portrait.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage, office } from './pages/OfficePage';
import reports from '../../locales/de/reports.json';
import { SUPPRESSED_MARK } from '@domain/suppressed-notation';

const SHOTS = process.env['SHOTS_DIR'];
const YEAR = '2025';

/** Geometry of every report table: cells out of reach, header cells whose text does not fit, unannounced scrolling. */
async function clippedCells(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const viewport = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > viewport + 1)
      problems.push(`page scrolls sideways: ${String(document.documentElement.scrollWidth)}`);
    for (const wrapper of document.querySelectorAll<HTMLElement>('.report-table')) {
      const box = wrapper.querySelector<HTMLElement>('.report-table__scroll');
      const caption = wrapper.querySelector('caption')?.textContent ?? '?';
      if (!box) {
        problems.push(`${caption}: no scroll box`);
        continue;
      }
      box.scrollIntoView({ block: 'nearest' });
      const boxRect = box.getBoundingClientRect();
      if (boxRect.left < -1 || boxRect.right > viewport + 1) problems.push(`${caption}: box outside the viewport`);
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      const hint = wrapper.querySelector<HTMLElement>('.report-table__scroll-hint');
      if (scrolls && (!hint || hint.hidden || hint.offsetHeight === 0)) problems.push(`${caption}: scrolls without saying so`);
      if (scrolls && getComputedStyle(box).overflowX !== 'auto' && getComputedStyle(box).overflowX !== 'scroll') {
        problems.push(`${caption}: wider than its box and not scrollable`);
      }
      // Every cell, scrolled to if need be, lies inside the box; a header cell's text fits the cell.
      for (const cell of box.querySelectorAll<HTMLElement>('th, td')) {
        box.scrollLeft = 0;
        let rect = cell.getBoundingClientRect();
        if (rect.right > boxRect.right + 1 || rect.left < boxRect.left - 1) {
          cell.scrollIntoView({ block: 'nearest', inline: 'nearest' });
          rect = cell.getBoundingClientRect();
        }
        const inside = rect.left >= boxRect.left - 1 && rect.right <= boxRect.right + 1;
        if (!inside) problems.push(`${caption}: cell "${cell.textContent}" out of reach`);
        if (cell.tagName === 'TH' && cell.scrollWidth > cell.clientWidth + 1) problems.push(`${caption}: header "${cell.textContent}" cut`);
      }
      box.scrollLeft = 0;
    }
    return problems;
  });
}

/** Texts of every entry that shows no number: cells, measures, chart labels. */
async function hiddenEntries(page: Page): Promise<{ marked: string[]; otherNotations: string[] }> {
  return page.evaluate(() => {
    const marked = [...document.querySelectorAll('[data-suppressed="true"]')].map((e) => e.textContent.trim());
    const texts = [...document.querySelectorAll('.report-table td, .report-measures dd, .report-chart__value')].map((e) =>
      e.textContent.trim(),
    );
    const otherNotations = texts.filter((text) => text === '<5' || text === 'x' || /nicht ausweisbar/i.test(text));
    return { marked, otherNotations };
  });
}

/** Screenshots at the tablet's three sizes (for people to look at; SHOTS_DIR only). */
async function shoot(page: Page, target: Locator, name: string): Promise<void> {
  const dir = SHOTS ?? '';
  mkdirSync(dir, { recursive: true });
  for (const [size, viewport] of [
    ['1024x768', { width: 1024, height: 768 }],
    ['landscape', { width: 1280, height: 800 }],
    ['portrait', { width: 800, height: 1280 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await target.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${dir}/${name}-${size}.png` });
  }
  await page.setViewportSize({ width: 1024, height: 768 });
}

describe.skipIf(!chromiumPath)('coordinator reports fit a tablet and A4', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('shows a year at 1024×768 with no clipped column, one mark for hidden entries with its explanation, and prints on A4 without chrome', async () => {
    // A year of HOME contacts (3 sites, every month), screenings in two districts and mediations, some cells small.
    const insert = (kind: string, content: object, day: string, count: number, caseNumbers: boolean) =>
      backend().db.query(
        `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number, device_id, author_id,
                              device_created_at, content_hash, content)
         SELECT $1, gen_random_uuid(), 1, $2, 1, '2026.1', CASE WHEN $5 THEN 'LAYOUT-' || gen_random_uuid() ELSE NULL END,
                gen_random_uuid(), (SELECT id FROM staff_accounts WHERE username = 'coordinator'),
                ($3::date + time '10:00') AT TIME ZONE 'Europe/Berlin', repeat('a', 64), $4::jsonb
           FROM generate_series(1, $6) AS g`,
        [backend().demo.municipalityId, kind, day, JSON.stringify(content), caseNumbers, count],
      );
    for (let month = 1; month <= 12; month += 1) {
      const day = `${YEAR}-${String(month).padStart(2, '0')}-10`;
      const home = {
        contactDate: day,
        timeSlot: 'dropOff',
        contactKind: 'shortTalk',
        topics: ['health'],
        language: 'de',
        mediatorPresent: false,
      };
      await insert('homeContact', { ...home, site: 'kita-sonnenblume' }, day, 10 + month, false);
      await insert(
        'homeContact',
        { ...home, site: 'familienzentrum-nord', contactKind: 'counselling' },
        day,
        month % 3 === 0 ? 2 : 6,
        false,
      );
      await insert('homeContact', { ...home, site: 'grundschule-am-park' }, day, month % 4 === 0 ? 1 : 7, false);
      const screening = { supportNeed: 'offerRecommended', score: 3, answers: {}, acuteDanger: [], suggestedOffers: [] };
      await insert('screening', { ...screening, district: 'nord' }, day, 6, true);
      await insert('screening', { ...screening, supportNeed: 'urgent', district: 'sued' }, day, month % 2 === 0 ? 2 : 0, true);
      await insert('mediation', { date: day, languages: ['ar'], district: 'nord' }, day, month % 2 === 0 ? 3 : 8, false);
    }

    const page = await browser().context.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(backend().demo.coordinator.username, backend().demo.coordinator.password);
    await officePage.root
      .getByRole('navigation', { name: office.nav.label })
      .getByRole('button', { name: office.nav.reports, exact: true })
      .click();
    await officePage.root.getByRole('heading', { level: 2, name: reports.title }).waitFor();
    // Only whole periods can be picked: the calendar year.
    await officePage.root.getByLabel(reports.form.level, { exact: true }).selectOption('year');
    await officePage.root.getByLabel(reports.form.period, { exact: true }).selectOption(YEAR);
    await officePage.root.getByRole('button', { name: reports.form.show }).click();
    const homeSection = officePage.root.locator('[data-indicator="homeSite"]');
    await homeSection.waitFor();

    // Month headers are short and localised, and twelve months plus the total are wider than the tablet: the table scrolls and says so.
    const byMonth = homeSection.getByRole('table', { name: /HOME-Kontakte nach Standort je Monat/ }).first();
    expect(await byMonth.locator('thead th').allTextContents()).toEqual([
      reports.category,
      'Jan. 2025',
      'Feb. 2025',
      'März 2025',
      'Apr. 2025',
      'Mai 2025',
      'Juni 2025',
      'Juli 2025',
      'Aug. 2025',
      'Sept. 2025',
      'Okt. 2025',
      'Nov. 2025',
      'Dez. 2025',
      reports.total,
    ]);
    const monthBox = homeSection.getByRole('region', { name: /HOME-Kontakte nach Standort je Monat/ }).first();
    expect(await monthBox.evaluate((box) => box.scrollWidth > box.clientWidth)).toBe(true);
    await monthBox.locator('xpath=..').getByText(reports.table.scrollHint).waitFor();
    // The row labels stay in view while the months scroll.
    const rowLabel = byMonth.getByRole('rowheader', { name: 'Kita Sonnenblume' });
    const before = await rowLabel.boundingBox();
    await monthBox.evaluate((box) => {
      box.scrollLeft = box.scrollWidth;
    });
    expect((await rowLabel.boundingBox())?.x).toBeCloseTo(before?.x ?? -1, 0);
    await monthBox.evaluate((box) => {
      box.scrollLeft = 0;
    });

    expect(await clippedCells(page)).toEqual([]);

    // One notation: every hidden entry shows "*", nothing shows "<5", "x" or "nicht ausweisbar"; the box explains it.
    const hidden = await hiddenEntries(page);
    expect(hidden.marked.length).toBeGreaterThan(0);
    expect(new Set(hidden.marked)).toEqual(new Set([SUPPRESSED_MARK]));
    expect(hidden.otherNotations).toEqual([]);
    const notice = officePage.root.getByRole('complementary', { name: /Warum manche Felder „\*“ zeigen/ });
    expect(await notice.textContent()).toMatch(
      /Wiedererkennung.*1 bis 4.*anderen Zeitraum.*sekundäre Geheimhaltung.*ganze Monate, Quartale, Halbjahre und Jahre.*Jede angegebene Summe enthält auch die verdeckten Felder/s,
    );
    // Familienzentrum Nord had 2 contacts in March: its cell shows the mark, not the number.
    const nordRow = byMonth.getByRole('row', { name: /Familienzentrum Nord/ });
    expect(await nordRow.getByRole('cell').nth(2).textContent()).toBe(SUPPRESSED_MARK);
    // The Arabic language name reads right to left inside the German page.
    await officePage.root.locator('[data-indicator="mediationLanguage"]').getByRole('rowheader', { name: 'العربية' }).first().waitFor();

    // Chart text is at least 12 px on screen, and no month label runs out of its chart.
    const chartText = await page.evaluate(() => {
      const sizes: number[] = [];
      const outside: string[] = [];
      for (const svg of document.querySelectorAll('svg.report-chart')) {
        const frame = svg.getBoundingClientRect();
        for (const text of svg.querySelectorAll('text')) {
          const rect = text.getBoundingClientRect();
          sizes.push(rect.height);
          if (rect.left < frame.left - 1 || rect.right > frame.right + 1) outside.push(text.textContent);
        }
      }
      return { smallest: Math.min(...sizes), outside };
    });
    expect(chartText.smallest).toBeGreaterThanOrEqual(12);
    expect(chartText.outside).toEqual([]);
    // Right to left (as the app sets the page for Arabic): the same tables are reachable, the row labels stay at the start.
    await page.evaluate(() => {
      document.documentElement.dir = 'rtl';
    });
    expect(await clippedCells(page)).toEqual([]);
    if (SHOTS) await shoot(page, homeSection, 'report-rtl');
    if (SHOTS) await shoot(page, officePage.root.locator('.report-form'), 'report-form-rtl');
    await page.evaluate(() => {
      document.documentElement.dir = 'ltr';
    });
    if (SHOTS) await shoot(page, homeSection, 'report-de');
    if (SHOTS) await shoot(page, officePage.root.locator('.report-form'), 'report-form-de');

    // The Sachbericht: a title block, the explanation, charts; wide tables come in parts that fit A4.
    await officePage.root.getByRole('button', { name: reports.sachbericht.open }).click();
    const sachbericht = officePage.root.getByRole('article', { name: /Sachbericht Demo-Stadt/ });
    await sachbericht.waitFor();
    expect(await sachbericht.locator('.sachbericht__title-block').textContent()).toMatch(
      /Zeitraum: 01\.01\.2025 bis 31\.12\.2025.*Sozialraum: Alle Sozialräume.*Erstellt: /s,
    );
    await sachbericht.getByTestId('suppression-notice').waitFor();
    expect(await sachbericht.locator('svg.report-chart').count()).toBeGreaterThanOrEqual(18);
    await sachbericht.getByRole('table', { name: /HOME-Kontakte nach Standort je Monat \(Teil 1 von 2\)/ }).waitFor();
    await sachbericht.getByRole('table', { name: /HOME-Kontakte nach Standort je Monat \(Teil 2 von 2\)/ }).waitFor();
    const printHidden = await hiddenEntries(page);
    expect(new Set(printHidden.marked)).toEqual(new Set([SUPPRESSED_MARK]));
    expect(printHidden.otherNotations).toEqual([]);
    const printButton = sachbericht.getByRole('button', { name: reports.sachbericht.print });
    await printButton.waitFor();
    if (SHOTS) await shoot(page, sachbericht.locator('.sachbericht__title-block'), 'sachbericht-screen-de');

    await page.emulateMedia({ media: 'print' });
    // A4 portrait less 15 mm margins either side: 180 mm at 96 px per inch.
    const a4Content = (180 / 25.4) * 96;
    await page.setViewportSize({ width: Math.round(a4Content), height: 1000 });
    const printed = await page.evaluate(() => {
      const visible = (e: Element): boolean => {
        const rect = e.getBoundingClientRect();
        return rect.width > 0 && rect.height > 0 && getComputedStyle(e).visibility !== 'hidden';
      };
      return {
        buttons: [...document.querySelectorAll('button, select, input, nav')].filter(visible).map((e) => e.outerHTML.slice(0, 80)),
        pageWidth: document.documentElement.scrollWidth,
        widestTable: Math.max(...[...document.querySelectorAll('.sachbericht table')].map((t) => t.getBoundingClientRect().width)),
        hiddenTableCells: [...document.querySelectorAll('.sachbericht td, .sachbericht th')].filter((c) => !visible(c)).length,
        tables: document.querySelectorAll('.sachbericht table').length,
      };
    });
    expect(printed.buttons).toEqual([]);
    expect(printed.tables).toBeGreaterThanOrEqual(18);
    expect(printed.hiddenTableCells).toBe(0);
    expect(printed.widestTable).toBeLessThanOrEqual(a4Content + 1);
    expect(printed.pageWidth).toBeLessThanOrEqual(Math.round(a4Content) + 1);
    // The page style (a constructed sheet: the CSP refuses inline styles) sets A4, numbers the pages and repeats the title.
    const pageRules = await page.evaluate(() =>
      document.adoptedStyleSheets
        .flatMap((sheet) => [...sheet.cssRules])
        .filter((rule) => rule instanceof CSSPageRule)
        .map((rule) => rule.cssText),
    );
    expect(pageRules.join('\n')).toMatch(
      /size: a4[\s\S]*Sachbericht Demo-Stadt · Zeitraum: 01\.01\.2025[\s\S]*"Seite " counter\(page\) " von " counter\(pages\)/,
    );

    if (SHOTS) {
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${SHOTS}/sachbericht-de.pdf`, pdf);
      await page.screenshot({ path: `${SHOTS}/sachbericht-de-print.png`, fullPage: true });
      await page.evaluate(() => {
        document.documentElement.dir = 'rtl';
      });
      writeFileSync(`${SHOTS}/sachbericht-rtl.pdf`, await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
      await page.evaluate(() => {
        document.documentElement.dir = 'ltr';
      });
    }
    await page.emulateMedia({ media: 'screen' });
  });
});
