// Passkeys in real Chromium against the real backend, with Chromium's virtual authenticator
// (DevTools protocol, WebAuthn domain): the demo admin sets up a passkey instead of an app at the
// first sign-in, signs out, and signs in with password + passkey; the passkey is listed on the
// own passkeys screen. The backend is reached as http://localhost (a secure context, and a
// host name as the relying party — an IP address cannot be one).
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { launchChromium } from './support/chromium';
import { OfficePage, office } from './pages/OfficePage';

const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results';
const admin = DEMO_ACCOUNTS.find((a) => a.username === 'admin') ?? DEMO_ACCOUNTS[3];

describe.skipIf(!chromiumPath)('passkeys in the office sign-in, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet({ passkeys: true });

  it('sets up the admin’s passkey at the first sign-in, then signs in with password and passkey', async () => {
    const page = await browser().context.newPage();
    const cdp = await browser().context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.submitSignIn(admin.username, admin.password);

    // Right after the password: the set-up, with the passkey offered first; nothing of the office yet.
    await officePage.enrolmentHeading().waitFor();
    expect(await officePage.signOutButton().count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/passkey-enrol-de.png`, fullPage: true });
    await officePage.root.getByRole('button', { name: office.secondFactor.passkey.create, exact: true }).click();
    await officePage.recoveryHeading().waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    const rows = await backend().db.query<{ credential_id: string; sign_count: string }>(
      'SELECT credential_id, sign_count FROM passkey_credentials',
    );
    expect(rows.map((r) => r.credential_id)).toEqual([Buffer.from(credentials[0]?.credentialId ?? '', 'base64').toString('base64url')]);
    await officePage.root.getByRole('button', { name: office.secondFactor.recovery.done, exact: true }).click();
    await officePage.signOutButton().click();
    await officePage.signInHeading().waitFor();

    // Next sign-in: the code step offers the passkey; the password alone opens nothing.
    await officePage.submitSignIn(admin.username, admin.password);
    await officePage.codeHeading().waitFor();
    expect(await officePage.signOutButton().count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/passkey-code-de.png`, fullPage: true });
    await officePage.root.getByRole('button', { name: office.secondFactor.passkey.use, exact: true }).click();
    await officePage.signOutButton().waitFor();
    const [used] = await backend().db.query<{ sign_count: string; last_used_at: unknown }>(
      'SELECT sign_count, last_used_at FROM passkey_credentials',
    );
    expect(used?.last_used_at).not.toBeNull();

    // The own passkeys: listed by name, the only factor of an admin cannot be removed.
    await officePage.root.getByRole('button', { name: office.passkeys.open, exact: true }).click();
    const list = officePage.root.getByRole('list', { name: office.passkeys.listLabel });
    await list.getByText(office.secondFactor.passkey.firstLabel).waitFor();
    await page.screenshot({ path: `${SHOTS}/passkey-list-de.png`, fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.screenshot({ path: `${SHOTS}/passkey-list-de-portrait.png`, fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
    await list.getByRole('button', { name: office.passkeys.remove }).click();
    await officePage.alert().filter({ hasText: office.apiErrors.lastSecondFactor }).waitFor();
    expect(await backend().db.query('SELECT 1 FROM passkey_credentials')).toHaveLength(1);

    await page.close();

    // A browser asking for Arabic (the office speaks German and English, right to left for Arabic): the code step.
    const arabic = await launchChromium('lotse-e2e-ar-', { locale: 'ar', viewport: { width: 768, height: 1024 } });
    try {
      const arabicPage = new OfficePage(await arabic.context.newPage());
      await arabicPage.open(backend().url);
      await arabicPage.submitSignIn(admin.username, admin.password);
      await arabicPage.root.getByRole('button', { name: office.secondFactor.passkey.use, exact: true }).waitFor();
      await arabicPage.page.screenshot({ path: `${SHOTS}/passkey-code-ar-portrait.png`, fullPage: true });
    } finally {
      await arabic.close();
    }
  }, 120_000);
});
