// FHIR R4 exports and the screenings CSV from the office: valid R4 JSON (the
// official schema, zero errors), the case number as the only identifier, no free
// text, only countable screenings of the period, never another municipality's
// data, coordinators only, every export audited, and nothing a browser may keep.
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import type { ScreeningContent } from '@shared/records/screening';
import defaultScreening from '@domain/default-screening.json';
import { evaluate, loadQuestionnaire, visibleAnswers, type Answers, type QuestionnaireDefinition } from '@domain/questionnaire';
import { insertOffer } from '@server/services/offer-service';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import { fhirSchemaErrors } from '../../../fixtures/fhir-schema';
import { referralRecord } from '../../../fixtures/referral-records';
import {
  DEMO_ADMIN,
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
  setReferralSecondCheck,
} from '../../helpers/test-app';

const PERIOD = 'from=2026-01-01&to=2026-06-30';
/** A harmless note a family could give: it must never leave Lotse in an export. */
const NOTE = 'Tigrinya und etwas Englisch';

interface Bundle {
  resourceType: string;
  entry: { fullUrl: string; resource: Record<string, unknown> & { resourceType: string } }[];
}

function definitionOf(raw: unknown): QuestionnaireDefinition {
  const result = loadQuestionnaire(raw);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

async function screeningRecord(deviceId: string, caseNumber: string, answers: Answers, createdAt: string, district?: string) {
  const definition = definitionOf(defaultScreening);
  const evaluation = evaluate(definition, answers);
  const content: ScreeningContent = {
    definitionId: definition.id,
    definitionVersion: definition.version,
    definitionHash: await contentHash(definition),
    answers: visibleAnswers(answers, evaluation.visible),
    score: evaluation.score,
    supportNeed: evaluation.supportNeed,
    acuteDanger: evaluation.acuteDanger,
    suggestedOffers: [],
    ...(district === undefined ? {} : { district }),
  };
  return {
    id: uuidv7(),
    revision: 1,
    kind: 'screening' as const,
    schemaVersion: 1 as const,
    formVersion: '2026.1',
    deviceId,
    createdAt,
    caseNumber,
    contentHash: await contentHash(content),
    content,
  };
}

const ANSWERS: Answers = {
  motherHealthProblem: false,
  partnerInvolved: 'noPartner',
  preterm: true,
  pretermWeek: 34,
  financialHardship: true,
  supportNetwork: 'hardlyAny',
  languages: ['other'],
  languageOther: NOTE,
  moodScale: 3,
};

describeEachDatabase('FHIR exports', ({ db }) => {
  let app: FastifyInstance;
  let coordinator: string;
  const screened: string[] = [];
  /** The screening each case's referral is made from. */
  const sourceOf = new Map<string, string>();
  let pendingCase = '';
  let lateCase = '';
  let otherCase = '';
  let otherMunicipality = '';
  let declinedCase = '';

  const get = (path: string, token: string | null = coordinator) =>
    app.inject({ method: 'GET', url: path, headers: token === null ? {} : bearer(token) });
  const auditCount = async (): Promise<number> =>
    (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'export.%'`))[0]?.n ?? 0;

  beforeAll(async () => {
    await seedDemo(db());
    // Exports after the referral's own second check (tested in referral-four-eyes.integration.test.ts).
    await setReferralSecondCheck(db(), false);
    app = buildTestApp(db());
    await app.ready();
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    // Pushed without author signatures: the second check is off while they arrive, one is made pending by hand below.
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ('demo-stadt', '{}', false)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_kinds = '{}', four_eyes_for_referrals = false`,
    );
    const tablet = await signInOnTablet(app, db());
    const records: unknown[] = [];
    const screening = async (createdAt: string): Promise<{ caseNumber: string; id: string }> => {
      const caseNumber = newCaseNumber();
      records.push(
        await consentRecord(tablet.deviceId, caseNumber, {
          content: await consentContent('de', { setting: 'screening', scopes: ['documentation', 'statistics', 'referral'] }),
        }),
      );
      const record = await screeningRecord(tablet.deviceId, caseNumber, ANSWERS, createdAt, 'nord');
      records.push(record);
      sourceOf.set(caseNumber, record.id);
      return { caseNumber, id: record.id };
    };
    for (let k = 0; k < 3; k += 1) screened.push((await screening('2026-03-10T10:00:00.000+01:00')).caseNumber);
    const pending = await screening('2026-03-11T10:00:00.000+01:00');
    pendingCase = pending.caseNumber;
    lateCase = (await screening('2026-07-02T10:00:00.000+02:00')).caseNumber;
    const pushed = await pushAsTablet(app, tablet, records);
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.body).not.toContain('rejected');
    await db().query('UPDATE records SET needs_second_check = true WHERE id = $1', [pending.id]);

    // Referrals in the period: one per screened case, one declined for lack of capacity with a shared note.
    // Made on a tablet from the case's screening, as staff do, then moved by hand into the period and a later state.
    const referral = async (
      via: Awaited<ReturnType<typeof signInOnTablet>>,
      caseNumber: string,
      offerId: string,
      state: string,
      reason: string | null,
      note: string | null,
    ) => {
      const made = await referralRecord(via.deviceId, caseNumber, {
        sourceRecordId: sourceOf.get(caseNumber) ?? '',
        offerIds: [offerId],
        ...(note === null ? {} : { sharedNote: note }),
      });
      const pushedReferral = await pushAsTablet(app, via, [{ ...made, createdAt: '2026-03-12T09:00:00.000+01:00' }]);
      expect(pushedReferral.body).toContain('accepted');
      await db().query(
        `UPDATE referrals SET state = $2, state_reason = $3, created_at = '2026-03-12T09:00:00+01:00' WHERE record_id = $1`,
        [made.id, state, reason],
      );
    };
    declinedCase = screened[0] ?? '';
    await referral(tablet, declinedCase, 'familienhebammen-demo', 'declined', 'noCapacity', NOTE);
    await referral(tablet, screened[1] ?? '', 'familienhebammen-demo', 'contacted', 'appointmentMade', null);

    // Another municipality with its own definition, screening and referral.
    const other = await seedOtherMunicipality(db());
    otherMunicipality = other.municipalityId;
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ($1, '{}', false)`,
      [otherMunicipality],
    );
    const otherTablet = await signInOnTablet(app, db(), { username: other.username, password: other.password });
    otherCase = newCaseNumber();
    const otherScreening = await screeningRecord(otherTablet.deviceId, otherCase, ANSWERS, '2026-03-10T10:00:00.000+01:00');
    sourceOf.set(otherCase, otherScreening.id);
    const otherPush = await pushAsTablet(app, otherTablet, [
      await consentRecord(otherTablet.deviceId, otherCase, {
        content: await consentContent('de', { setting: 'screening', scopes: ['documentation', 'statistics', 'referral'] }),
      }),
      otherScreening,
    ]);
    expect(otherPush.statusCode, otherPush.body).toBe(200);
    expect(otherPush.body).not.toContain('rejected');
    await insertOffer(db(), otherMunicipality, {
      id: 'zweitstadt-hebamme',
      name: 'Hebamme Zweitstadt',
      organisation: 'Träger Zweitstadt',
      type: 'familienhebamme',
      agePhases: ['baby'],
      fields: ['health'],
      districts: [],
      languages: ['de'],
      cost: '',
      address: '',
      phone: '',
      hours: '',
      whatToBring: '',
    });
    await referral(otherTablet, otherCase, 'zweitstadt-hebamme', 'handedOver', null, null);
    const [fieldworker] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE municipality_id = $1', [otherMunicipality]);
    await db().query(
      `INSERT INTO questionnaire_definitions (municipality_id, definition_id, version, definition_hash, definition, uploaded_by, active)
       VALUES ($1, 'zweitstadt-screening', '2026.5', $2, $3::jsonb, $4, true)`,
      [
        otherMunicipality,
        'e'.repeat(64),
        JSON.stringify({ ...defaultScreening, id: 'zweitstadt-screening', version: '2026.5' }),
        fieldworker?.id,
      ],
    );
  });
  afterAll(async () => {
    await app.close();
  });

  it('exports the period’s referrals as ServiceRequest + Task that validate against FHIR R4, reasons mapped, no note', async () => {
    const before = await auditCount();
    const response = await get(`/api/exports/fhir/referrals?${PERIOD}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-type']).toContain('application/fhir+json');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="vermittlungen-fhir-2026-01-01-2026-06-30\.json"$/);
    const bundle = response.json<Bundle>();
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['ServiceRequest', 'Task', 'ServiceRequest', 'Task']);
    const declined = bundle.entry.find(
      (e) => e.resource.resourceType === 'Task' && JSON.stringify(e.resource).includes(declinedCase),
    )?.resource;
    expect(declined).toMatchObject({
      status: 'rejected',
      statusReason: { coding: [{ code: 'noCapacity' }] },
      for: { identifier: { value: declinedCase } },
      authoredOn: '2026-03',
    });
    expect(response.body).not.toContain(NOTE);
    expect(response.body).not.toContain(otherCase);
    expect(response.body).not.toContain('Zweitstadt');
    expect(await auditCount()).toBe(before + 1);
    const [entry] = await db().query<{ object_id: string; actor_id: string }>(
      `SELECT object_id, actor_id FROM audit_log WHERE action = 'export.fhirReferrals' ORDER BY id DESC LIMIT 1`,
    );
    // The period and how many referrals left, never a case number.
    expect(entry?.object_id).toBe(`2026-01-01..2026-06-30#${String(bundle.entry.length / 2)}`);
  });

  it('exports every questionnaire version of the municipality (and the built-in default) as a valid FHIR Questionnaire', async () => {
    const upload = await app.inject({
      method: 'POST',
      url: '/api/questionnaires',
      headers: bearer(coordinator),
      payload: { ...defaultScreening, version: '2026.7', title: { de: 'Demo-Stadt Fragebogen', en: 'Demo town questionnaire' } },
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const response = await get('/api/exports/fhir/questionnaires');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const bundle = response.json<Bundle>();
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    const versions = bundle.entry.map((e) => ({ version: e.resource['version'], status: e.resource['status'] }));
    expect(versions).toEqual(
      expect.arrayContaining([
        { version: '2026.7', status: 'active' },
        { version: defaultScreening.version, status: 'retired' },
      ]),
    );
    expect(response.body).not.toContain('zweitstadt-screening');
  });

  it('exports countable screenings of the period as QuestionnaireResponses and CSV, never free text or another town', async () => {
    const response = await get(`/api/exports/fhir/screenings?${PERIOD}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const bundle = response.json<Bundle>();
    expect(fhirSchemaErrors(bundle)).toEqual([]);
    const cases = bundle.entry.map((e) => (e.resource['subject'] as { identifier: { value: string } }).identifier.value);
    expect(cases.sort()).toEqual([...screened].sort());
    // The answers travel (of the definition version each screening used), the note never.
    expect(response.body).toContain('"linkId":"pretermWeek","answer":[{"valueDecimal":34}]');
    for (const absent of [pendingCase, lateCase, otherCase, NOTE, 'languageOther', '2026-03-10'])
      expect(response.body).not.toContain(absent);

    const csvResponse = await get(`/api/exports/screenings.csv?${PERIOD}`);
    expect(csvResponse.statusCode, csvResponse.body).toBe(200);
    expect(csvResponse.headers['cache-control']).toBe('no-store');
    expect(csvResponse.headers['content-type']).toContain('text/csv');
    const rows: string[][] = parse(csvResponse.body);
    const header = rows[0] ?? [];
    expect(header.slice(0, 3)).toEqual(['caseNumber', 'month', 'definitionId']);
    expect(header).toContain('pretermWeek');
    expect(header).not.toContain('languageOther');
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([...screened].sort());
    const row = rows[1] ?? [];
    expect(row[header.indexOf('preterm')]).toBe('yes');
    expect(row[header.indexOf('pretermWeek')]).toBe('34');
    expect(row[header.indexOf('month')]).toBe('2026-03');
    for (const absent of [pendingCase, lateCase, otherCase, NOTE]) expect(csvResponse.body).not.toContain(absent);
  });

  it('refuses a bad period with 400 and a reason, and audits nothing', async () => {
    const before = await auditCount();
    for (const kind of ['fhir/referrals', 'fhir/screenings', 'screenings.csv']) {
      const backwards = await get(`/api/exports/${kind}?from=2026-06-30&to=2026-01-01`);
      expect(backwards.statusCode, kind).toBe(400);
      expect(backwards.json<{ error: { issues: { message: string }[] } }>().error.issues[0]?.message).toBe('endBeforeStart');
      const impossible = await get(`/api/exports/${kind}?from=2026-02-30&to=2026-06-30`);
      expect(impossible.statusCode, kind).toBe(400);
      expect(impossible.json<{ error: { issues: { message: string }[] } }>().error.issues[0]?.message).toBe('invalidDate');
      const tooLong = await get(`/api/exports/${kind}?from=2024-01-01&to=2026-06-30`);
      expect(tooLong.statusCode, kind).toBe(400);
      expect(tooLong.json<{ error: { issues: { message: string }[] } }>().error.issues[0]?.message).toBe('tooLong');
      expect((await get(`/api/exports/${kind}`)).statusCode, kind).toBe(400);
    }
    expect(await auditCount()).toBe(before);
  });

  it('lets only coordinators export: other roles get 403, nobody signed in 401', async () => {
    const before = await auditCount();
    const others = [DEMO_FIELDWORKER, DEMO_APPROVER, DEMO_ADMIN, DEMO_PARTNER_ACCOUNT];
    for (const account of others) {
      const token = (await login(app, account.username, account.password)).token;
      for (const path of [`fhir/referrals?${PERIOD}`, 'fhir/questionnaires', `fhir/screenings?${PERIOD}`, `screenings.csv?${PERIOD}`]) {
        const response = await get(`/api/exports/${path}`, token);
        expect(response.statusCode, `${account.username} ${path}`).toBe(403);
        expect(response.body).not.toContain(screened[0] ?? 'x');
      }
    }
    expect((await get(`/api/exports/fhir/screenings?${PERIOD}`, null)).statusCode).toBe(401);
    expect(await auditCount()).toBe(before);
  });
});
