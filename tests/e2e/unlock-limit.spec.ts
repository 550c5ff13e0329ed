// The offline unlock limit in real Chromium against someone who edits the
// tablet's IndexedDB (finding M6, THREAT-MODEL.md "Offline unlock"): two wrong
// passphrases, failedAttempts written back to 0 from the page, reload — the
// attempts do not come back; the slot is treated as edited and removed, and the
// person gets in again only by signing in online. The new passphrase must meet
// the raised rule, and no secret field invites the browser to store it.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { de } from './pages/texts';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';

const PASSPHRASE = 'Station drei Fenster';
const NEW_PASSPHRASE = 'Fenster Kiesel Abendrot';
const person = DEMO_ACCOUNTS.find((a) => a.username === 'home.partner');
if (!person) throw new Error('demo seed changed: no home.partner');

describe.skipIf(!chromiumPath)('offline unlock limit', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE);
  });

  it('does not give fresh attempts when the count is reset in IndexedDB: the slot is treated as edited', async () => {
    const { page } = app;
    await app.lock();
    expect(await page.locator('input[type="password"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('autocomplete')))).toEqual(
      ['off'],
    );

    await app.unlock('ganz falsch geraten');
    await page.getByRole('alert').filter({ hasText: '9' }).waitFor();
    await app.unlock('wieder falsch geraten');
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: '8' }).waitFor();
    expect(await alert.innerText()).toBe(de.common.access.wrongPassphrase_other.replace('{{count}}', '8'));

    await app.editKeySlotsRaw({ failedAttempts: 0 });
    await page.reload();
    const tampered = page.getByTestId('slot-tampered');
    await tampered.waitFor();
    expect(await tampered.innerText()).toBe(de.common.access.slotTampered.replace('{{names}}', person.displayName));
    const text = await page.locator('body').innerText();
    expect(text).not.toContain(de.common.access.wrongPassphrase_other.replace('{{count}}', '9'));
    expect(await page.getByLabel(de.common.access.passphrase, { exact: true }).count()).toBe(0);
    expect((await app.rawIndexedDb()).keySlots).toEqual([]);
  });

  it('lets the person back in only online, with a passphrase that meets the raised rule', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.access.firstSignInLink }).click();
    await page.getByLabel(de.common.auth.username).fill(person.username);
    await page.getByLabel(de.common.auth.password).fill(person.password);
    await page.getByRole('button', { name: de.common.auth.submit }).click();
    const fields = page.getByLabel(de.common.access.newPassphrase).or(page.getByLabel(de.common.access.repeatPassphrase));
    await fields.first().waitFor();
    expect(await page.locator('input[type="password"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('autocomplete')))).toEqual(
      ['off', 'off'],
    );

    for (const [weak, problem] of [
      ['123456', de.common.access.passphraseProblem.tooShort.replace('{{min}}', '12')],
      ['Sonnenblume12', de.common.access.passphraseProblem.weak],
    ] as const) {
      await page.getByLabel(de.common.access.newPassphrase).fill(weak);
      await page.getByLabel(de.common.access.repeatPassphrase).fill(weak);
      await page.getByRole('button', { name: de.common.access.setPassphrase }).click();
      await page.getByRole('alert').filter({ hasText: problem }).waitFor({ timeout: 20_000 });
    }
    await page.getByLabel(de.common.access.newPassphrase).fill(NEW_PASSPHRASE);
    await page.getByLabel(de.common.access.repeatPassphrase).fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: de.common.access.setPassphrase }).click();
    await page.getByRole('button', { name: de.homeContact.new }).waitFor({ timeout: 20_000 });
  });
});
