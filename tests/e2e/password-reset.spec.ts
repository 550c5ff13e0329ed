// The forced password change after an admin's reset, in real Chromium against the real backend:
// the admin resets a colleague's password and sees the one-time password once; the colleague
// signs in with it, gets nothing but the form to set an own password (a weak one is refused with
// the rule it failed), and then the office area as usual. The one-time password no longer works.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage, office } from './pages/OfficePage';
import { DEMO_ACCOUNTS, DEMO_ORGANISATION_ID } from '@server/db/demo-seed';
import { createStaffAccount } from '@server/services/staff-accounts';

const SHOTS = process.env['SHOTS_DIR'];

/**
 * With SHOTS_DIR set: the screen in German, and switched right to left as for Arabic (the staff
 * languages are German and English, so the texts stay German), landscape and portrait.
 */
async function shoot(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined) return;
  for (const dir of ['ltr', 'rtl'] as const) {
    await page.evaluate((direction) => {
      document.documentElement.dir = direction;
      document.documentElement.lang = direction === 'rtl' ? 'ar' : 'de';
    }, dir);
    for (const [orientation, size] of [
      ['landscape', { width: 1280, height: 800 }],
      ['portrait', { width: 800, height: 1280 }],
    ] as const) {
      await page.setViewportSize(size);
      await page.screenshot({ path: `${SHOTS}/${name}-${dir === 'ltr' ? 'de' : 'ar-rtl'}-${orientation}.png`, fullPage: true });
    }
  }
  await page.evaluate(() => {
    document.documentElement.dir = 'ltr';
    document.documentElement.lang = 'de';
  });
}

