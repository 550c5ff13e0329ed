// A new app version is offered with an "update" button and never reloads the
// page on its own; tapping it keeps the half-filled form (restored after reload).
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';

const PASSPHRASE = 'Foyer am Morgen 7';

describe.skipIf(!chromiumPath)('app update', () => {
  let staticDir: string;

  // A copy of dist/ to deploy a "new version" into. Registered before the
  // backend's hooks: copied before it starts, removed after it stops (afterAll
  // hooks run in reverse order).
  beforeAll(() => {
    staticDir = mkdtempSync(join(tmpdir(), 'lotse-dist-'));
    cpSync(join(import.meta.dirname, '../../dist'), staticDir, { recursive: true });
  });

  afterAll(() => {
    rmSync(staticDir, { recursive: true, force: true });
  });

  const { backend, browser } = setUpBackendAndTablet({ staticDir: () => staticDir });

  it('offers the new version, waits for the user, and keeps the half-filled form', async () => {
    const page = await browser().context.newPage();
    const app = new TabletApp(page);
    await app.start(backend(), PASSPHRASE, { offlineReady: true });

    await app.startHomeContact();
    await app.chooseSite(backend().demo.siteLabel);
    await app.chooseTopic('schoolEntry');
    await page.evaluate(() => {
      (window as unknown as { lotseTestMarker: number }).lotseTestMarker = 1;
    });

    // Deploy a new version: the service worker script changes byte-wise.
    appendFileSync(join(staticDir, 'sw.js'), '\n// next release\n');
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 20_000 });
    expect(await prompt.textContent()).toContain(de.common.update.available);

    // No reload on its own: the marker and the form's state are still there.
    await page.waitForTimeout(1_500);
    expect(await page.evaluate(() => (window as unknown as { lotseTestMarker?: number }).lotseTestMarker)).toBe(1);
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.schoolEntry }).isChecked()).toBe(true);

    await prompt.getByRole('button', { name: de.common.update.apply }).click();
    await page.waitForFunction(() => (window as unknown as { lotseTestMarker?: number }).lotseTestMarker === undefined, undefined, {
      timeout: 20_000,
    });

    // After the reload (the tablet is locked again) the form reopens with what was entered.
    await app.unlock(PASSPHRASE);
    await page.getByText(de.homeContact.draftRestored).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('checkbox', { name: de.homeContact.topics.schoolEntry }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: backend().demo.siteLabel }).isChecked()).toBe(true);
    await page.close();
  });
});
