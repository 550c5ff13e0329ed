// A partner organisation confirms uptake in real Chromium against the real
// backend: a referral pushed from a tablet (as the tablet app sends it), the
// partner signs in to the office area, types the family's case number, sees
// only the referral to its own offer, and marks "contacted" then "started".
// Warm handover: the partner sets up a call-back key in the browser, a tablet
// seals a family's number to it, and the partner opens it once — a wrong
// passphrase opens and deletes nothing.
// Without an account: on a phone-sized page, a partner confirms one slip with
// its slip code and the offer's partner key, then marks "no capacity" on another,
// and reports the offer's waiting list with the partner key alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from './support/axe';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage, office as officeTexts } from './pages/OfficePage';
import cases from '../../locales/de/cases.json';
import referral from '../../locales/de/referral.json';
import { DEMO_OFFERS, DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { sealHandover } from '@shared/crypto/handover-box';
import { offerCatalogResponseSchema } from '@shared/offers';
import { SYNC_PROTOCOL_VERSION } from '@shared/protocol';
import { generateSlipCode } from '@domain/slip-code';
import { consentContent, consentRecord, enrollTablet, newCaseNumber } from '../integration/helpers/test-app';
import { referralRecord, welcomeVisitRecord } from '../fixtures/referral-records';
import type { Locator, Page } from 'playwright-core';
// The funnel case at the end of this file.
import reports from '../../locales/de/reports.json';
import { DEMO_DISTRICTS } from '@server/db/demo-offers';

const PARTNER_OFFER = DEMO_OFFERS.find((offer) => offer.id === 'familienhebammen-demo');
const OTHER_OFFER = DEMO_OFFERS.find((offer) => offer.id === 'erziehungsberatung-demo');
const HANDOVER_PASSPHRASE = 'Rückruf nur für uns 2026';
const CALLBACK_PHONE = '0176 4455667';

describe.skipIf(!chromiumPath)('partner uptake by case number, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  beforeAll(async () => {
    // This suite is about the partner after the referral's own second check (tested in four-eyes.spec.ts).
    await backend().db.query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_for_referrals) VALUES ('demo-stadt', false)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_for_referrals = false`,
    );
  });

  /** Signs in on a newly enrolled tablet as the tablet app does. */
  async function tabletSession(): Promise<{ deviceId: string; token: string }> {
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
    return { deviceId, token: session.token };
  }

  /**
   * Pushes consent (with the referral scope), a welcome visit and a referral from it to two offers;
   * with `callbackPhone`, the number sealed to the partner keys of the tablet's catalogue, as the tablet app does.
   */
  async function referFamily(caseNumber: string, callbackPhone?: string, slipCode?: string): Promise<void> {
    if (!PARTNER_OFFER || !OTHER_OFFER) throw new Error('demo offers changed');
    const { url } = backend();
    const { deviceId, token } = await tabletSession();
    const visit = await welcomeVisitRecord(deviceId, caseNumber);
    const referral = await referralRecord(deviceId, caseNumber, {
      sourceRecordId: visit.id,
      offerIds: [PARTNER_OFFER.id, OTHER_OFFER.id],
      language: 'tr',
      ...(callbackPhone === undefined ? {} : { callbackOfferId: PARTNER_OFFER.id }),
    });
    if (callbackPhone !== undefined) {
      const catalog = offerCatalogResponseSchema.parse(
        await (await fetch(new URL('/api/sync/offers', url), { headers: { authorization: `Bearer ${token}` } })).json(),
      );
      const keys = catalog.callbackKeys.find((entry) => entry.offerId === PARTNER_OFFER.id)?.keys ?? [];
      const boxes = await sealHandover({ phone: callbackPhone }, { recordId: referral.id, offerId: PARTNER_OFFER.id }, keys);
      referral.warmHandover = { offerId: PARTNER_OFFER.id, boxes };
    }
    if (slipCode !== undefined) referral.slipCodes = [{ offerId: PARTNER_OFFER.id, code: slipCode }];
    const records = [
      await consentRecord(deviceId, caseNumber, { content: await consentContent('tr', { scopes: ['documentation', 'referral'] }) }),
      visit,
      referral,
    ];
    const pushed = await fetch(new URL('/api/sync/push', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ protocolVersion: SYNC_PROTOCOL_VERSION, deviceId, records }),
    });
    const body = await pushed.text();
    if (pushed.status !== 200 || body.includes('rejected')) throw new Error(`push failed: ${pushed.status}`);
  }

  async function signInAsPartner(): Promise<{ page: Page; panel: Locator }> {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const panel = page.getByTestId('partner-referrals');
    await panel.getByRole('heading', { name: referral.partner.title }).waitFor();
    return { page, panel };
  }

  async function lookUp(panel: Locator, caseNumber: string): Promise<void> {
    // Typed as a person would read it off the card: lower case, without hyphens.
    await panel.getByLabel(cases.lookup.label, { exact: true }).fill(caseNumber.replaceAll('-', '').toLowerCase());
    await panel.getByRole('button', { name: cases.lookup.submit }).click();
  }

  it('lets a partner type the case number, see only its own referral and mark uptake', async () => {
    const caseNumber = newCaseNumber();
    await referFamily(caseNumber);
    const { page, panel } = await signInAsPartner();
    await lookUp(panel, caseNumber);
    const item = panel.locator('li.referral-item');
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain(PARTNER_OFFER?.name);
    expect(await panel.textContent()).not.toContain(OTHER_OFFER?.name);
    expect(await item.getByTestId('referral-state').textContent()).toContain(referral.states.handedOver);
    expect(await accessibilityViolations(page, { include: '[data-testid="office-area"]' })).toEqual([]);

    // "Completed" is not offered before the family started; "contacted" is.
    expect(await item.getByRole('button', { name: referral.partner.mark.completed, exact: true }).count()).toBe(0);
    await item.getByRole('button', { name: referral.partner.mark.contacted, exact: true }).click();
    await page.waitForFunction(
      (text) => (document.querySelector('[data-testid="referral-state"]')?.textContent ?? '').includes(text),
      referral.states.contacted,
    );
    await item.getByRole('button', { name: referral.partner.mark.started, exact: true }).click();
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

  it('warm handover: the partner sets up a key in the browser and opens a family’s call-back number once', async () => {
    const { page, panel } = await signInAsPartner();
    // The partner view says in one line that no key exists; the setup is a step of its own.
    await panel.getByTestId('handover-key-entry').getByText(referral.partner.handoverKey.entryMissing).waitFor();
    expect(await panel.getByLabel(referral.partner.handoverKey.passphrase).count()).toBe(0);
    await panel.getByRole('button', { name: referral.partner.handoverKey.open }).click();
    const keySection = page.getByTestId('handover-key');
    await keySection.getByRole('heading', { level: 2, name: referral.partner.handoverKey.title }).waitFor();
    await keySection.getByText(referral.partner.handoverKey.missing).waitFor();
    await keySection.getByLabel(referral.partner.handoverKey.passphrase).fill(HANDOVER_PASSPHRASE);
    await keySection.getByLabel(referral.partner.handoverKey.repeat).fill(`${HANDOVER_PASSPHRASE}!`);
    await keySection.getByRole('button', { name: referral.partner.handoverKey.create }).click();
    await keySection.getByText(referral.partner.handoverKey.mismatch).waitFor();
    await keySection.getByLabel(referral.partner.handoverKey.repeat).fill(HANDOVER_PASSPHRASE);
    // The sign-in password is asked for again: a wrong one changes nothing.
    await keySection.getByLabel(referral.partner.handoverKey.password).fill('nicht das Kennwort');
    await keySection.getByRole('button', { name: referral.partner.handoverKey.create }).click();
    await keySection.getByText(referral.partner.handoverKey.wrongPassword).waitFor();
    expect(await backend().db.query('SELECT 1 FROM partner_handover_keys')).toHaveLength(0);
    await keySection.getByLabel(referral.partner.handoverKey.password).fill(DEMO_PARTNER_ACCOUNT.password);
    await keySection.getByRole('button', { name: referral.partner.handoverKey.create }).click();
    await keySection.getByText(referral.partner.handoverKey.created).waitFor();
    // The server got the public key and a wrapped blob — never the passphrase.
    const [stored] = await backend().db.query<{ row: string }>('SELECT row_to_json(k)::text AS row FROM partner_handover_keys k');
    expect(stored?.row).toBeDefined();
    expect(stored?.row).not.toContain(HANDOVER_PASSPHRASE);
    // Back to the partner view, which now says the key is set up.
    await keySection.getByRole('button', { name: referral.partner.handoverKey.back }).click();
    await panel.getByTestId('handover-key-entry').getByRole('button', { name: referral.partner.handoverKey.manage }).waitFor();

    // A tablet now seals a family's number to that key and sends the referral.
    const caseNumber = newCaseNumber();
    await referFamily(caseNumber, CALLBACK_PHONE);
    expect(JSON.stringify(await backend().db.query('SELECT * FROM warm_handovers'))).not.toContain('4455667');

    // A fresh page: the key is not unlocked in memory, so the passphrase is asked for.
    await page.close();
    const { page: desk, panel: deskPanel } = await signInAsPartner();
    await lookUp(deskPanel, caseNumber);
    const request = deskPanel.getByTestId('callback-request');
    await request.waitFor();
    expect(await request.textContent()).not.toContain('4455667');
    expect(await accessibilityViolations(desk, { include: '[data-testid="office-area"]' })).toEqual([]);

    // A wrong passphrase opens nothing and deletes nothing.
    await request.getByLabel(referral.partner.callback.passphrase).fill('nicht die richtige Passphrase');
    await request.getByRole('button', { name: referral.partner.callback.open }).click();
    await request.getByText(referral.partner.callback.wrongPassphrase).waitFor();
    expect(await backend().db.query('SELECT 1 FROM warm_handovers')).toHaveLength(1);

    await request.getByLabel(referral.partner.callback.passphrase).fill(HANDOVER_PASSPHRASE);
    await request.getByRole('button', { name: referral.partner.callback.open }).click();
    const number = deskPanel.getByTestId('callback-number');
    await number.waitFor();
    expect(await number.textContent()).toContain(CALLBACK_PHONE);
    await desk.screenshot({ path: 'test-results/partner-callback-open.png', fullPage: true });
    // Shown once: gone on the server the moment it was shown.
    expect(await backend().db.query('SELECT 1 FROM warm_handovers')).toHaveLength(0);
    // The next family's look-up does not wipe it before the call is made.
    await lookUp(deskPanel, newCaseNumber());
    await deskPanel.getByTestId('partner-referrals-none').waitFor();
    expect(await number.textContent()).toContain(CALLBACK_PHONE);
    await number.getByRole('button', { name: referral.partner.callback.done }).click();
    expect(await deskPanel.getByTestId('callback-number').count()).toBe(0);

    // Looked up again: no call-back request any more, and the number is nowhere on the page.
    await lookUp(deskPanel, caseNumber);
    await deskPanel.locator('li.referral-item').first().waitFor();
    expect(await deskPanel.getByTestId('callback-request').count()).toBe(0);
    expect(await desk.content()).not.toContain('4455667');
    expect(desk.url()).not.toContain(caseNumber);
    await desk.close();

    // The coordinator's catalogue now says a call-back is possible for the partner's offer.
    const office = await browser().context.newPage();
    const officePage = new OfficePage(office);
    await officePage.open(backend().url);
    await officePage.signIn(backend().demo.coordinator.username, backend().demo.coordinator.password);
    await office
      .getByRole('navigation', { name: officeTexts.nav.label })
      .getByRole('button', { name: officeTexts.nav.offers, exact: true })
      .click();
    const row = office.getByTestId('offer-catalog-table').locator(`[data-offer-id="${PARTNER_OFFER?.id ?? ''}"]`);
    await row.waitFor();
    expect(await row.getByTestId('offer-callback').textContent()).toBe(referral.catalog.callbackPossible);
    await office.screenshot({ path: 'test-results/coordinator-offers-callback.png', fullPage: true });
    await office.close();
  });

  it('lets a partner without an account confirm on a phone with slip code and partner key, then mark "no capacity" and report a waiting list', async () => {
    const { url, db, demo } = backend();
    // The coordinator issues the offer's partner key (shown once); the partner has it on paper.
    const coordinator = (await (
      await fetch(new URL('/api/session', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(demo.coordinator),
      })
    ).json()) as { token: string };
    const issued = (await (
      await fetch(new URL(`/api/office/offers/${PARTNER_OFFER?.id ?? ''}/partner-key`, url), {
        method: 'POST',
        headers: { authorization: `Bearer ${coordinator.token}` },
      })
    ).json()) as { partnerKey: string };
    const [first, second] = [generateSlipCode(), generateSlipCode()];
    const [firstCase, secondCase] = [newCaseNumber(), newCaseNumber()];
    await referFamily(firstCase, undefined, first);
    await referFamily(secondCase, undefined, second);

    const phone = await browser().context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    // The slip's QR code opens the page with the code in the fragment, which never reaches the server.
    await phone.goto(new URL(`/bestaetigen#${first}`, url).href);
    const page = phone.getByTestId('public-confirmation');
    await page.getByRole('heading', { name: referral.public.title }).waitFor();
    expect(phone.url()).not.toContain(first);
    expect(await page.getByLabel(referral.public.slipCode).inputValue()).toBe(first);
    // Typed as a person reads it off the paper: lower case, spaces instead of dashes.
    await page.getByLabel(referral.public.partnerKey).fill(issued.partnerKey.toLowerCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: referral.public.check }).click();
    expect(await page.getByTestId('public-confirmation-offer').textContent()).toBe(PARTNER_OFFER?.name);
    expect(await page.textContent()).not.toContain(firstCase);
    await page.getByRole('button', { name: referral.partner.mark.contacted, exact: true }).click();
    await page.getByTestId('public-confirmation-saved').waitFor();

    await page.getByRole('button', { name: referral.public.another }).click();
    await page.getByLabel(referral.public.slipCode).fill(second);
    await page.getByRole('button', { name: referral.public.check }).click();
    await page.getByRole('button', { name: referral.reasons.noCapacity }).click();
    await page.getByTestId('public-confirmation-saved').waitFor();
    await phone.screenshot({ path: 'test-results/public-confirmation-phone.png', fullPage: true });

    // The first code is used up: a second tap is refused and changes nothing.
    await page.getByRole('button', { name: referral.public.another }).click();
    await page.getByLabel(referral.public.slipCode).fill(first);
    await page.getByRole('button', { name: referral.public.check }).click();
    expect(await page.getByTestId('public-confirmation-error').textContent()).toBe(referral.public.errors.slipCodeUsed);

    // Free places need the partner key alone (still typed in): the offer is on a waiting list now.
    await page.getByRole('button', { name: referral.capacity.public.open }).click();
    const capacity = page.getByTestId('public-capacity');
    await capacity.getByRole('button', { name: referral.public.check }).click();
    expect(await capacity.getByTestId('public-capacity-offer').textContent()).toBe(PARTNER_OFFER?.name);
    await capacity.getByRole('radio', { name: referral.capacity.form.waitingList }).check();
    await capacity.getByRole('button', { name: referral.capacity.form.save }).click();
    expect(await capacity.getByTestId('public-capacity-saved').textContent()).toContain(referral.capacity.waitingList);
    await phone.screenshot({ path: 'test-results/public-capacity-phone.png', fullPage: true });
    const [offerRow] = await db.query<{ status: string; set_by: string | null }>(
      'SELECT capacity_status AS status, capacity_set_by AS set_by FROM offers WHERE id = $1',
      [PARTNER_OFFER?.id],
    );
    expect(offerRow).toEqual({ status: 'waitingList', set_by: null });

    const rows = await db.query<{ case_number: string; state: string; state_reason: string | null }>(
      'SELECT case_number, state, state_reason FROM referrals WHERE offer_id = $1 AND case_number = ANY($2::text[])',
      [PARTNER_OFFER?.id, [firstCase, secondCase]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.case_number, [row.state, row.state_reason]]))).toEqual({
      [firstCase]: ['contacted', null],
      [secondCase]: ['declined', 'noCapacity'],
    });
    expect(await accessibilityViolations(phone, { include: '[data-testid="public-confirmation"]' })).toEqual([]);
    await phone.close();
  });

  // The funnel report (docs/INDICATORS.md): what the partner without an account confirmed reaches the coordinator's office.
  it('shows in the coordinator’s funnel the uptake a partner without an account confirmed and the "no capacity" it marked', async () => {
    const { url, db, demo } = backend();
    if (!PARTNER_OFFER) throw new Error('demo offers changed');
    // Suppression hides counts of 1–4 in every report, so, as the reports suite does, more referrals of the period go
    // straight into the database: five contacted, five taken up (started), five declined for lack of places.
    const insertReferrals = (state: string, reason: string | null) =>
      db.query(
        `WITH made AS (
           INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, source_record_id, created_by, state, state_reason)
           SELECT gen_random_uuid(), $1, 'TRICHTER-' || $2::text || '-' || g, $3, $4, real.record_id, real.source_record_id,
                  (SELECT id FROM staff_accounts WHERE username = $6), $2::text, $5::text
             FROM generate_series(1, 5) AS g,
                  -- Countable like the referral the tablet made above: its checked record stands in for theirs.
                  (SELECT record_id, source_record_id FROM referrals WHERE municipality_id = $1 AND source_record_id IS NOT NULL LIMIT 1) AS real
           RETURNING id)
         INSERT INTO referral_state_changes (municipality_id, referral_id, state, reason) SELECT $1, id, $2::text, $5::text FROM made`,
        [demo.municipalityId, state, PARTNER_OFFER.id, PARTNER_OFFER.type, reason, demo.coordinator.username],
      );
    await insertReferrals('contacted', null);
    await insertReferrals('started', null);
    await insertReferrals('declined', 'noCapacity');

    // The partner, on its phone with slip code and partner key: one family started, the other found no place.
    const coordinator = (await (
      await fetch(new URL('/api/session', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(demo.coordinator),
      })
    ).json()) as { token: string };
    const issued = (await (
      await fetch(new URL(`/api/office/offers/${PARTNER_OFFER.id}/partner-key`, url), {
        method: 'POST',
        headers: { authorization: `Bearer ${coordinator.token}` },
      })
    ).json()) as { partnerKey: string };
    const [first, second] = [generateSlipCode(), generateSlipCode()];
    const [firstCase, secondCase] = [newCaseNumber(), newCaseNumber()];
    await referFamily(firstCase, undefined, first);
    await referFamily(secondCase, undefined, second);
    const phone = await browser().context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(new URL(`/bestaetigen#${first}`, url).href);
    const confirmation = phone.getByTestId('public-confirmation');
    await confirmation.getByLabel(referral.public.partnerKey).fill(issued.partnerKey);
    await confirmation.getByRole('button', { name: referral.public.check }).click();
    await confirmation.getByRole('button', { name: referral.partner.mark.started, exact: true }).click();
    await confirmation.getByTestId('public-confirmation-saved').waitFor();
    await confirmation.getByRole('button', { name: referral.public.another }).click();
    await confirmation.getByLabel(referral.public.slipCode).fill(second);
    await confirmation.getByRole('button', { name: referral.public.check }).click();
    await confirmation.getByRole('button', { name: referral.reasons.noCapacity }).click();
    await confirmation.getByTestId('public-confirmation-saved').waitFor();
    await phone.close();
    const confirmed = await db.query<{ case_number: string; state: string; state_reason: string | null }>(
      'SELECT case_number, state, state_reason FROM referrals WHERE offer_id = $1 AND case_number = ANY($2::text[])',
      [PARTNER_OFFER.id, [firstCase, secondCase]],
    );
    expect(Object.fromEntries(confirmed.map((row) => [row.case_number, [row.state, row.state_reason]]))).toEqual({
      [firstCase]: ['started', null],
      [secondCase]: ['declined', 'noCapacity'],
    });
    // What the funnel must show in the column of referrals naming no district: every referral that ever started,
    // and every one now declined for lack of places — the two the partner just confirmed among them.
    const [expected] = await db.query<{ taken_up: number; no_capacity: number }>(
      `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM referral_state_changes c
                                              WHERE c.referral_id = r.id AND c.state IN ('started', 'completed')))::int AS taken_up,
              count(*) FILTER (WHERE r.state = 'declined' AND r.state_reason = 'noCapacity')::int AS no_capacity
         FROM referrals r WHERE r.municipality_id = $1 AND r.district IS NULL`,
      [demo.municipalityId],
    );
    expect(expected?.taken_up).toBeGreaterThanOrEqual(6);
    expect(expected?.no_capacity).toBeGreaterThanOrEqual(6);

    // The coordinator's office: reports → the funnel, with its table beside the chart.
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(url);
    await officePage.signIn(demo.coordinator.username, demo.coordinator.password);
    await page
      .getByRole('navigation', { name: officeTexts.nav.label })
      .getByRole('button', { name: officeTexts.nav.reports, exact: true })
      .click();
    await page.getByRole('button', { name: reports.form.show }).click();
    const funnel = page.locator('[data-indicator="funnel"]');
    await funnel.waitFor();
    const stages = funnel.getByRole('table', { name: reports.funnel.table.stages });
    const noDistrictColumn = DEMO_DISTRICTS.length; // the district columns, then "not stated", then the total
    const cellsOf = async (table: Locator, rowName: string) =>
      table
        .getByRole('row', { name: new RegExp(`^${rowName}`) })
        .locator('td')
        .allTextContents();
    expect((await cellsOf(stages, reports.funnel.stages.takenUp))[noDistrictColumn]).toBe(String(expected?.taken_up));
    const declinedTable = funnel.getByRole('table', {
      name: reports.funnel.table.failures.replace('{{state}}', reports.funnel.failures.declined),
    });
    expect((await cellsOf(declinedTable, referral.reasons.noCapacity))[noDistrictColumn]).toBe(String(expected?.no_capacity));
    expect(await funnel.getByRole('img').count()).toBeGreaterThanOrEqual(3);
    expect(await funnel.textContent()).not.toContain(firstCase);
    expect(await accessibilityViolations(page, { include: '[data-testid="office-area"]' })).toEqual([]);
    await page.close();
  });
});