function signIn(baseUrl: string, username: string, password: string): Promise<Response> {
  return fetch(new URL('/api/session', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

describe.skipIf(!chromiumPath)('forced password change after an admin reset, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('lets a colleague with a one-time password do nothing but set an own password, then work as usual', async () => {
    const username = 'koordination.zwei';
    const firstPassword = 'erstes-kennwort-der-koordination';
    await createStaffAccount(backend().db, {
      municipalityId: 'demo-stadt',
      organisationId: DEMO_ORGANISATION_ID,
      username,
      displayName: 'Koordination Zwei',
      password: firstPassword,
      roles: ['coordinator'],
    });
    const admin = DEMO_ACCOUNTS.find((account) => account.username === 'admin');
    if (!admin) throw new Error('demo seed changed: no admin');

    // The admin resets the password and reads the one-time password once.
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(admin.username, admin.password);
    await officePage.openSection('staff');
    const row = officePage.root.locator(`tr[data-username="${username}"]`);
    await row.getByRole('button', { name: office.staff.reset.buttonFor.replace('{{name}}', 'Koordination Zwei') }).click();
    await officePage.root.getByRole('button', { name: office.staff.reset.confirmButton, exact: true }).click();
    const notice = officePage.root.getByTestId('office-one-time-password');
    const oneTimePassword = (await notice.locator('code').textContent()) ?? '';
    expect(oneTimePassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    await shoot(page, 'reset-issued');
    await notice.getByRole('button', { name: office.staff.reset.done }).click();
    expect(await officePage.root.textContent()).not.toContain(oneTimePassword);
    expect((await signIn(backend().url, username, firstPassword)).status).toBe(401);
    await officePage.signOutButton().click();
    await officePage.signInHeading().waitFor();

    // The colleague signs in with it: only the form to set an own password.
    await officePage.submitSignIn(username, oneTimePassword);
    const form = officePage.root.getByTestId('office-password-change');
    await form.getByRole('heading', { name: office.password.forcedTitle }).waitFor();
    expect(await officePage.root.getByRole('navigation', { name: office.nav.label }).count()).toBe(0);
    expect(await officePage.root.getByRole('button', { name: office.password.open }).count()).toBe(0);
    // Not offered to the browser's password manager: the office area opens on shared tablets too (L7).
    expect(await form.getByLabel(office.password.oneTimePassword, { exact: true }).getAttribute('autocomplete')).toBe('off');
    expect(await form.getByLabel(office.password.new, { exact: true }).getAttribute('autocomplete')).toBe('off');

    // A weak password: the strength check (loaded on typing) and the server both refuse it.
    await form.getByLabel(office.password.oneTimePassword, { exact: true }).fill(oneTimePassword);
    await form.getByLabel(office.password.new, { exact: true }).fill('Passwort12345');
    await form.getByLabel(office.password.repeat, { exact: true }).fill('Passwort12345');
    await form.getByTestId('password-strength').getByText(office.fieldErrors.passwordWeak).waitFor();
    await form.getByRole('button', { name: office.password.submit }).click();
    await form.getByRole('alert').getByText(office.apiErrors.weakPassword).waitFor();
    await shoot(page, 'forced-change-weak');

    const newPassword = 'Leuchtturm hinter dem Rathaus 2027';
    await form.getByLabel(office.password.new, { exact: true }).fill(newPassword);
    await form.getByLabel(office.password.repeat, { exact: true }).fill(newPassword);
    await form.getByTestId('password-strength').getByText(office.password.strong).waitFor();
    await form.getByRole('button', { name: office.password.submit }).click();

    // Then the office area as for any coordinator.
    await officePage.root.getByText(office.password.changed).waitFor();
    await officePage.root.getByRole('heading', { level: 2, name: office.tablets.title }).waitFor();
    const [stored] = await backend().db.query<{ must_change_password: boolean }>(
      'SELECT must_change_password FROM staff_accounts WHERE username = $1',
      [username],
    );
    expect(stored?.must_change_password).toBe(false);
    expect((await signIn(backend().url, username, oneTimePassword)).status).toBe(401);
    const normal = await signIn(backend().url, username, newPassword);
    expect(normal.status).toBe(200);
    expect(((await normal.json()) as { mustChangePassword?: boolean }).mustChangePassword).toBeUndefined();
    await page.close();
  });

  it('holds a relaxed safeguard until a second admin confirms it in the settings', async () => {
    const admin = DEMO_ACCOUNTS.find((account) => account.username === 'admin');
    if (!admin) throw new Error('demo seed changed: no admin');
    const second = { username: 'verwaltung.zwei', password: 'zweite-verwaltung-im-rathaus' };
    await createStaffAccount(backend().db, {
      municipalityId: 'demo-stadt',
      organisationId: DEMO_ORGANISATION_ID,
      username: second.username,
      displayName: 'Verwaltung Zwei',
      password: second.password,
      roles: ['admin'],
    });
    const stored = async () =>
      (
        await backend().db.query<{ auto_lock_minutes: number }>(
          "SELECT auto_lock_minutes FROM municipality_settings WHERE municipality_id = 'demo-stadt'",
        )
      )[0]?.auto_lock_minutes ?? 5;

    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(admin.username, admin.password);
    await officePage.openSection('settings');
    await page.getByLabel(office.settings.autoLockMinutes).fill('30');
    await page.getByRole('button', { name: office.settings.submit }).click();
    await page.getByRole('status').filter({ hasText: office.settings.savedHeld }).waitFor();
    const panel = officePage.root.getByTestId('office-safeguard-change');
    await panel.getByRole('button', { name: office.safeguards.withdraw }).waitFor();
    expect(await panel.getByRole('button', { name: office.safeguards.confirm }).count()).toBe(0);
    expect(await stored()).toBe(5);
    await shoot(page, 'safeguard-waiting-proposer');
    await officePage.signOutButton().click();
    await officePage.signInHeading().waitFor();

    await officePage.signIn(second.username, second.password);
    await officePage.openSection('settings');
    await shoot(page, 'safeguard-waiting-second-admin');
    await panel.getByRole('button', { name: office.safeguards.confirm }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await stored()).toBe(30);
    await backend().db.query("UPDATE municipality_settings SET auto_lock_minutes = 5 WHERE municipality_id = 'demo-stadt'");
    await page.close();
  });
});
