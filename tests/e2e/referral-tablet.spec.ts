// A referral made on the tablet, end to end in real Chromium: consent with the
// referral scope, then on a home visit without network a welcome visit and,
// from the case view, "Refer" → offers chosen with the family → the referral
// slip in the family's language (and printed alone); back online, the
// referral arrives in the backend as one referral per offer, handed over.
// The family also asks the partner to call back: the number typed on the
// tablet is sealed to the partner's key at once — on the tablet and on the
// server there are only boxes, and the partner's key opens them.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { shootBothDirections } from './support/screenshots';
import { de } from './pages/texts';
import welcome from '../../locales/de/welcome-visit.json';
import referral from '../../locales/de/referral.json';
import trFamily from '../../locales/tr/family.json';
import { DEMO_OFFERS, DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { createHandoverKey, openHandover, type HandoverBox } from '@shared/crypto/handover-box';
import { uuidv7 } from '@shared/ids';

const PASSPHRASE = 'Vermittlung mit Karte 7';
const CALLBACK_PHONE = '0162 9988776';
const OFFER = DEMO_OFFERS.find((offer) => offer.id === 'familienhebammen-demo');

describe.skipIf(!chromiumPath)('referral on the tablet, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  let partnerKey: { keyId: string; privateKey: CryptoKey };

  beforeAll(async () => {
    // The partner organisation has set up a call-back key before the tablet pulls its catalogue.
    const { url } = backend();
    const signIn = await fetch(new URL('/api/session', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO_PARTNER_ACCOUNT.username, password: DEMO_PARTNER_ACCOUNT.password }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const created = await createHandoverKey('Partner-Passphrase 2026');
    const keyId = uuidv7();
    const enrolled = await fetch(new URL('/api/partner/handover-key', url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ keyId, publicKey: created.publicKey, wrapped: created.wrapped, password: DEMO_PARTNER_ACCOUNT.password }),
    });
    if (enrolled.status !== 200) throw new Error(`key enrolment failed: ${String(enrolled.status)}`);
    partnerKey = { keyId, privateKey: created.privateKey };
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE);
  });

  it('refers a family from its welcome visit and hands over the slip in Turkish', async () => {
    if (!OFFER) throw new Error('demo offers changed');
    const { page } = app;

    // Consent for the welcome visit, including referral.
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('radio', { name: de.common.consent.settings.welcomeVisit, exact: true }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('checkbox', { name: de.consent.scopes.documentation }).check();
    await page.getByRole('checkbox', { name: de.consent.scopes.referral }).check();
    await page.getByRole('button', { name: de.consent.agree }).click();
    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    const caseNumber = (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
    // The catalogue was pulled while online (the referral flow uses it offline).
    await expect
      .poll(async () => JSON.stringify((await app.rawIndexedDb())['meta'] ?? []).includes('"offerCatalog"'), {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(true);

    // A home visit without network from here on.
    await browser().context.setOffline(true);
    await backend().pause();
    await page.getByRole('button', { name: de.common.consent.done }).click();

    // The welcome visit for the case.
    const title = page.getByRole('heading', { name: welcome.title, exact: true });
    const start = page.getByRole('button', { name: welcome.new });
    await title.or(start).first().waitFor();
    if (!(await title.isVisible())) {
      await start.click();
      await title.waitFor();
    }
    await page.getByRole('radio', { name: welcome.outcome.visited }).check();
    const fixed = page.locator('#welcome-case-number');
    if ((await fixed.count()) === 0) {
      const input = page.getByLabel(welcome.fields.caseNumber);
      await input.fill(caseNumber);
      await input.press('Enter');
    }
    await page.getByLabel(welcome.fields.weekOfLife).fill('3');
    await page.getByRole('group', { name: welcome.fields.firstChild }).getByRole('radio', { name: welcome.yes }).check();
    await page.getByRole('button', { name: welcome.save }).click();
    await page.locator('[data-record-kind="welcomeVisit"]').first().waitFor();

    // Find the case and refer from the visit.
    await page.getByRole('button', { name: de.common.consent.find }).click();
    const lookup = page.getByLabel(de.cases.lookup.label, { exact: true });
    await lookup.fill(caseNumber);
    await lookup.press('Enter');
    await page.getByTestId('case-view').waitFor();
    await page.getByRole('button', { name: referral.tablet.refer }).click();
    const flow = page.getByTestId('referral-flow');
    await flow.getByRole('checkbox', { name: new RegExp(OFFER.name) }).check();
    await flow.getByLabel(referral.tablet.language).selectOption('tr');
    // The family explicitly asks the Familienhebammen to call back.
    await flow.getByRole('checkbox', { name: referral.tablet.callback.consent }).check();
    await flow.getByLabel(/Telefonnummer für den Rückruf/).fill(CALLBACK_PHONE);
    await page.screenshot({ path: 'test-results/tablet-referral-callback.png', fullPage: true });
    await flow.getByRole('button', { name: referral.tablet.save }).click();
    await page.getByTestId('callback-saved').waitFor();
    // The slip goes with the family at once; the tablet says the partner sees the referral only after the second check.
    const awaitingCheck = page.getByTestId('referral-awaiting-check');
    await awaitingCheck.waitFor();
    expect(await awaitingCheck.textContent()).toBe(referral.tablet.awaitingCheck);
    await shootBothDirections(page, 'referral-awaiting-check', awaitingCheck);

    const slip = page.getByTestId('referral-slip');
    await slip.waitFor();
    await expect.poll(() => slip.textContent()).toContain(trFamily.slip.title);
    expect(await slip.getAttribute('lang')).toBe('tr');
    expect(await slip.getByTestId('referral-slip-case-number').textContent()).toBe(caseNumber);
    const text = (await slip.textContent()) ?? '';
    for (const part of [OFFER.name, OFFER.address, OFFER.phone, OFFER.hours, OFFER.whatToBring]) expect(text).toContain(part);

    // Printing prints the slip alone.
    await page.emulateMedia({ media: 'print' });
    expect(await slip.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: referral.tablet.print }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // Network back: synced as one referral to the offer, handed over.
    await backend().resume();
    await browser().context.setOffline(false);
    await expect
      .poll(
        async () =>
          (
            await backend().db.query<{ offer_id: string; state: string; language: string }>(
              'SELECT offer_id, state, language FROM referrals WHERE case_number = $1',
              [caseNumber],
            )
          ).map((row) => [row.offer_id, row.state, row.language]),
        { timeout: 30_000, interval: 250 },
      )
      .toEqual([[OFFER.id, 'handedOver', 'tr']]);
    await page.getByRole('button', { name: referral.tablet.done }).click();

    // On the server the referral awaits a colleague's check, and the partner's look-up finds nothing yet.
    const [stored] = await backend().db.query<{ needs_second_check: boolean; countable: boolean }>(
      "SELECT needs_second_check, countable FROM records WHERE case_number = $1 AND kind = 'referral'",
      [caseNumber],
    );
    expect(stored).toEqual({ needs_second_check: true, countable: false });
    const partner = await fetch(new URL('/api/session', backend().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: DEMO_PARTNER_ACCOUNT.username, password: DEMO_PARTNER_ACCOUNT.password }),
    });
    const { token: partnerToken } = (await partner.json()) as { token: string };
    const partnerLookup = await fetch(new URL('/api/partner/referrals/lookup', backend().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${partnerToken}` },
      body: JSON.stringify({ caseNumber }),
    });
    expect(await partnerLookup.json()).toEqual({ referrals: [] });

    // The call-back request arrived as boxes only: not readable on the server, opened by the partner's key.
    const [row] = await backend().db.query<{ boxes: HandoverBox[]; record_id: string }>(
      `SELECT h.boxes, r.record_id::text AS record_id FROM warm_handovers h JOIN referrals r ON r.id = h.referral_id
        WHERE r.case_number = $1`,
      [caseNumber],
    );
    const [box] = row?.boxes ?? [];
    if (!row || !box) throw new Error('no call-back request arrived');
    expect(JSON.stringify(row)).not.toContain('9988776');
    expect(await openHandover(partnerKey.privateKey, box, { recordId: row.record_id, offerId: OFFER.id })).toEqual({
      phone: CALLBACK_PHONE,
    });
    // Nothing of the number on the tablet: neither in IndexedDB nor in any cache.
    expect(JSON.stringify(await app.rawIndexedDb())).not.toContain('9988776');
  });
});
