// The foyer morning, measured the way the tablet walkthrough measured it
// (landscape 1024×768): a HOME partner logs three contacts in a row at one
// site. Every tap is counted, and a tap on something outside the screen counts
// a scroll as well. The site chosen for the first contact is remembered for the
// day, and saving confirms and opens the next contact at once — so the second
// and third contact need only the topic and "save", without scrolling.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Foyer am Morgen 7';

/** Taps and scrolls of one contact, and the machine time from its first tap until it is stored. */
interface Pace {
  taps: number;
  scrolls: number;
  ms: number;
}

class TapCounter {
  taps = 0;
  scrolls = 0;
  constructor(private readonly page: Page) {}

  /** A tap; first a scroll if the target is off screen or covered (by the sticky bars) where it is. */
  async tap(target: Locator): Promise<void> {
    await target.waitFor();
    const reachable = await target.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      if (y < 0 || y > window.innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      const control = element.closest('label') ?? element;
      return hit !== null && (control.contains(hit) || hit.contains(control));
    });
    if (!reachable) this.scrolls++;
    await target.click();
    this.taps++;
  }
}

describe.skipIf(!chromiumPath)('HOME contacts in the foyer, one after the other', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('needs topic and save only, after the first contact of the day at a site', async () => {
    const page = await browser().context.newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });
    // As in the walkthrough's first start: the one-time "usable offline" banner is acknowledged first.
    const banner = page.getByRole('button', { name: de.common.update.dismiss });
    if (await banner.isVisible()) await banner.click();
    const site = page.getByRole('radio', { name: backend().demo.siteLabel });
    const topics = ['health', 'money', 'housing'] as const;
    const paces: Pace[] = [];

    for (const topic of topics) {
      const counter = new TapCounter(page);
      const stored = async () => (await app.rawIndexedDb()).records?.length ?? 0;
      const before = await stored();
      const start = Date.now();
      const newContact = page.getByRole('button', { name: de.homeContact.new });
      // The form may already be open for the next contact; otherwise it is opened from the overview.
      if ((await page.getByRole('heading', { name: de.homeContact.title }).count()) === 0) await counter.tap(newContact);
      await page.getByRole('heading', { name: de.homeContact.title }).waitFor();
      await site.waitFor();
      if (!(await site.isChecked())) await counter.tap(site);
      await counter.tap(page.getByRole('checkbox', { name: de.homeContact.topics[topic] }));
      await counter.tap(page.getByRole('button', { name: de.homeContact.save }));
      await page.getByRole('status').filter({ hasText: de.homeContact.saved.title }).waitFor();
      await expect.poll(stored).toBe(before + 1);
      paces.push({ taps: counter.taps, scrolls: counter.scrolls, ms: Date.now() - start });
    }
    console.info(`[pace] HOME contacts (taps, scrolls, machine ms): ${JSON.stringify(paces)}`);

    // First of the day: new, site, topic, save. Then the site is remembered and the form is open.
    expect(paces.map((pace) => pace.taps)).toEqual([4, 2, 2]);
    expect(paces.map((pace) => pace.scrolls)).toEqual([0, 0, 0]);
    // The overview lists all three as HOME contacts — also once they are sent and their content left the tablet.
    await page.getByRole('button', { name: de.homeContact.saved.toOverview }).click();
    const items = app.recordItems();
    await expect.poll(() => items.count()).toBe(3);
    // Sending and dropping the sent content take their moment: wait until all three are stubs.
    await expect
      .poll(async () => (await items.allTextContents()).filter((text) => text.includes(de.records.kinds.homeContact)).length, {
        timeout: 30_000,
      })
      .toBe(3);

    // The remembered site is an id and a date in the clear meta table: no record content beside it.
    const meta = (await app.rawIndexedDb()).meta as { key: string; value: unknown }[];
    const remembered = meta.filter((entry) => entry.key.startsWith('homeSiteOfDay:'));
    expect(remembered).toHaveLength(1);
    expect(Object.keys(remembered[0]?.value as object).sort()).toEqual(['date', 'siteId']);
    await page.close();
  });
});
