// Family mode in real Chromium: once staff hand the tablet over, the family
// sees its own language (Arabic: the whole document right to left) and nothing
// of the staff view — no header, lock, person switch, sync bar, score or
// "Dringend" — and the back button does not lead out of it. Only the staff
// member's unlock passphrase takes the tablet back (a wrong one is refused and
// counted like a failed unlock); an auto-lock ends family mode, and the unlock
// after it is staff's. In staff mode the screening's evaluation never covers
// the focused question, in landscape and portrait (WCAG 2.4.11).
import { mkdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { accessibilityViolations } from './support/axe';
import { TabletApp } from './pages/TabletApp';
import { ar, de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import familyAr from '../../locales/ar/family.json';

const PASSPHRASE = 'Tablet für die Familie 5';
const SERIOUS = ['serious', 'critical'] as const;
const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results/family-mode';
const LANDSCAPE = { width: 1024, height: 768 };
const PORTRAIT = { width: 768, height: 1024 };

/** Staff texts that must not be on screen while the family holds the tablet. */
const STAFF_TEXTS = [
  de.common.app.tagline,
  de.common.access.lock,
  de.common.access.switchPerson,
  de.common.access.signOut,
  de.common.settings.staffLanguage,
  de.common.network.online,
  de.common.network.offline,
  de.common.sync.mode.idle,
  screening.supportNeed.urgent,
  screening.evaluation.title,
  de.common.consent.agreedTitle,
];

/** What the person holding the tablet can see: visible text and visible buttons, with the document's language. */
async function onScreen(page: Page): Promise<{ lang: string; dir: string; text: string; buttons: string[]; staffBits: number }> {
  return page.evaluate(() => {
    const visible = (element: Element): boolean => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
    };
    return {
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      text: document.body.innerText,
      buttons: [...document.querySelectorAll('button')].filter(visible).map((b) => b.innerText.trim()),
      staffBits: [
        ...document.querySelectorAll('.app-header, .sync-bar, [data-testid="sync-status"], [data-testid="screening-score"]'),
      ].filter(visible).length,
    };
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(LANDSCAPE);
  await page.screenshot({ path: `${SHOTS}/${name}-landscape.png`, fullPage: true });
  await page.setViewportSize(PORTRAIT);
  await page.screenshot({ path: `${SHOTS}/${name}-portrait.png`, fullPage: true });
  await page.setViewportSize(LANDSCAPE);
}

/** What the screen shows around `selector` (not the whole page): landscape and portrait. */
async function shootAround(page: Page, selector: string, name: string): Promise<void> {
  for (const [viewport, label] of [
    [LANDSCAPE, 'landscape'],
    [PORTRAIT, 'portrait'],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.locator(selector).evaluate((element) => {
      element.scrollIntoView({ block: 'center' });
    });
    await page.screenshot({ path: `${SHOTS}/${name}-${label}.png` });
  }
  await page.setViewportSize(LANDSCAPE);
}

async function failedUnlocks(app: TabletApp): Promise<number> {
  const slots = (await app.rawIndexedDb())['keySlots'] as { failedAttempts: number }[];
  return slots[0]?.failedAttempts ?? -1;
}

describe.skipIf(!chromiumPath)('family mode', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    app = new TabletApp(await browser().context.newPage());
    await app.page.setViewportSize(LANDSCAPE);
    await app.start(backend(), PASSPHRASE);
  });

  it('shows the family only its own language, right to left for Arabic, and no staff control, status or score', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: 'العربية' }).check();
    expect(await page.getByText(de.common.consent.handOverHint).isVisible()).toBe(true);
    await shoot(page, 'staff-consent-setup-de');
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByTestId('family-consent').waitFor();

    const held = await onScreen(page);
    expect({ lang: held.lang, dir: held.dir }).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(held.staffBits).toBe(0);
    for (const text of STAFF_TEXTS) expect(held.text, text).not.toContain(text);
    // Every visible button speaks Arabic: the consent's answers and "done – give the tablet back".
    expect(held.buttons.sort()).toEqual([ar.consent.agree, ar.consent.refuse, familyAr.mode.giveBack].sort());
    // No German word anywhere (case numbers and "QR" aside, nothing in Latin letters is lower case).
    expect(held.text.match(/[A-Za-zÄÖÜäöüß]*[a-zäöüß][A-Za-zÄÖÜäöüß]*/g) ?? []).toEqual([]);
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await shoot(page, 'family-consent-ar');

    // The back button stays on the family's screen.
    await page.goBack();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('family-consent').isVisible()).toBe(true);
    expect((await onScreen(page)).staffBits).toBe(0);
  });

  it('takes the tablet back only with the passphrase: a wrong one is refused, kept in family mode and counted', async () => {
    const { page } = app;
    await page.getByRole('checkbox', { name: ar.consent.scopes.documentation }).check();
    await page.getByRole('button', { name: ar.consent.agree }).click();
    const thanks = page.getByTestId('family-thanks');
    await thanks.waitFor();
    expect(await thanks.innerText()).toContain(familyAr.mode.agreed);
    expect(await page.getByTestId('family-card').getAttribute('dir')).toBe('rtl');
    // The card's print button and hints are staff's: not shown to the family.
    const held = await onScreen(page);
    expect(held.staffBits).toBe(0);
    expect(held.buttons).toEqual([familyAr.mode.giveBack]);
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await shoot(page, 'family-thanks-ar');

    await page.getByTestId('family-mode-bar').getByRole('button', { name: familyAr.mode.giveBack }).click();
    const dialog = page.getByTestId('return-to-staff');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(familyAr.mode.handBack);
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await shoot(page, 'family-return-dialog');
    await dialog.getByLabel(de.common.access.passphrase, { exact: true }).fill('nicht das Kennwort');
    await dialog.getByRole('button', { name: de.common.familyMode.confirm }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').innerText()).toContain(de.common.access.wrongPassphrase_other.split('{{count}}')[0]);
    expect(await failedUnlocks(app)).toBe(1);
    // Still the family's: the dialog closed by "not done yet" leaves the family screen as it was.
    await dialog.getByRole('button', { name: familyAr.mode.notDone }).click();
    const stillHeld = await onScreen(page);
    expect(stillHeld.staffBits).toBe(0);
    expect(stillHeld.lang).toBe('ar');
    expect(await page.getByTestId('family-thanks').isVisible()).toBe(true);

    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    const staff = await onScreen(page);
    expect({ lang: staff.lang, dir: staff.dir }).toEqual({ lang: 'de', dir: 'ltr' });
    expect(staff.buttons).toContain(de.common.access.lock);
    expect(await page.getByTestId('sync-status').isVisible()).toBe(true);
    expect(await failedUnlocks(app)).toBe(0); // the right passphrase resets the count, as an unlock does
    await shoot(page, 'staff-consent-outcome-de');
    await page.getByRole('button', { name: de.common.consent.done }).click();
  });

  it('ends family mode with the auto-lock: the lock screen shows no family view, and the unlock returns to staff', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: 'فارسی' }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByTestId('family-consent').waitFor();
    expect((await onScreen(page)).dir).toBe('rtl');

    // The tablet lies untouched past the auto-lock limit (5 minutes): the clock moves on, the page is looked at again.
    await page.evaluate(() => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() + 6 * 60_000;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.getByRole('heading', { name: de.common.access.lockedTitle }).waitFor();
    const locked = await onScreen(page);
    expect({ lang: locked.lang, dir: locked.dir }).toEqual({ lang: 'de', dir: 'ltr' });
    expect(await page.getByTestId('family-mode-bar').count()).toBe(0);
    expect(await page.getByTestId('family-consent').count()).toBe(0);

    await page.reload(); // a fresh clock; the tablet stays locked
    await app.unlock(PASSPHRASE);
    await page.getByRole('button', { name: de.common.consent.start }).waitFor();
    expect(await page.getByTestId('family-mode-bar').count()).toBe(0);
    expect((await onScreen(page)).lang).toBe('de');
  });

  it('never covers the focused screening question with the evaluation or the status bar, in landscape and portrait', async () => {
    const { page } = app;
    const caseNumber = await app.consentForScreening();
    await app.openScreening(caseNumber);
    await page.locator('[data-question] input').first().waitFor();
    // The evaluation: one summary line, closed at first on a portrait screen, open in landscape.
    expect(await page.locator('.screening__evaluation-details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await app.answer('careAtHome', 'secured');

    for (const viewport of [LANDSCAPE, PORTRAIT]) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => {
        window.scrollTo(0, 0);
      });
      await page.locator('[data-question] input').first().focus();
      const covered: string[] = [];
      let checked = 0;
      for (let stop = 0; stop < 80; stop++) {
        const result = await page.evaluate(() => {
          const focused = document.activeElement;
          if (!(focused instanceof HTMLElement) || focused.closest('[data-question]') === null) return null;
          const box = focused.getBoundingClientRect();
          const overlaps = (other: Element | null): boolean => {
            if (other === null) return false;
            const o = other.getBoundingClientRect();
            return box.left < o.right && box.right > o.left && box.top < o.bottom && box.bottom > o.top;
          };
          const problems: string[] = [];
          if (overlaps(document.querySelector('.screening__evaluation'))) problems.push('evaluation');
          if (overlaps(document.querySelector('.sync-bar'))) problems.push('sync bar');
          if (box.bottom > window.innerHeight || box.top < 0) problems.push('outside the screen');
          return { name: focused.closest('[data-question]')?.getAttribute('data-question') ?? '', problems };
        });
        if (result !== null) {
          checked++;
          if (result.problems.length > 0) covered.push(`${result.name}: ${result.problems.join(', ')}`);
        }
        await page.keyboard.press('Tab');
      }
      expect(checked, `${String(viewport.width)}×${String(viewport.height)}`).toBeGreaterThan(20);
      expect(covered, `${String(viewport.width)}×${String(viewport.height)}`).toEqual([]);
    }

    await shootAround(page, '.screening__evaluation', 'staff-screening-evaluation-de');
    await page.locator('[data-question="languages"] input').first().focus();
    await page.screenshot({ path: `${SHOTS}/staff-screening-focus-de-landscape.png` });
    await page.goBack();
    await page.getByTestId('leave-form-dialog').getByRole('button', { name: de.common.leaveForm.discard }).click();
    await page.getByRole('button', { name: de.common.consent.start }).waitFor();
  });

  it('starts the evaluation closed on a portrait screen', async () => {
    const { page } = app;
    await page.setViewportSize(PORTRAIT);
    const caseNumber = await app.consentForScreening();
    await app.openScreening(caseNumber);
    const details = page.locator('.screening__evaluation-details');
    await details.waitFor();
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    // Closed, it still says the points and the level in one line.
    expect(await page.getByTestId('screening-score').isVisible()).toBe(true);
    expect(await page.getByTestId('screening-support-need').isVisible()).toBe(true);
    await details.evaluate((element) => {
      element.scrollIntoView({ block: 'center' });
    });
    await page.screenshot({ path: `${SHOTS}/staff-screening-closed-de-portrait.png` });
    await page.setViewportSize(LANDSCAPE);
  });
});
