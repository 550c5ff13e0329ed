// The coordinator's exports in real Chromium against the real backend: the
// four download buttons beside the reports give files whose FHIR validates
// against the official R4 schema, and whose only identifier is the case number.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, setUpBackendAndTablet } from './support/browser-suite';
import { OfficePage, office } from './pages/OfficePage';
import { fhirSchemaErrors } from '../fixtures/fhir-schema';
import reports from '../../locales/de/reports.json';
import reportsEn from '../../locales/en/reports.json';
import common from '../../locales/de/common.json';
import defaultScreening from '@domain/default-screening.json';
import { halfYearOf } from '@domain/indicators';
import { localIsoDate } from '@domain/home-contact';
import { loadQuestionnaire } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';

const SHOTS = process.env['SHOTS_DIR'] ?? 'test-results';

async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByTestId('office-area').getByRole('button', { name: button, exact: true }).click();
  const file = await download;
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

describe.skipIf(!chromiumPath)('coordinator exports, end to end', () => {
  const { backend, browser } = setUpBackendAndTablet();

  it('downloads referrals, questionnaires and screenings as valid FHIR R4 and screenings as CSV', async () => {
    const { from } = halfYearOf(localIsoDate(new Date()));
    const day = `${from.slice(0, 8)}10`;
    const loaded = loadQuestionnaire(defaultScreening);
    if (!loaded.ok) throw new Error('default questionnaire');
    const content = {
      definitionId: loaded.definition.id,
      definitionVersion: loaded.definition.version,
      definitionHash: await contentHash(loaded.definition),
      answers: { preterm: true, pretermWeek: 33, financialHardship: true },
      score: 4,
      supportNeed: 'informationOnly',
      acuteDanger: [],
      suggestedOffers: [],
    };
    const municipality = backend().demo.municipalityId;
    await backend().db.query(
      `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number, device_id, author_id,
                            device_created_at, content_hash, content)
       SELECT $1, gen_random_uuid(), 1, 'screening', 1, '2026.1', 'E2E-' || g, gen_random_uuid(),
              (SELECT id FROM staff_accounts WHERE username = 'coordinator'), ($2::date + time '10:00') AT TIME ZONE 'Europe/Berlin',
              repeat('a', 64), $3::jsonb
         FROM generate_series(1, 3) AS g`,
      [municipality, day, JSON.stringify(content)],
    );
    await backend().db.query(
      // The referral's own record is stood in for by its screening: countable as that is (the referral's own
      // second check is tested in referral-four-eyes.integration.test.ts).
      `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, source_record_id, created_by, created_at, state, state_reason)
       SELECT gen_random_uuid(), $1, 'E2E-1', 'familienhebammen-demo', 'familienhebamme', s.id, s.id, a.id,
              ($2::date + time '11:00') AT TIME ZONE 'Europe/Berlin', 'declined', 'noCapacity'
         FROM staff_accounts a, records s
        WHERE a.username = 'coordinator' AND s.municipality_id = $1 AND s.case_number = 'E2E-1'`,
      [municipality, day],
    );

    const page = await browser().context.newPage();
    const officePage = new OfficePage(page);
    await officePage.open(backend().url);
    await officePage.signIn(backend().demo.coordinator.username, backend().demo.coordinator.password);
    await officePage.root
      .getByRole('navigation', { name: office.nav.label })
      .getByRole('button', { name: office.nav.reports, exact: true })
      .click();
    await officePage.root.getByRole('heading', { level: 3, name: reports.exports.title }).waitFor();

    const referrals = await downloaded(page, reports.exports.referrals);
    expect(referrals.name).toMatch(/^vermittlungen-fhir-.*\.json$/);
    expect(fhirSchemaErrors(JSON.parse(referrals.text))).toEqual([]);
    expect(referrals.text).toContain('"code":"noCapacity"');
    expect(referrals.text).toContain('"status":"rejected"');

    const questionnaires = await downloaded(page, reports.exports.questionnaires);
    expect(fhirSchemaErrors(JSON.parse(questionnaires.text))).toEqual([]);
    expect(questionnaires.text).toContain('"resourceType":"Questionnaire"');

    const screenings = await downloaded(page, reports.exports.screenings);
    expect(fhirSchemaErrors(JSON.parse(screenings.text))).toEqual([]);
    expect(screenings.text.match(/"resourceType":"QuestionnaireResponse"/g)).toHaveLength(3);

    const csv = await downloaded(page, reports.exports.screeningsCsv);
    expect(csv.name).toMatch(/^screenings-.*\.csv$/);
    expect(csv.text.trim().split('\n')).toHaveLength(4);
    expect(csv.text).toContain('E2E-2');

    // The period comes from the report's picker (whole periods only), so it can no longer end before it starts;
    // the export API still refuses such a period (tests/integration/server/http/fhir-export*.integration.test.ts).

    const section = officePage.root.locator('.report-exports');
    const shoot = async (language: string): Promise<void> => {
      for (const [name, size] of [
        ['landscape', { width: 1024, height: 768 }],
        ['portrait', { width: 768, height: 1024 }],
      ] as const) {
        await page.setViewportSize(size);
        await section.scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SHOTS}/office-exports-${language}-${name}.png` });
      }
    };
    await shoot('de');
    // The office speaks the staff languages (German, English); Arabic exists only for family-facing screens.
    await page.getByLabel(common.settings.staffLanguage).selectOption('en');
    await officePage.root.getByRole('heading', { level: 3, name: reportsEn.exports.title }).waitFor();
    await shoot('en');
  });
});
