// A partner whose account has looked up too many case numbers without a referral
// is told in the office area how long to wait (the server's Retry-After), instead
// of a generic error; the look-up answers nothing until then.
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage } from './pages/OfficePage';
import cases from '../../locales/de/cases.json';
import referral from '../../locales/de/referral.json';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { DEFAULT_PARTNER_LOOKUP_LIMITS } from '@server/services/partner-lookup-limits';
import { newCaseNumber } from '../integration/helpers/test-app';

describe.skipIf(!chromiumPath)('partner look-up throttle, in the browser', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('tells the partner after too many misses how many minutes to wait', async () => {
    const { url } = backend();
    const signIn = await fetch(new URL('/api/session', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO_PARTNER_ACCOUNT.username, password: DEMO_PARTNER_ACCOUNT.password }),
    });
    const { token } = (await signIn.json()) as { token: string };
    for (let i = 0; i < DEFAULT_PARTNER_LOOKUP_LIMITS.account.maxMisses; i++) {
      const miss = await fetch(new URL('/api/partner/referrals/lookup', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ caseNumber: newCaseNumber() }),
      });
      expect(miss.status).toBe(200);
    }

    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(url);
    await officePage.signIn(DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const panel = page.getByTestId('partner-referrals');
    await panel.getByRole('heading', { name: referral.partner.title }).waitFor();
    await panel.getByLabel(cases.lookup.label, { exact: true }).fill(newCaseNumber().replaceAll('-', '').toLowerCase());
    await panel.getByRole('button', { name: cases.lookup.submit }).click();

    const message = panel.getByTestId('partner-lookup-throttled');
    await message.waitFor();
    const minutes = DEFAULT_PARTNER_LOOKUP_LIMITS.account.windowMs / 60_000;
    expect(await message.textContent()).toBe(referral.partner.throttled_other.replace('{{count}}', String(minutes)));
    expect(await panel.getByTestId('partner-referrals-none').count()).toBe(0);

    const shots = process.env['SHOTS_DIR'];
    if (shots !== undefined) {
      await mkdir(shots, { recursive: true });
      for (const [name, size] of [
        ['landscape', { width: 1024, height: 768 }],
        ['portrait', { width: 768, height: 1024 }],
      ] as const) {
        await page.setViewportSize(size);
        await message.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${shots}/partner-lookup-throttled-de-${name}.png` });
      }
    }
    await page.close();
  });
});
