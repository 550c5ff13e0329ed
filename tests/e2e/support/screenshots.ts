// Screenshots of a screen as a tablet user sees it: left to right (German) and mirrored right to
// left (Arabic page direction), landscape and portrait, into SHOTS_DIR for a look by eye.
import type { Locator, Page } from 'playwright-core';

const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results';
const LANDSCAPE = { width: 1024, height: 768 };
const PORTRAIT = { width: 768, height: 1024 };

/** Four shots `<name>-{de,ar-rtl}-{landscape,portrait}.png`; `subject` is scrolled into view in each. Ends in landscape, left to right. */
export async function shootBothDirections(page: Page, name: string, subject?: Locator): Promise<void> {
  for (const dir of ['ltr', 'rtl'] as const) {
    await page.evaluate((direction) => {
      document.documentElement.dir = direction;
      document.documentElement.lang = direction === 'rtl' ? 'ar' : 'de';
    }, dir);
    for (const [orientation, size] of [
      ['landscape', LANDSCAPE],
      ['portrait', PORTRAIT],
    ] as const) {
      await page.setViewportSize(size);
      if (subject) await subject.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/${name}-${dir === 'ltr' ? 'de' : 'ar-rtl'}-${orientation}.png` });
    }
  }
  await page.evaluate(() => {
    document.documentElement.dir = 'ltr';
    document.documentElement.lang = 'de';
  });
  await page.setViewportSize(LANDSCAPE);
}
