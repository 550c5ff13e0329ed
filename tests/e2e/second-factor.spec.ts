// The second factor of the office sign-in in real Chromium against the real backend:
// the demo admin is led to set up an authenticator right after the password (QR code and
// key as text, a wrong code refused, a current code accepted), sees the recovery codes once,
// and later signs in with a recovery code and with a fresh code — a code already used is refused.
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@server/db/demo-seed';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { launchChromium } from './support/chromium';
import { OfficePage, authenticatorCode, office } from './pages/OfficePage';

const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results';
const STEP_MS = 30_000;

const admin = DEMO_ACCOUNTS.find((a) => a.username === 'admin') ?? DEMO_ACCOUNTS[3];

/** Waits until the authenticator shows a code of a later time step than `step`. */
async function nextStepAfter(step: number): Promise<void> {
  while (Math.floor(Date.now() / STEP_MS) <= step) await new Promise((r) => setTimeout(r, 500));
}

describe.skipIf(!chromiumPath)('second factor in the office sign-in, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  /** The office area in a browser that asks for Arabic (the office speaks German and English; it falls back to German). */
  async function arabicScreenshot(name: string, step: (officePage: OfficePage) => Promise<void>): Promise<void> {
    const arabic = await launchChromium('lotse-e2e-ar-', { locale: 'ar' });
    try {
      const officePage = new OfficePage(await arabic.context.newPage());
      await officePage.open(backend().url);
      await officePage.submitSignIn(admin.username, admin.password);
      await step(officePage);
      await officePage.page.screenshot({ path: `${SHOTS}/${name}-ar.png`, fullPage: true });
      // Leaving the step open changes nothing: the pending sign-in simply expires.
      await officePage.root.getByRole('button', { name: office.secondFactor.restart }).click();
      await officePage.signInHeading().waitFor();
    } finally {
      await arabic.close();
    }
  }

  it('sets up the admin’s authenticator at the first sign-in, then signs in with a recovery code and with a code', async () => {
    await arabicScreenshot('second-factor-enrol', async (officePage) => {
      await officePage.root.getByTestId('second-factor-secret').waitFor();
    });
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.submitSignIn(admin.username, admin.password);

    // Right after the password: the set-up, and nothing of the office yet.
    await officePage.enrolmentHeading().waitFor();
    expect(await officePage.signOutButton().count()).toBe(0);
    await officePage.root.getByRole('img', { name: office.secondFactor.enrol.qrLabel }).waitFor();
    const secret = ((await officePage.root.getByTestId('second-factor-secret').textContent()) ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.screenshot({ path: `${SHOTS}/second-factor-enrol-de.png`, fullPage: true });

    // A code of another time step is refused with its reason; the set-up stays open.
    const codeField = officePage.root.getByLabel(office.secondFactor.enrol.codeLabel, { exact: true });
    await codeField.fill(authenticatorCode(secret, new Date(Date.now() + 10 * STEP_MS)));
    await officePage.root.getByRole('button', { name: office.secondFactor.enrol.submit, exact: true }).click();
    await officePage.alert().filter({ hasText: office.apiErrors.secondFactorWrong }).waitFor();
    expect(await officePage.signOutButton().count()).toBe(0);

    const enrolmentCode = authenticatorCode(secret);
    const enrolmentStep = Math.floor(Date.now() / STEP_MS);
    await codeField.fill(enrolmentCode);
    await officePage.root.getByRole('button', { name: office.secondFactor.enrol.submit, exact: true }).click();
    await officePage.recoveryHeading().waitFor();
    const recoveryCodes = (
      await officePage.root.getByRole('list', { name: office.secondFactor.recovery.listLabel }).getByRole('listitem').allTextContents()
    ).map((text) => text.trim());
    expect(recoveryCodes).toHaveLength(10);
    await page.screenshot({ path: `${SHOTS}/second-factor-recovery-de.png`, fullPage: true });
    await officePage.root.getByRole('button', { name: office.secondFactor.recovery.done, exact: true }).click();
    await officePage.signOutButton().click();
    await officePage.signInHeading().waitFor();

    // Next sign-in: the code step. The code used at set-up is refused as used.
    await officePage.submitSignIn(admin.username, admin.password);
    await officePage.codeHeading().waitFor();
    await page.screenshot({ path: `${SHOTS}/second-factor-code-de.png`, fullPage: true });
    await officePage.submitSecondFactorCode(enrolmentCode);
    await officePage.alert().filter({ hasText: office.apiErrors.secondFactorReplayed }).waitFor();
    expect(await officePage.signOutButton().count()).toBe(0);

    // A recovery code gets in, once.
    const [recoveryCode = ''] = recoveryCodes;
    await officePage.submitSecondFactorCode(recoveryCode);
    await officePage.signOutButton().waitFor();
    await officePage.signOutButton().click();
    await officePage.submitSignIn(admin.username, admin.password);
    await officePage.codeHeading().waitFor();
    await officePage.submitSecondFactorCode(recoveryCode);
    await officePage.alert().filter({ hasText: office.apiErrors.secondFactorWrong }).waitFor();

    // A fresh code of the app gets in.
    await nextStepAfter(enrolmentStep);
    await officePage.submitSecondFactorCode(authenticatorCode(secret));
    await officePage.signOutButton().waitFor();
    await arabicScreenshot('second-factor-code', (officePage) => officePage.codeHeading().waitFor());
    // Nothing of the secret or the codes was left in the browser's storage.
    const stored = await page.evaluate(() =>
      JSON.stringify({ local: Object.entries(localStorage), session: Object.entries(sessionStorage), url: location.href }),
    );
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(recoveryCodes[1] ?? '');
    await page.close();
  }, 120_000);
});
