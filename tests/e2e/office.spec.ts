// The office area end to end in real Chromium against the real backend: an
// admin manages organisations and staff, a coordinator sees and revokes
// tablets, round-trips the offer catalogue as a German CSV (preview before
// import), a fieldworker is told there is nothing for their role — and the
// browser keeps nothing of it (no storage, no URL, gone after a reload).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations } from './support/axe';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage, office } from './pages/OfficePage';
import { DEMO_ACCOUNTS, DEMO_ORGANISATION_ID, DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { uuidv7 } from '@shared/ids';
import { APP_VERSION } from '@shared/fleet';
import defaultScreening from '@domain/default-screening.json';
import { readFile } from 'node:fs/promises';
import referral from '../../locales/de/referral.json';
import common from '../../locales/de/common.json';
import { launchChromium } from './support/chromium';
import { csvToRows, rowsToCsv } from '@server/services/offer-file-io';
import { sheetsToXlsx, xlsxToSheets } from '@server/services/questionnaire-xlsx-io';

const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results';

/** A German text with its {{placeholders}} filled, as i18next renders it. */
function filled(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
}

function demoAccount(username: 'admin' | 'coordinator' | 'home.partner'): { username: string; password: string } {
  const account = DEMO_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`demo seed changed: no ${username}`);
  return { username: account.username, password: account.password };
}

async function apiSignIn(baseUrl: string, credentials: { username: string; password: string }): Promise<Response> {
  return fetch(new URL('/api/session', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
}

/** axe-core's WCAG 2.x A/AA violations inside the office area. */
function officeViolations(page: Page): Promise<string[]> {
  return accessibilityViolations(page, { include: '[data-testid="office-area"]' });
}

/** Everything the browser holds for this origin, as one string: IndexedDB, Web Storage, Cache Storage. */
async function browserStorageDump(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: Record<string, unknown> = {
      localStorage: Object.entries(localStorage),
      sessionStorage: Object.entries(sessionStorage),
    };
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const name = info.name;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => {
          resolve(request.result);
        };
        request.onerror = () => {
          reject(new Error('open failed'));
        };
      });
      for (const store of Array.from(db.objectStoreNames)) {
        out[`${name}/${store}`] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => {
            resolve(request.result as unknown[]);
          };
          request.onerror = () => {
            reject(new Error('read failed'));
          };
        });
      }
      db.close();
    }
    const cached: string[] = [];
    for (const cacheName of await caches.keys()) {
      const cache = await caches.open(cacheName);
      for (const request of await cache.keys()) cached.push(request.url);
    }
    out.caches = cached;
    return JSON.stringify(out);
  });
}

