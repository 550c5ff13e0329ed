// "Vermitteln" from the record itself, in real Chromium (walkthrough finding 14):
// an approved screening offers it in the record list; the referral screen lists
// the offers the screening suggested first ("Vorgeschlagen", with why), then the
// rest of the catalogue grouped by type; the referral is saved and its slip
// shown. A welcome visit recommends offers of the catalogue (no offer types, no
// developer note); before its second check the record says why it cannot be
// referred yet, once approved its recommended offer comes first.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { TabletApp } from './pages/TabletApp';
import { ar, de } from './pages/texts';
import screening from '../../locales/de/screening.json';
import welcome from '../../locales/de/welcome-visit.json';
import referral from '../../locales/de/referral.json';
import approval from '../../locales/de/approval.json';
import arFamily from '../../locales/ar/family.json';
import { DEMO_ACCOUNTS, DEMO_OFFERS } from '@server/db/demo-seed';

const AUTHOR_PASSPHRASE = 'Vermitteln aus dem Eintrag 1';
const APPROVER_PASSPHRASE = 'Zweitprüfung Vermitteln 2';
const approverAccount = DEMO_ACCOUNTS.find((a) => a.username === 'approver');
if (!approverAccount) throw new Error('demo seed changed: no approver');
/** Scratch screenshots for a human look (not part of the repository) when set. */
const SHOTS = process.env.LOTSE_SHOTS_DIR;

