// Consent first, in the family's language (Arabic, right to left), a case
// number on the family's card, a one-tap refusal that stores only a count,
// and withdrawal by case number that deletes the case on tablet and server.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { accessibilityViolations } from './support/axe';
import { TabletApp } from './pages/TabletApp';
import { ar, de } from './pages/texts';

const PASSPHRASE = 'Kreißsaal Nord 2026';
const SERIOUS = ['serious', 'critical'] as const;

describe.skipIf(!chromiumPath)('consent, case numbers and the family language', () => {
  const { backend, browser } = setUpBackendAndTablet();
  let app: TabletApp;
  let caseNumber = '';

  beforeAll(async () => {
    app = new TabletApp(await browser().context.newPage());
    await app.start(backend(), PASSPHRASE);
  });

  it('asks in Arabic, right to left, and gives the family a card with a valid case number', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.consent.start }).click();
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await page.getByRole('radio', { name: 'العربية' }).check();
    await page.getByRole('checkbox', { name: de.common.consent.mediatorPresent }).check();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();

    const family = page.getByTestId('family-consent');
    await family.waitFor();
    expect(await family.getAttribute('dir')).toBe('rtl');
    expect(await family.getAttribute('lang')).toBe('ar');
    expect(await family.innerText()).toContain(ar.consent.title);
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);

    // Agreeing needs at least one scope; the family is told so in its language.
    await page.getByRole('button', { name: ar.consent.agree }).click();
    expect(await page.getByRole('alert').innerText()).toContain(ar.consent.chooseOne);
    await page.getByRole('checkbox', { name: ar.consent.scopes.documentation }).check();
    await page.getByRole('checkbox', { name: ar.consent.scopes.statistics }).check();
    await page.getByRole('button', { name: ar.consent.agree }).click();
    // The family sees its thanks and card in Arabic; staff take the tablet back with the passphrase.
    await page.getByTestId('family-thanks').waitFor();
    await app.takeTabletBack(PASSPHRASE);

    await page.getByRole('heading', { name: de.common.consent.agreedTitle }).waitFor();
    const card = page.getByTestId('family-card');
    expect(await card.getAttribute('dir')).toBe('rtl');
    const shown = await card.locator('.family-card__number').innerText();
    caseNumber = shown.replace(/\s/g, '');
    expect(caseNumber).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z][0-9A-Z*~$=U]$/);
    expect(await card.locator('svg path').count()).toBeGreaterThan(0); // QR code
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await page.getByRole('button', { name: de.common.consent.done }).click();

    const item = page.locator('[data-record-kind="consent"]').first();
    await item.waitFor();
    await expect.poll(() => item.getAttribute('data-sync-state'), { timeout: 20_000 }).toBe('sent');
    const [row] = await backend().recordsWhere("kind = 'consent'");
    expect(row?.['case_number']).toBe(caseNumber);
    expect(row?.['content']).toMatchObject({
      language: 'ar',
      scopes: ['documentation', 'statistics'],
      mediatorPresent: true,
      textVersion: ar.consent.version,
    });
  });

  it('records a refusal with one tap as an anonymous count only', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.consent.start }).click();
    await page.getByRole('button', { name: de.common.consent.handOver }).click();
    await page.getByRole('button', { name: de.consent.refuse }).click();
    await app.takeTabletBack(PASSPHRASE);
    await page.getByRole('heading', { name: de.common.consent.refusedTitle }).waitFor();
    await page.getByRole('button', { name: de.common.consent.done }).click();
    const item = page.locator('[data-record-kind="consentRefusal"]').first();
    await expect.poll(() => item.getAttribute('data-sync-state'), { timeout: 20_000 }).toBe('sent');
    const rows = await backend().recordsWhere("kind = 'consentRefusal'");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.['case_number']).toBeNull();
    expect(Object.keys(rows[0]?.['content'] ?? {}).sort()).toEqual(['date', 'setting']);
  });

  it('finds the case by its typed case number', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.consent.find }).click();
    const input = page.getByRole('textbox').first();
    await input.fill(caseNumber.replace(/-/g, ' ').toLowerCase()); // as read from the card, loosely typed
    await input.press('Enter');
    const view = page.getByTestId('case-view');
    await view.waitFor();
    expect(await view.innerText()).toContain(de.common.consent.scopeNames.documentation);
    expect(await view.innerText()).toContain('العربية');
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await page.getByRole('button', { name: de.common.app.back }).click();
  });

  it('withdraws by case number: refuses a typo, deletes on tablet and server, confirms in Arabic', async () => {
    const { page } = app;
    await page.getByRole('button', { name: de.common.consent.withdraw }).click();
    // one symbol changed → refused by the check symbol
    const typo = caseNumber.startsWith('7') ? `8${caseNumber.slice(1)}` : `7${caseNumber.slice(1)}`;
    const input = page.getByRole('textbox').first();
    await input.fill(typo);
    await input.press('Enter');
    await page.getByText(de.cases.lookup.errors.wrongCheck).waitFor();
    expect(await page.getByRole('button', { name: de.common.consent.withdrawNow }).count()).toBe(0);
    await input.fill(caseNumber.toLowerCase());
    await input.press('Enter');
    // Before the red button: what is deleted, what stays, and one way back.
    const consequences = page.getByTestId('withdraw-consequences');
    await consequences.waitFor();
    expect(await consequences.innerText()).toContain(de.common.consent.withdrawDeletedReports);
    expect(await consequences.innerText()).toContain(de.common.consent.withdrawKept);
    expect(await page.getByRole('button', { name: de.common.consent.cancel }).count()).toBe(1);
    expect(await page.getByRole('button', { name: de.common.app.back }).count()).toBe(0);
    await page.getByRole('button', { name: de.common.consent.withdrawNow }).click();

    const confirmation = page.getByTestId('withdrawal-confirmation');
    await confirmation.waitFor();
    expect(await confirmation.getAttribute('dir')).toBe('rtl');
    expect(await confirmation.innerText()).toContain(ar.consent.withdrawal.title);
    expect(await accessibilityViolations(page, { impacts: SERIOUS })).toEqual([]);
    await page.getByRole('button', { name: de.common.consent.done }).click();

    expect(await page.locator('[data-record-kind="consent"]').count()).toBe(0);
    const withdrawal = page.locator('[data-record-kind="consentWithdrawal"]').first();
    await expect.poll(() => withdrawal.getAttribute('data-sync-state'), { timeout: 20_000 }).toBe('sent');
    const left = await backend().db.query<{ kind: string }>('SELECT kind FROM records WHERE case_number = $1', [caseNumber]);
    expect(left.map((r) => r.kind)).toEqual(['consentWithdrawal']);
    expect(await backend().db.query('SELECT 1 FROM case_tombstones WHERE case_number = $1', [caseNumber])).toHaveLength(1);

    // Looked up again after sync: the tablet says when consent was withdrawn, not "no entries".
    await page.getByRole('button', { name: de.common.consent.find }).click();
    const lookup = page.getByRole('textbox').first();
    await lookup.fill(caseNumber);
    await lookup.press('Enter');
    const marker = page.getByTestId('case-withdrawn');
    await marker.waitFor();
    expect(await marker.innerText()).toContain(de.common.consent.withdrawnOn.split('{{date}}')[0]);
    expect(await page.getByRole('button', { name: de.common.consent.withdraw }).count()).toBe(0);
    await page.getByRole('button', { name: de.common.app.back }).click();
  });
});