describe.skipIf(!chromiumPath)('office area, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('lets an admin create an organisation and a staff account, and deactivate the account', async () => {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    expect(await officeViolations(page)).toEqual([]);
    const admin = demoAccount('admin');
    await officePage.signIn(admin.username, admin.password);

    // Organisations: the shared schema rejects a bad slug before anything is sent.
    await officePage.openSection('organisations');
    await officePage.fillOrganisation({ id: 'Familienhilfe Nord', name: 'Familienhilfe Nord', kind: 'family-support' });
    await officePage.submitOrganisation();
    await officePage.organisationForm().getByText(office.fieldErrors.invalidSlug).waitFor();

    await officePage.fillOrganisation({ id: 'familienhilfe-nord', name: 'Familienhilfe Nord', kind: 'family-support' });
    await officePage.submitOrganisation();
    const row = officePage.organisationRow('familienhilfe-nord');
    await row.waitFor();
    expect(await row.textContent()).toContain('Familienhilfe Nord');
    expect(await row.textContent()).toContain(office.kinds['family-support']);

    // The same id again is a conflict, said next to the form.
    await officePage.fillOrganisation({ id: 'familienhilfe-nord', name: 'Noch einmal', kind: 'clinic' });
    await officePage.submitOrganisation();
    await officePage.organisationForm().getByRole('alert').filter({ hasText: office.apiErrors.organisationConflict }).waitFor();

    // Staff: too short a password is caught by the shared schema, then the account is created.
    await officePage.openSection('staff');
    const staff = {
      username: 'erika.muster',
      displayName: 'Erika Muster',
      organisation: 'Familienhilfe Nord',
      roles: ['fieldworker', 'approver'] as ('fieldworker' | 'approver')[],
      password: 'zu-kurz',
    };
    await officePage.fillStaff(staff);
    await officePage.submitStaff();
    await officePage.staffForm().getByText(office.fieldErrors.passwordTooShort).waitFor();
    await officePage.staffForm().getByLabel(office.staff.create.password, { exact: true }).fill('ein-langes-startpasswort');
    await officePage.submitStaff();

    const staffRow = officePage.staffRow('erika.muster');
    await staffRow.waitFor();
    const rowText = (await staffRow.textContent()) ?? '';
    expect(rowText).toContain('Erika Muster');
    expect(rowText).toContain('Familienhilfe Nord');
    expect(rowText).toContain(office.roles.fieldworker);
    expect(rowText).toContain(office.roles.approver);
    expect(rowText).toContain(office.staff.state.active);
    expect(await staffRow.getAttribute('data-active')).toBe('true');
    expect((await apiSignIn(backend().url, { username: 'erika.muster', password: 'ein-langes-startpasswort' })).status).toBe(200);

    // Four-eyes: the admin marks the account as the same person as another one; a malformed id is refused.
    await staffRow.getByRole('button', { name: office.staff.editRoles }).click();
    const personField = page.getByLabel(office.staff.edit.personId);
    await personField.fill('Erika Muster');
    await page.getByRole('button', { name: office.staff.edit.submit }).click();
    await page.getByText(office.fieldErrors.invalidPersonId).waitFor();
    await personField.fill('erika-m');
    await page.getByRole('button', { name: office.staff.edit.submit }).click();
    await expect
      .poll(
        async () =>
          (
            await backend().db.query<{ person_id: string | null }>("SELECT person_id FROM staff_accounts WHERE username = 'erika.muster'")
          )[0]?.person_id,
        { timeout: 10_000 },
      )
      .toBe('erika-m');

    // Deactivation asks first and says what it does.
    const confirm = await officePage.startDeactivation('erika.muster');
    expect(await confirm.textContent()).toContain(office.staff.confirmDeactivate);
    expect(await officeViolations(page)).toEqual([]);
    await officePage.confirmDeactivation();
    await expect.poll(async () => staffRow.getAttribute('data-active'), { timeout: 10_000 }).toBe('false');
    expect(await staffRow.textContent()).toContain(office.staff.state.inactive);
    expect((await apiSignIn(backend().url, { username: 'erika.muster', password: 'ein-langes-startpasswort' })).status).toBe(401);

    // Nothing of this is kept in the browser: no storage, no URL parameters.
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('');
    const dump = await browserStorageDump(page);
    expect(dump).not.toContain('erika.muster');
    expect(dump).not.toContain('Familienhilfe Nord');
    expect(dump).not.toContain('/api/admin');

    // A reload ends the office session.
    await page.reload();
    await page.getByRole('button', { name: common.access.welcomeOffice }).waitFor();
    expect(await officePage.root.count()).toBe(0);
    await page.close();
  });

  it('greets a fresh office PC with the office sign-in as one of two choices, and a partner lands in the partner view', async () => {
    // A browser that never saw Lotse: no tablet, no profile — as on a partner's office PC.
    const fresh = await launchChromium('lotse-e2e-office-pc-', { locale: 'de-DE', serviceWorkers: 'allow' });
    try {
      const page = await fresh.context.newPage();
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.goto(backend().url);
      const welcome = page.getByTestId('welcome');
      await welcome.getByRole('heading', { level: 1, name: common.access.welcomeTitle }).waitFor();
      // Two ways in, each with a sentence of what it is for; no "this tablet is not set up".
      expect(await welcome.getByRole('button').allTextContents()).toEqual([common.access.welcomeOffice, common.access.welcomeEnrol]);
      expect(await welcome.textContent()).toContain(common.access.welcomeOfficeText);
      expect(await welcome.textContent()).not.toContain('nicht eingerichtet');
      // The app is cached for offline use, but this browser is no tablet: no "usable offline" claim.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.waitForTimeout(1_000);
      expect(await page.getByTestId('offline-ready').count()).toBe(0);
      expect(await accessibilityViolations(page, { include: '[data-testid="welcome"]' })).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/welcome-choice.png` });

      await page.getByRole('button', { name: common.access.welcomeOffice }).click();
      const officePage = new OfficePage(page);
      await officePage.signInHeading().waitFor();
      await officePage.signIn(DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
      const panel = page.getByTestId('partner-referrals');
      await panel.getByRole('heading', { level: 2, name: referral.partner.title }).waitFor();
      // The call-back key is one line and a button here, its setup a step of its own.
      await panel.getByRole('button', { name: referral.partner.handoverKey.open }).waitFor();
      expect(await panel.getByTestId('handover-key').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/partner-view.png` });

      // The choice is remembered nowhere: leaving the office area shows the same two ways in again.
      await officePage.root.getByRole('button', { name: office.exit }).click();
      await page.getByRole('button', { name: common.access.welcomeEnrol }).waitFor();
      const dump = await browserStorageDump(page);
      expect(dump).not.toContain(DEMO_PARTNER_ACCOUNT.username);
      await page.close();
    } finally {
      await fresh.close();
    }
  });

  it('lets an admin change the municipality’s settings, refusing values out of range', async () => {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    const admin = demoAccount('admin');
    await officePage.signIn(admin.username, admin.password);
    await officePage.openSection('settings');
    const autoLock = page.getByLabel(office.settings.autoLockMinutes);
    expect(await autoLock.inputValue()).toBe('5');
    expect(await page.getByRole('checkbox', { name: office.settings.kinds.screening }).isChecked()).toBe(true);

    await autoLock.fill('0');
    await page.getByRole('button', { name: office.settings.submit }).click();
    await page.getByText(office.fieldErrors.outOfRange).waitFor();
    const stored = async () =>
      (
        await backend().db.query<{ auto_lock_minutes: number; four_eyes_kinds: string[] }>(
          "SELECT auto_lock_minutes, four_eyes_kinds FROM municipality_settings WHERE municipality_id = 'demo-stadt'",
        )
      )[0];
    expect((await stored())?.auto_lock_minutes ?? 5).toBe(5);

    await autoLock.fill('3');
    await page.getByRole('checkbox', { name: office.settings.kinds.welcomeVisit }).check();
    await page.getByRole('button', { name: office.settings.submit }).click();
    await page.getByRole('status').filter({ hasText: office.settings.saved }).waitFor();
    expect(await stored()).toEqual({ auto_lock_minutes: 3, four_eyes_kinds: ['screening', 'welcomeVisit'] });
    expect(await officeViolations(page)).toEqual([]);
    // Back to the defaults for the other tests.
    await backend().db.query(
      "UPDATE municipality_settings SET auto_lock_minutes = 5, four_eyes_kinds = ARRAY['screening'] WHERE municipality_id = 'demo-stadt'",
    );
    await page.close();
  });

  it('lets an admin replace the screening questionnaire; a broken file is refused with every problem and changes nothing', async () => {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    const admin = demoAccount('admin');
    await officePage.signIn(admin.username, admin.password);
    await officePage.openSection('questionnaire');
    const panel = page.getByTestId('questionnaire-panel');
    const activeText = panel.getByTestId('questionnaire-active');
    await activeText.waitFor();
    expect(await activeText.textContent()).toContain(defaultScreening.version);
    const file = panel.getByLabel(office.questionnaire.file);
    const stored = () =>
      backend().db.query<{ definition_id: string; version: string; active: boolean }>(
        'SELECT definition_id, version, active FROM questionnaire_definitions ORDER BY version',
      );
    const before = await stored();

    // Not JSON, then JSON with broken content: refused, every problem named, nothing stored.
    await file.setInputFiles({ name: 'fragebogen.json', mimeType: 'application/json', buffer: Buffer.from('{ "id": ') });
    await panel.getByText(office.questionnaire.refused.notJson).waitFor();
    const [firstSection] = defaultScreening.sections;
    const [firstQuestion] = firstSection?.questions ?? [];
    if (!firstSection || !firstQuestion) throw new Error('default questionnaire changed');
    const broken = {
      ...defaultScreening,
      version: '2026.8',
      sections: [{ ...firstSection, questions: [firstQuestion, firstQuestion] }, ...defaultScreening.sections.slice(1)],
      thresholds: { informationOnly: 9, offerRecommended: 5, urgent: 14 },
    };
    await file.setInputFiles({ name: 'fragebogen.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    const refused = panel.getByTestId('questionnaire-refused');
    await refused.getByRole('listitem').first().waitFor();
    expect(await refused.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    expect(await refused.textContent()).toContain(firstQuestion.id);
    expect(await stored()).toEqual(before);
    expect(await officeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/office-questionnaire-refused.png', fullPage: true });

    // A valid new version is taken over and shown as active.
    const changed = { ...defaultScreening, id: 'moers-screening', version: '2026.9' };
    await file.setInputFiles({ name: 'fragebogen.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(changed)) });
    await panel.getByTestId('questionnaire-uploaded').waitFor();
    await expect.poll(() => activeText.textContent()).toContain('moers-screening');
    expect(await stored()).toEqual([...before, { definition_id: 'moers-screening', version: '2026.9', active: true }]);
    // Back to the built-in questionnaire for the other tests.
    await backend().db.query('DELETE FROM questionnaire_definitions');
    await page.close();
  });

  it('round-trips the questionnaire as an XLSForm spreadsheet: export, a changed label and weight previewed and activated; a broken rule named by sheet, row and column', async () => {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    const coordinator = demoAccount('coordinator');
    await officePage.signIn(coordinator.username, coordinator.password);
    await officePage.openSection('questionnaire');
    const panel = page.getByTestId('questionnaire-spreadsheet');
    const texts = office.questionnaire.spreadsheet;
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: texts.download }).click()]);
    expect(download.suggestedFilename()).toBe(`${defaultScreening.id}-${defaultScreening.version}.xlsx`);
    const sheets = await xlsxToSheets(await readFile(await download.path()));
    const survey = sheets.survey ?? [];
    const column = (name: string) => (survey[0] ?? []).indexOf(name);
    const pretermRow = survey.findIndex((cells) => cells[1] === 'preterm');
    const weekRow = survey.findIndex((cells) => cells[1] === 'pretermWeek');
    const chooseFile = async (edited: typeof sheets) =>
      panel.getByLabel(texts.file).setInputFiles({
        name: 'fragebogen.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await sheetsToXlsx({ survey: edited.survey ?? [], choices: edited.choices ?? [], settings: edited.settings ?? [] }),
      });
    const stored = () =>
      backend().db.query<{ version: string; active: boolean }>('SELECT version, active FROM questionnaire_definitions ORDER BY version');
    const before = await stored();

    // A skip rule naming a question that does not exist: refused, named by sheet, row and column, nothing stored.
    const broken = structuredClone(sheets);
    (broken.survey?.[weekRow] ?? [])[column('relevant')] = "${born} = 'yes'";
    await chooseFile(broken);
    const problems = panel.getByTestId('questionnaire-xlsx-problems');
    await problems.getByRole('listitem').first().waitFor();
    expect(await problems.textContent()).toContain(`Blatt „survey“, Zeile ${String(weekRow + 1)}, Spalte „relevant“`);
    expect(await stored()).toEqual(before);
    await page.screenshot({ path: 'test-results/office-questionnaire-xlsx-refused.png', fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await problems.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/office-questionnaire-xlsx-refused-768x1024.png' });

    // A changed label and weight under a new version: previewed, then activated on confirmation.
    const edited = structuredClone(sheets);
    (edited.survey?.[pretermRow] ?? [])[column('label::de')] = 'Kam das Baby zu früh?';
    (edited.survey?.[pretermRow] ?? [])[column('weight')] = '3';
    (edited.settings?.[1] ?? [])[1] = '2026.9';
    await chooseFile(edited);
    await panel.getByTestId('questionnaire-xlsx-preview').waitFor();
    expect(await stored()).toEqual(before);
    await page.screenshot({ path: 'test-results/office-questionnaire-xlsx-preview.png', fullPage: true });
    for (const [width, height] of [
      [1024, 768],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height });
      await panel.getByTestId('questionnaire-xlsx-preview').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-results/office-questionnaire-xlsx-preview-${String(width)}x${String(height)}.png` });
    }
    await panel.getByRole('button', { name: texts.activate }).click();
    await page.getByTestId('questionnaire-uploaded').waitFor();
    const [active] = await backend().db.query<{
      definition: { sections: { questions: { id: string; label: { de: string }; weightYes?: number }[] }[] };
    }>('SELECT definition FROM questionnaire_definitions WHERE active');
    const preterm = active?.definition.sections.flatMap((s) => s.questions).find((q) => q.id === 'preterm');
    expect(preterm).toMatchObject({ label: { de: 'Kam das Baby zu früh?' }, weightYes: 3 });
    expect(await stored()).toEqual([...before, { version: '2026.9', active: true }]);
    expect(await officeViolations(page)).toEqual([]);
    await backend().db.query('DELETE FROM questionnaire_definitions');
    await page.close();
  });

  it('round-trips the catalogue as a German CSV: export, one edited cell previewed as "1 geändert", confirmed; a wrong value named with the allowed values', async () => {
    const coordinator = demoAccount('coordinator');
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(coordinator.username, coordinator.password);
    await officePage.root
      .getByRole('navigation', { name: office.nav.label })
      .getByRole('button', { name: office.nav.offers, exact: true })
      .click();
    const panel = page.getByTestId('offer-catalog');
    await panel.getByTestId('offer-catalog-table').waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('button', { name: referral.catalog.file.exportCsv }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('angebote.csv');
    const rows = csvToRows(await readFile(await download.path(), 'utf8'));
    const header = rows[0] ?? [];
    expect(header.slice(0, 4)).toEqual(['Kennung', 'Name des Angebots', 'Träger', 'Art des Angebots']);
    const hours = header.indexOf('Sprechzeiten');
    const agePhases = header.indexOf('Altersphasen');
    const offerId = rows[1]?.[0] ?? '';
    const stored = async () =>
      (
        await backend().db.query<{ hours: string; age_phases: string[] }>('SELECT hours, age_phases FROM offers WHERE id = $1', [offerId])
      )[0];
    const before = await stored();
    const importFile = (edited: string[][]) =>
      panel
        .getByLabel(referral.catalog.file.import)
        .setInputFiles({ name: 'angebote.csv', mimeType: 'text/csv', buffer: Buffer.from(rowsToCsv(edited)) });

    // One edited cell: the preview says 1 changed and the rest unchanged; nothing is written before the confirmation.
    const edited = rows.map((cells) => [...cells]);
    (edited[1] ?? [])[hours] = 'Mo und Do 9–12 Uhr';
    await importFile(edited);
    const preview = panel.getByTestId('offer-file-preview');
    await preview.waitFor();
    const counts = { created: 0, changed: 1, removed: 0, unchanged: rows.length - 2 };
    expect(await preview.getByTestId('offer-file-summary').textContent()).toBe(filled(referral.catalog.file.summary, counts));
    expect(await preview.textContent()).toContain(referral.catalog.fields.hours);
    expect(await stored()).toEqual(before);
    expect(await officeViolations(page)).toEqual([]);
    await preview.getByRole('button', { name: referral.catalog.file.confirm }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: filled(referral.catalog.file.imported, counts) })
      .waitFor();
    expect((await stored())?.hours).toBe('Mo und Do 9–12 Uhr');

    // A value the file does not allow: row, column as in the header, the value and the allowed values; nothing changes.
    (edited[1] ?? [])[agePhases] = 'Baby, Kleinkinder';
    await importFile(edited);
    const problems = panel.getByTestId('offer-file-problems');
    await problems.waitFor();
    const message = filled(referral.fileProblems.notAllowed, { value: 'Kleinkinder' });
    expect(await problems.textContent()).toContain(filled(referral.catalog.file.problemAt, { row: 2, column: 'Altersphasen', message }));
    expect(await problems.textContent()).toContain(
      filled(referral.catalog.file.allowed, { values: 'Schwangerschaft, Baby, Kleinkind, Kita-Alter, Schulalter' }),
    );
    expect((await stored())?.age_phases).toEqual(before?.age_phases);
    expect(await panel.getByTestId('offer-file-preview').count()).toBe(0);

    // Follow-up: the weeks field shows the setting the text speaks of.
    await officePage.root
      .getByRole('navigation', { name: office.nav.label })
      .getByRole('button', { name: office.nav.followUp, exact: true })
      .click();
    const weeks = page.getByLabel(referral.followUp.weeksLabel);
    await expect.poll(() => weeks.inputValue()).toBe('6');
    await page.close();
  });

  it('tells a fieldworker there are no office functions for their role, and rejects a wrong password', async () => {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    const fieldworker = demoAccount('home.partner');

    await officePage.submitSignIn(fieldworker.username, 'falsches-passwort');
    await officePage.alert().filter({ hasText: office.apiErrors.unauthorized }).waitFor();

    await officePage.signIn(fieldworker.username, fieldworker.password);
    await officePage.noFunctions().waitFor();
    expect(await officePage.root.textContent()).toContain(office.noFunctions.text);
    expect(await officePage.root.getByRole('navigation').count()).toBe(0);

    await officePage.signOutButton().click();
    await officePage.signInHeading().waitFor();
    expect(await officePage.root.textContent()).toContain(office.signIn.signedOut);
    await page.close();
  });

  it('says it needs a network when offline, refreshes an expired token once, then falls back to sign-in', async () => {
    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    const admin = demoAccount('admin');

    await browser().context.setOffline(true);
    await officePage.root.getByText(office.offline).waitFor();
    await officePage.submitSignIn(admin.username, admin.password);
    await officePage.alert().filter({ hasText: office.apiErrors.network }).waitFor();
    await browser().context.setOffline(false);

    // The access token "expires" once: one refresh, then the list loads.
    const refreshes: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/session/refresh') refreshes.push(response.status());
    });
    const unauthorized = {
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ error: { reason: 'unauthorized', message: 'expired' } }),
    };
    let expireOnce = true;
    await page.route('**/api/admin/organisations', async (route) => {
      if (expireOnce) {
        expireOnce = false;
        await route.fulfill(unauthorized);
      } else {
        await route.continue();
      }
    });
    await officePage.signIn(admin.username, admin.password);
    await officePage.organisationRow(DEMO_ORGANISATION_ID).waitFor();
    expect(refreshes).toEqual([200]);

    // When refreshing fails too, the office area asks for a new sign-in.
    await page.route('**/api/admin/staff', (route) => route.fulfill(unauthorized));
    await page.route('**/api/session/refresh', (route) => route.fulfill(unauthorized));
    await officePage.section('staff').click();
    await officePage.signInHeading().waitFor();
    expect(await officePage.root.textContent()).toContain(office.signIn.expired);
    await page.close();
  });

  it('shows a coordinator the enrolled tablets and revokes one after confirmation', async () => {
    const coordinator = demoAccount('coordinator');
    // A tablet enrolled through the API, as the enrolment screen would do it.
    const login = (await (await apiSignIn(backend().url, coordinator)).json()) as { token: string };
    const label = 'Station 3, Tablet 2';
    const enrolled = await fetch(new URL('/api/devices', backend().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ deviceId: uuidv7(), label }),
    });
    expect(enrolled.status).toBe(201);

    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(coordinator.username, coordinator.password);

    await officePage.tabletsHeading().waitFor();
    // Organisations and staff are for admins only.
    expect(await officePage.root.getByRole('button', { name: office.nav.organisations }).count()).toBe(0);
    expect(await officePage.root.getByRole('button', { name: office.nav.staff }).count()).toBe(0);

    const row = officePage.tabletRow(label);
    await row.waitFor();
    expect(await row.textContent()).toContain(office.tablets.state.active);
    // The organisation by its name, not its id.
    const [organisation] = await backend().db.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
      DEMO_ORGANISATION_ID,
    ]);
    expect(await row.textContent()).toContain(organisation?.name ?? 'missing');
    expect(await row.textContent()).not.toContain(DEMO_ORGANISATION_ID);
    expect(await row.getAttribute('data-revoked')).toBe('false');

    const confirm = await officePage.revokeTablet(label);
    expect(await confirm.textContent()).toContain(office.tablets.confirmRevoke);
    expect(await officeViolations(page)).toEqual([]);
    await officePage.confirmRevoke();
    await expect.poll(async () => row.getAttribute('data-revoked'), { timeout: 10_000 }).toBe('true');
    await page.close();
  });

  it('shows a tablet’s unsent records after its status check, and warns about one unsent for three days', async () => {
    const coordinator = demoAccount('coordinator');
    const login = (await (await apiSignIn(backend().url, coordinator)).json()) as { token: string };
    const enrolled = await fetch(new URL('/api/devices', backend().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ deviceId: uuidv7(), label: 'Station 5, Tablet 1' }),
    });
    expect(enrolled.status).toBe(201);
    const { device, deviceSecret } = (await enrolled.json()) as { device: { deviceId: string }; deviceSecret: string };
    // The tablet's status check, as the app sends it: five records unsent, the oldest saved three days ago.
    const checked = await fetch(new URL('/api/devices/status', backend().url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        deviceId: device.deviceId,
        deviceSecret,
        report: {
          appVersion: APP_VERSION,
          unsentCount: 5,
          unsentByKind: { homeContact: 3, screening: 2 },
          oldestUnsentAgeSeconds: 3 * 86_400 + 600,
          draftCount: 1,
          storagePersisted: false,
          storageUsageBytes: 3_500_000,
          storageQuotaBytes: 6_000_000_000,
        },
      }),
    });
    expect(checked.status).toBe(200);

    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(coordinator.username, coordinator.password);
    const row = officePage.tabletRow('Station 5, Tablet 1');
    await row.waitFor();
    expect(await row.locator('[data-column="unsent"]').textContent()).toContain(filled(office.tablets.unsentCount_other, { count: 5 }));
    expect(await row.locator('[data-column="appVersion"]').textContent()).toContain(APP_VERSION);
    expect(await row.locator('[data-column="storage"]').textContent()).toContain(office.tablets.storage.notPersistent);
    expect(await row.getAttribute('data-warnings')).toBe('unsentTooOld');
    const warning = officePage.root.getByTestId('fleet-warnings').locator(`li[data-device-id="${device.deviceId}"]`);
    expect(await warning.textContent()).toContain('Station 5, Tablet 1');
    expect(await warning.getAttribute('data-warning')).toBe('unsentTooOld');
    expect(await officePage.root.getByTestId('fleet-warnings').textContent()).toContain(office.tablets.warnings.whatToDo);
    expect(await officeViolations(page)).toEqual([]);

    // Revoking it would delete those records: the confirmation says so.
    const confirm = await officePage.revokeTablet('Station 5, Tablet 1');
    expect(await confirm.textContent()).toContain(filled(office.tablets.confirmRevokeUnsent_other, { count: 5 }));
    await confirm.getByRole('button', { name: office.cancel }).click();

    for (const [name, size] of [
      ['landscape', { width: 1024, height: 768 }],
      ['portrait', { width: 768, height: 1024 }],
    ] as const) {
      await page.setViewportSize(size);
      await officePage.tabletsHeading().scrollIntoViewIfNeeded();
      // Cancelling put the focus back on the row's revoke button, which scrolled the table sideways.
      await page.locator('.office-table-wrap').evaluate((wrap) => {
        wrap.scrollLeft = 0;
      });
      await page.screenshot({ path: `${SHOTS}/office-tablets-de-${name}.png`, fullPage: true });
    }
    await page.close();
  });
});