async function shots(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined) return;
  await page.screenshot({ path: `${SHOTS}/${name}-landscape.png`, fullPage: true });
  await page.setViewportSize({ width: 800, height: 1280 });
  await page.screenshot({ path: `${SHOTS}/${name}-portrait.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Consent with documentation and referral, given in `language`; returns the case number from the family card. */
async function consentWithReferral(app: TabletApp, setting: 'screening' | 'welcomeVisit', language: 'de' | 'ar'): Promise<string> {
  const { page } = app;
  await page.getByRole('button', { name: de.common.consent.start }).click();
  await page.getByRole('radio', { name: de.common.consent.settings[setting], exact: true }).check();
  if (language === 'ar') await page.getByRole('radio', { name: 'العربية' }).check();
  await page.getByRole('button', { name: de.common.consent.handOver }).click();
  const texts = language === 'ar' ? ar.consent : de.consent;
  await page.getByRole('checkbox', { name: texts.scopes.documentation }).check();
  await page.getByRole('checkbox', { name: texts.scopes.referral }).check();
  await page.getByRole('button', { name: texts.agree }).click();
  await app.takeTabletBack();
  await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
  return (await page.getByTestId('family-card').locator('.family-card__number').innerText()).replace(/\s/g, '');
}

/** The colleague approves the record on this tablet with her passphrase (same-tablet second check). */
async function approveHere(page: Page, row: ReturnType<Page['locator']>): Promise<void> {
  await row.getByRole('button', { name: approval.checkHere }).click();
  await page.getByTestId('record-detail').waitFor();
  await page.getByLabel(approval.flow.passphrase.replace('{{name}}', approverAccount?.displayName ?? '')).fill(APPROVER_PASSPHRASE);
  await page.getByRole('button', { name: approval.flow.approve }).click();
  await page.getByTestId('second-check-outcome').waitFor();
  await page.getByRole('button', { name: approval.flow.done }).click();
  await expect.poll(() => row.locator('[data-review-state]').getAttribute('data-review-state')).toBe('approved');
}

/** The ids of the offers listed in one part of the referral screen, in order. */
async function offerIds(part: ReturnType<Page['locator']>): Promise<string[]> {
  return part.locator('[data-offer-id]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-offer-id') ?? ''));
}

describe.skipIf(!chromiumPath)('referral from the record', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), AUTHOR_PASSPHRASE, { offlineReady: true });
    // The colleague who approves signs in on this tablet once; then back to the author.
    await app.lock();
    await app.page.getByRole('button', { name: de.common.access.firstSignInLink }).click();
    await app.firstSignIn(approverAccount, APPROVER_PASSPHRASE);
    // The header names her before "Sperren" is tapped (a tap while it re-renders after a first sign-in can be lost).
    await app.page.getByText(approverAccount.displayName, { exact: false }).first().waitFor();
    await app.lock();
    await app.page.getByRole('radio', { name: 'HOME-Partnerin (Demo)' }).check();
    await app.unlock(AUTHOR_PASSPHRASE);
    await app.page.getByRole('button', { name: de.homeContact.new }).waitFor();
  });

  it('refers from an approved screening: its suggested offers first, the rest by type; the referral is saved and the slip shown', async () => {
    const { page } = app;
    // The catalogue was pulled (the screening's suggestions and the referral use it offline).
    await expect
      .poll(async () => JSON.stringify((await app.rawIndexedDb())['meta'] ?? []).includes('"offerCatalog"'), {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(true);
    const caseNumber = await consentWithReferral(app, 'screening', 'ar');
    await app.openScreening(caseNumber);
    await app.answerRoutineScreening();
    // The staff member ticks two of the offers the screening suggests (offer matching).
    const suggestions = page.locator('.screening__offer input');
    await suggestions.first().waitFor();
    const suggested = (await suggestions.evaluateAll((nodes) => nodes.map((node) => (node as HTMLInputElement).value))).slice(0, 2);
    expect(suggested.length).toBeGreaterThan(0);
    for (const id of suggested) await page.locator(`.screening__offer input[value="${id}"]`).check();
    await page.getByRole('button', { name: screening.save }).click();
    const row = page.locator('[data-record-kind="screening"]', { hasText: caseNumber });
    await row.waitFor();

    // Not approved yet: no "Vermitteln", and the record says why.
    expect(await row.getByRole('button', { name: referral.tablet.refer }).count()).toBe(0);
    expect(await row.getByTestId('referral-blocked').textContent()).toBe(referral.tablet.blocked.notApproved);
    await approveHere(page, row);
    await shots(page, 'record-list-vermitteln-de');

    // "Vermitteln" on the approved record opens the referral for this case, from this record.
    await row.getByRole('button', { name: referral.tablet.refer }).click();
    const flow = page.getByTestId('referral-flow');
    await flow.waitFor();
    expect(await flow.textContent()).toContain(caseNumber);
    expect(await flow.getByTestId('referral-source').textContent()).toContain(referral.tablet.source.screening.split(' {{')[0] ?? '');
    const group = flow.getByTestId('suggested-offers');
    await group.waitFor();
    expect(await group.getByRole('heading', { name: referral.tablet.suggested.title }).count()).toBe(1);
    expect(await group.textContent()).toContain(referral.tablet.suggested.reason.screening);
    expect(await offerIds(group)).toEqual(suggested);
    // Then every other offer once, grouped by type under its German name.
    const groups = flow.getByTestId('offer-type-group');
    const rest = await offerIds(groups);
    expect(rest.filter((id) => suggested.includes(id))).toEqual([]);
    expect([...suggested, ...rest].sort()).toEqual(DEMO_OFFERS.map((offer) => offer.id).sort());
    const firstType = await groups.first().getAttribute('data-offer-type');
    expect(await groups.first().getByRole('heading').textContent()).toBe(
      referral.offerTypes[firstType as keyof typeof referral.offerTypes],
    );
    // The suggested group comes before the first type group on the screen.
    const above = await group.evaluate(
      (node, other) => Boolean(node.compareDocumentPosition(other as Node) & Node.DOCUMENT_POSITION_FOLLOWING),
      await groups.first().elementHandle(),
    );
    expect(above).toBe(true);
    await shots(page, 'referral-suggested-de');

    const chosen = DEMO_OFFERS.find((offer) => offer.id === suggested[0]);
    await group.getByRole('checkbox', { name: new RegExp(chosen?.name ?? '-') }).check();
    expect(await flow.getByLabel(referral.tablet.language).inputValue()).toBe('ar'); // the consent's language
    await flow.getByRole('button', { name: referral.tablet.save }).click();
    const slip = page.getByTestId('referral-slip');
    await slip.waitFor();
    await expect.poll(() => slip.textContent()).toContain(arFamily.slip.title);
    expect(await slip.getAttribute('dir')).toBe('rtl');
    expect(await slip.textContent()).toContain(chosen?.name);
    await shots(page, 'referral-slip-ar');
    await page.getByRole('button', { name: referral.tablet.done }).click();

    // Synced: one referral for the offer, from the screening.
    const screeningId = await row.getAttribute('data-record-id');
    await expect
      .poll(
        async () =>
          (
            await backend().db.query<{ offer_id: string; source: string | null }>(
              'SELECT offer_id, source_record_id::text AS source FROM referrals WHERE case_number = $1',
              [caseNumber],
            )
          ).map((r) => [r.offer_id, r.source]),
        { timeout: 30_000, interval: 250 },
      )
      .toEqual([[chosen?.id, screeningId]]);
  });

  it('a welcome visit recommends a catalogue offer; once approved, "Vermitteln" lists it first', async () => {
    const { page } = app;
    const caseNumber = await consentWithReferral(app, 'welcomeVisit', 'de');
    await page.getByRole('button', { name: de.common.consent.done }).click();
    await page.getByRole('button', { name: welcome.new }).click();
    await page.getByRole('radio', { name: welcome.outcome.visited }).check();
    const input = page.getByLabel(welcome.fields.caseNumber);
    await input.fill(caseNumber);
    await input.press('Enter');
    await page.getByLabel(welcome.fields.weekOfLife).fill('3');
    await page.getByRole('group', { name: welcome.fields.firstChild }).getByRole('radio', { name: welcome.yes }).check();
    // Recommended offers: the municipality's catalogue offers, by type; no developer note.
    const offersField = page.getByTestId('recommended-offers');
    expect(await offersField.textContent()).toContain(welcome.offersHint);
    expect(await offersField.textContent()).not.toContain('folgt');
    const recommended = DEMO_OFFERS.find((offer) => offer.type === 'elterncafe') ?? DEMO_OFFERS[0];
    await offersField.getByRole('checkbox', { name: recommended?.name ?? '-' }).check();
    await shots(page, 'welcome-visit-offers-de');
    await page.getByRole('button', { name: welcome.save }).click();
    const row = page.locator('[data-record-kind="welcomeVisit"]', { hasText: caseNumber });
    await row.waitFor();
    expect(await row.textContent()).toContain(welcome.summary.recommended_one.replace('{{count}}', '1'));

    // Recommending an offer makes the visit one that needs the second check.
    expect(await row.getByRole('button', { name: referral.tablet.refer }).count()).toBe(0);
    await approveHere(page, row);
    await row.getByRole('button', { name: referral.tablet.refer }).click();
    const group = page.getByTestId('suggested-offers');
    await group.waitFor();
    expect(await group.textContent()).toContain(referral.tablet.suggested.reason.welcomeVisit);
    expect(await offerIds(group)).toEqual([recommended?.id]);
    await shots(page, 'referral-from-visit-de');
    await page.getByRole('button', { name: referral.tablet.cancel }).click();
  });
});
