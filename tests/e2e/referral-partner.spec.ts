// A partner organisation confirms uptake in real Chromium against the real
// backend: a referral pushed from a tablet (as the tablet app sends it), the
// partner signs in to the office area, types the family's case number, sees
// only the referral to its own offer, and marks "contacted" then "started".
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from './support/axe';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage } from './pages/OfficePage';
import cases from '../../locales/de/cases.json';
import referral from '../../locales/de/referral.json';
import { DEMO_OFFERS, DEMO_PARTNER_ACCOUNT } from '../../src/server/db/demo-seed';
import { contentHash } from '../../src/shared/content-hash';
import { uuidv7 } from '../../src/shared/ids';
import { SYNC_PROTOCOL_VERSION } from '../../src/shared/protocol';
import type { ReferralContent } from '../../src/shared/records/referral';
import { consentContent, consentRecord, enrollTablet, newCaseNumber } from '../integration/helpers/test-app';

const PARTNER_OFFER = DEMO_OFFERS.find((offer) => offer.id === 'familienhebammen-demo');
const OTHER_OFFER = DEMO_OFFERS.find((offer) => offer.id === 'erziehungsberatung-demo');

describe.skipIf(!chromiumPath)('partner uptake by case number, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  /** Pushes consent (with the referral scope) and a referral to two offers from an enrolled tablet. */
  async function referFamily(caseNumber: string): Promise<void> {
    if (!PARTNER_OFFER || !OTHER_OFFER) throw new Error('demo offers changed');
    const { url, db, demo } = backend();
    const device = await enrollTablet(db, demo.homePartner.username);
    const deviceId = device.device.deviceId;
    const session = (await (
      await fetch(new URL('/api/session', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...demo.homePartner, deviceId, deviceSecret: device.deviceSecret }),
      })
    ).json()) as { token: string };
    const content: ReferralContent = {
      sourceRecordId: uuidv7(),
      offerIds: [PARTNER_OFFER.id, OTHER_OFFER.id],
      language: 'tr',
      slipHandedOver: true,
    };
    const records = [
      await consentRecord(deviceId, caseNumber, { content: await consentContent('tr', { scopes: ['documentation', 'referral'] }) }),
      {
        id: uuidv7(),
        revision: 1,
        kind: 'referral',
        schemaVersion: 1,
        formVersion: '2026.1',
        deviceId,
        createdAt: new Date().toISOString(),
        caseNumber,
        contentHash: await contentHash(content),
        content,
      },
    ];
    const pushed = await fetch(new URL('/api/sync/push', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ protocolVersion: SYNC_PROTOCOL_VERSION, deviceId, records }),
    });
    const body = await pushed.text();
    if (pushed.status !== 200 || body.includes('rejected')) throw new Error(`push failed: ${pushed.status}`);
  }

  it('lets a partner type the case number, see only its own referral and mark uptake', async () => {
    const caseNumber = newCaseNumber();
    await referFamily(caseNumber);
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const panel = page.getByTestId('partner-referrals');
    await panel.getByRole('heading', { name: referral.partner.title }).waitFor();

    // Typed as a person would read it off the card: lower case, without hyphens.
    await panel.getByLabel(cases.lookup.label, { exact: true }).fill(caseNumber.replaceAll('-', '').toLowerCase());
    await panel.getByRole('button', { name: cases.lookup.submit }).click();
    const item = panel.locator('li.referral-item');
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain(PARTNER_OFFER?.name);
    expect(await panel.textContent()).not.toContain(OTHER_OFFER?.name);
    expect(await item.getByTestId('referral-state').textContent()).toContain(referral.states.handedOver);
    expect(await accessibilityViolations(page, { include: '[data-testid="office-area"]' })).toEqual([]);

    // "Completed" is not offered before the family started; "contacted" is.
    expect(await item.getByRole('button', { name: referral.partner.mark.completed }).count()).toBe(0);
    await item.getByRole('button', { name: referral.partner.mark.contacted }).click();
    await page.waitForFunction(
      (text) => (document.querySelector('[data-testid="referral-state"]')?.textContent ?? '').includes(text),
      referral.states.contacted,
    );
    await item.getByRole('button', { name: referral.partner.mark.started }).click();
    await page.waitForFunction(
      (text) => (document.querySelector('[data-testid="referral-state"]')?.textContent ?? '').includes(text),
      referral.states.started,
    );

    const rows = await backend().db.query<{ offer_id: string; state: string }>(
      'SELECT offer_id, state FROM referrals WHERE case_number = $1 ORDER BY offer_id',
      [caseNumber],
    );
    expect(rows.map((row) => [row.offer_id, row.state])).toEqual([
      [OTHER_OFFER?.id, 'handedOver'],
      [PARTNER_OFFER?.id, 'started'],
    ]);
    // The case number never went into a URL.
    expect(page.url()).not.toContain(caseNumber);
    await page.close();
  });
});
