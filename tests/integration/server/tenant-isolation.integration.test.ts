// Tenant isolation sweep: a second municipality with its own admin, coordinator,
// fieldworker, organisation, tablet, signing key and record. Every route of the
// OpenAPI document is called by every kind of user of the first municipality
// (and by nobody), with path parameters and bodies naming the other
// municipality's objects. Routes with such path parameters must answer 401, 403
// or 404 — never 403-after-lookup, never 2xx; no answer may contain the other
// municipality's ids or secrets that the request did not name itself; and the
// other municipality's rows must be exactly as before.
import type { FastifyInstance } from 'fastify';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LoginResponse } from '@shared/protocol';
import type { EnrollDeviceResponse, SigningKey, StaffAccount } from '@shared/staff-api';
import { uuidv7 } from '@shared/ids';
import { createHandoverKey } from '@shared/crypto/handover-box';
import { createStaffAccount } from '@server/services/staff-accounts';
import type { Database } from '@server/db/database';
import { insertOffer } from '@server/services/offer-service';
import { OfferCatalogService } from '@server/services/offer-catalog-service';
import { offerFileExportSchema, offerImportPreviewSchema } from '@shared/referral-api';
import defaultScreening from '@domain/default-screening.json';
import { loadQuestionnaire } from '@domain/questionnaire';
import { definitionToSheets } from '@domain/questionnaire-xlsform';
import { sheetsToXlsx, xlsxToSheets } from '@server/services/questionnaire-xlsx-io';
import { questionnaireXlsxExportSchema, questionnaireXlsxPreviewSchema } from '@shared/questionnaire-api';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { describeEachDatabase } from '../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentRecord,
  consentWithdrawalRecord,
  enrollDevice,
  enrollTablet,
  homeContactContent,
  homeContactRecord,
  login,
  newCaseNumber,
  newSigningPublicKey,
  pushBody,
  seedDemo,
} from '../helpers/test-app';
import type { Credentials } from '../helpers/test-app';

interface OtherTenant {
  municipalityId: string;
  organisationIds: string[];
  staff: StaffAccount[];
  adminId: string;
  /** A passkey of its admin (only the stored row: no Demo-Stadt route may list, use or remove it). */
  passkeyId: string;
  usernames: string[];
  device: EnrollDeviceResponse;
  key: SigningKey;
  recordId: string;
  /** A case with consent and a contact, and a withdrawn case (tombstone). */
  caseNumber: string;
  withdrawnCaseNumber: string;
  fieldworkerSession: LoginResponse;
  /** Its own offer, district and emergency contact (names unique to this tenant). */
  offerId: string;
  offerName: string;
  districtLabel: string;
  emergencyPhone: string;
  /** Its own active questionnaire definition. */
  questionnaireId: string;
  /** A referral of its case to its offer, run by its partner organisation. */
  referralId: string;
  handoverCiphertext: string;
}

const LIMITS = { max: 100_000, timeWindowMs: 60_000 };

/** The other municipality's tablet reports this; its counts must never show up in Demo-Stadt. */
const OTHER_TABLET_REPORT = {
  appVersion: '0.0.7',
  unsentCount: 4321,
  unsentByKind: { screening: 4321 },
  oldestUnsentAgeSeconds: 654_321,
  draftCount: 0,
  storagePersisted: false,
  storageUsageBytes: null,
  storageQuotaBytes: null,
};

async function seedOtherTenant(app: FastifyInstance, db: Database): Promise<OtherTenant> {
  const suffix = uuidv7().slice(-8);
  const municipalityId = `tenant-b-${suffix}`;
  const organisationId = `b-home-${suffix}`;
  await db.query('INSERT INTO municipalities (id, name) VALUES ($1, $2)', [municipalityId, 'Zweitstadt']);
  await db.query('INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, $3, $4)', [
    organisationId,
    municipalityId,
    'HOME Zweitstadt',
    'home-project',
  ]);
  const adminUsername = `b.admin.${suffix}`;
  const adminPassword = `b-admin-${suffix}-password`;
  const adminId = await createStaffAccount(db, {
    municipalityId,
    organisationId,
    username: adminUsername,
    displayName: 'Admin Zweitstadt',
    password: adminPassword,
    roles: ['admin'],
  });
  const admin = await login(app, adminUsername, adminPassword);
  const call = async (token: string, url: string, payload: object): Promise<unknown> => {
    const response = await app.inject({ method: 'POST', url, headers: bearer(token), payload });
    if (response.statusCode !== 201) throw new Error(`setup ${url}: ${response.statusCode}`);
    return response.json();
  };
  const extraOrganisationId = `b-clinic-${suffix}`;
  await call(admin.token, '/api/admin/organisations', { id: extraOrganisationId, name: 'Klinik B', kind: 'clinic' });
  const password = `b-staff-${suffix}-password`;
  const coordinator = (await call(admin.token, '/api/admin/staff', {
    username: `b.coord.${suffix}`,
    displayName: 'Koordination B',
    organisationId,
    roles: ['coordinator'],
    password,
  })) as StaffAccount;
  const fieldworker = (await call(admin.token, '/api/admin/staff', {
    username: `b.field.${suffix}`,
    displayName: 'Partnerin B',
    organisationId: extraOrganisationId,
    roles: ['fieldworker'],
    password,
  })) as StaffAccount;
  const device = await enrollDevice(app, (await login(app, coordinator.username, password)).token, 'Tablet B');
  // Its fleet report, which no attempt from Demo-Stadt may read or overwrite.
  const reported = await app.inject({
    method: 'POST',
    url: '/api/devices/status',
    payload: { deviceId: device.device.deviceId, deviceSecret: device.deviceSecret, report: OTHER_TABLET_REPORT },
  });
  if (reported.statusCode !== 200) throw new Error(`fleet report failed: ${reported.body}`);
  const fieldworkerSession = await login(app, fieldworker.username, password, device.device.deviceId, device.deviceSecret);
  const key = (await call(fieldworkerSession.token, '/api/staff/keys', {
    deviceId: device.device.deviceId,
    publicKey: await newSigningPublicKey(),
  })) as SigningKey;
  const deviceId = device.device.deviceId;
  const record = await homeContactRecord(deviceId);
  const caseNumber = newCaseNumber();
  const withdrawnCaseNumber = newCaseNumber();
  const pushed = await app.inject({
    method: 'POST',
    url: '/api/sync/push',
    headers: bearer(fieldworkerSession.token),
    payload: pushBody(deviceId, [
      record,
      await consentRecord(deviceId, caseNumber),
      await homeContactRecord(deviceId, { caseNumber }),
      await consentRecord(deviceId, withdrawnCaseNumber),
      await consentWithdrawalRecord(deviceId, withdrawnCaseNumber),
    ]),
  });
  if (pushed.statusCode !== 200 || pushed.body.includes('rejected')) throw new Error(`setup push: ${pushed.statusCode}`);
  const offerId = `b-offer-${suffix}`;
  const offerName = `Angebot Zweitstadt ${suffix}`;
  await insertOffer(db, municipalityId, {
    id: offerId,
    name: offerName,
    organisation: `Träger Zweitstadt ${suffix}`,
    type: 'familienbildung',
    agePhases: ['baby'],
    fields: ['education'],
    districts: [`b-bezirk-${suffix}`],
    languages: ['de'],
    cost: '',
    address: `Zweitstraße ${suffix}`,
    phone: '0000 333333',
    hours: '',
    whatToBring: '',
  });
  const districtLabel = `Bezirk Zweitstadt ${suffix}`;
  await db.query('INSERT INTO districts (municipality_id, id, label) VALUES ($1, $2, $3)', [
    municipalityId,
    `b-bezirk-${suffix}`,
    districtLabel,
  ]);
  const emergencyPhone = `0000 ${suffix}`;
  await db.query('INSERT INTO emergency_contacts (municipality_id, label, phone) VALUES ($1, $2, $3)', [
    municipalityId,
    `Notdienst Zweitstadt ${suffix}`,
    emergencyPhone,
  ]);
  const questionnaireId = `zweitstadt-${suffix}`;
  await call(admin.token, '/api/questionnaires', { ...defaultScreening, id: questionnaireId, version: '2026.9' });
  const partnerOrganisationId = `b-partner-${suffix}`;
  await db.query('INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, $3, $4)', [
    partnerOrganisationId,
    municipalityId,
    'Träger B',
    'partner',
  ]);
  await db.query('UPDATE offers SET partner_organisation_id = $1 WHERE municipality_id = $2 AND id = $3', [
    partnerOrganisationId,
    municipalityId,
    offerId,
  ]);
  const referralId = uuidv7();
  await db.query(
    `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, created_by, state)
     VALUES ($1, $2, $3, $4, 'familienbildung', $5, $6, 'handedOver')`,
    [referralId, municipalityId, caseNumber, offerId, uuidv7(), coordinator.id],
  );
  // An open call-back request of that referral (warm handover): its box must never leave Zweitstadt.
  const handoverCiphertext = `zweitstadtBox${suffix.replace(/[^A-Za-z0-9]/g, '')}`;
  await db.query(
    `INSERT INTO warm_handovers (referral_id, municipality_id, boxes, expires_at) VALUES ($1, $2, $3::jsonb, now() + interval '14 days')`,
    [referralId, municipalityId, JSON.stringify([{ keyId: uuidv7(), epk: 'AAAA', iv: 'AAAAAAAAAAAAAAAA', ct: handoverCiphertext }])],
  );
  const passkeyId = uuidv7();
  await db.query(
    `INSERT INTO passkey_credentials (credential_id, account_id, municipality_id, public_key, sign_count, label, created_at)
     VALUES ($1, $2, $3, 'pQECAyYgASFYIA', 7, 'Schlüssel B', now())`,
    [passkeyId, adminId, municipalityId],
  );
  return {
    passkeyId,
    handoverCiphertext,
    referralId,
    municipalityId,
    questionnaireId,
    organisationIds: [organisationId, extraOrganisationId, partnerOrganisationId],
    staff: [coordinator, fieldworker],
    adminId,
    usernames: [adminUsername, coordinator.username, fieldworker.username],
    device,
    key,
    recordId: record.id,
    caseNumber,
    withdrawnCaseNumber,
    fieldworkerSession,
    offerId,
    offerName,
    districtLabel,
    emergencyPhone,
  };
}

/** Every row that belongs to (or points at) the other municipality, as text. */
async function snapshot(db: Database, other: OtherTenant): Promise<string> {
  const m = other.municipalityId;
  const d = other.device.device.deviceId;
  const parts = await Promise.all([
    db.query('SELECT * FROM municipalities WHERE id = $1', [m]),
    db.query('SELECT * FROM municipality_settings WHERE municipality_id = $1', [m]),
    db.query('SELECT * FROM organisations WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM staff_accounts WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM devices WHERE municipality_id = $1 OR id = $2 ORDER BY id', [m, d]),
    db.query('SELECT * FROM device_reports WHERE municipality_id = $1 OR device_id = $2 ORDER BY device_id', [m, d]),
    db.query('SELECT * FROM signing_keys WHERE municipality_id = $1 OR device_id = $2 ORDER BY id', [m, d]),
    db.query('SELECT * FROM sessions WHERE municipality_id = $1 OR device_id = $2 ORDER BY token_hash', [m, d]),
    db.query('SELECT * FROM refresh_tokens WHERE municipality_id = $1 OR device_id = $2 ORDER BY token_hash', [m, d]),
    db.query('SELECT * FROM records WHERE municipality_id = $1 OR id = $2 ORDER BY id, revision', [m, other.recordId]),
    db.query('SELECT * FROM case_tombstones WHERE municipality_id = $1 ORDER BY case_number', [m]),
    db.query('SELECT * FROM withdrawal_requests WHERE municipality_id = $1 ORDER BY withdrawal_record_id', [m]),
    db.query('SELECT * FROM home_sites WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM districts WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM emergency_contacts WHERE municipality_id = $1 ORDER BY label', [m]),
    db.query('SELECT * FROM offers WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM questionnaire_definitions WHERE municipality_id = $1 ORDER BY definition_id, version', [m]),
    db.query('SELECT * FROM referrals WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM referral_state_changes WHERE municipality_id = $1 ORDER BY id', [m]),
    db.query('SELECT * FROM warm_handovers WHERE municipality_id = $1 ORDER BY referral_id', [m]),
    db.query('SELECT * FROM partner_handover_keys WHERE municipality_id = $1 ORDER BY staff_id', [m]),
    db.query('SELECT * FROM second_factors WHERE municipality_id = $1 ORDER BY account_id', [m]),
    db.query('SELECT * FROM second_factor_recovery_codes WHERE municipality_id = $1 ORDER BY code_hash', [m]),
    db.query('SELECT * FROM second_factor_policies WHERE municipality_id = $1', [m]),
    db.query('SELECT * FROM passkey_credentials WHERE municipality_id = $1 ORDER BY credential_id', [m]),
    db.query('SELECT * FROM passkey_challenges WHERE municipality_id = $1 ORDER BY challenge_hash', [m]),
    db.query('SELECT count(*)::int AS n FROM audit_log WHERE municipality_id = $1', [m]),
  ]);
  return JSON.stringify(parts);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
interface Attempt {
  /**
   * Body naming the other municipality's objects where the route takes any;
   * `ownDeviceId` is the Demo-Stadt tablet the caller is signed in on, if any.
   */
  body?: (ownDeviceId: string | null) => Promise<unknown>;
  /** Query string, for routes that answer nothing without one (a period). */
  query?: string;
}

/** This year: the other municipality's referral is made now, so an export of this period would find it. */
const THIS_YEAR = `from=${String(new Date().getFullYear())}-01-01&to=${String(new Date().getFullYear())}-12-31`;

/** The default questionnaire under another id and version, as the XLSForm-style .xlsx the office uploads (base64). */
async function questionnaireXlsx(id: string, version: string): Promise<string> {
  const loaded = loadQuestionnaire({ ...defaultScreening, id, version });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return (await sheetsToXlsx(definitionToSheets(loaded.definition))).toString('base64');
}

describeEachDatabase('tenant isolation', ({ db }) => {
  let app: FastifyInstance;
  let other: OtherTenant;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), {
      loginRateLimit: LIMITS,
      refreshRateLimit: LIMITS,
      deviceStatusRateLimit: LIMITS,
      publicOrigin: 'https://lotse.example.de',
    });
    await app.ready();
    other = await seedOtherTenant(app, db());
  });
  afterAll(async () => {
    await app.close();
  });

  it('lets no user of the first municipality read or change the second one’s objects on any route', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase() as Method, path })),
    );
    const otherDeviceId = other.device.device.deviceId;

    const created = await createHandoverKey('zweitstadt-sweep-passphrase');
    const ownHandoverKey = {
      keyId: uuidv7(),
      publicKey: created.publicKey,
      wrapped: created.wrapped,
      password: DEMO_PARTNER_ACCOUNT.password,
    };
    /** A catalogue file naming the other municipality's offer id and partner organisation. */
    const otherOfferCsv = () =>
      `id;name;organisation;type;agePhases;fields;districts;languages;cost;address;phone;hours;whatToBring;partnerOrganisationId\n${other.offerId};Übernahme;Übernahme;familienbildung;baby;education;;de;;;;;;${other.organisationIds[2] ?? ''}`;
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'AAAA', origin: 'https://lotse.example.de' }));
    const otherAssertion = () => ({
      id: other.passkeyId,
      rawId: other.passkeyId,
      type: 'public-key',
      response: { clientDataJSON: clientData.toString('base64url'), authenticatorData: 'AAAA', signature: 'AAAA' },
      clientExtensionResults: {},
    });
    const otherRegistration = () => ({
      id: other.passkeyId,
      rawId: other.passkeyId,
      type: 'public-key',
      response: { clientDataJSON: clientData.toString('base64url'), attestationObject: 'AAAA' },
      clientExtensionResults: {},
    });
    // Every route must be listed here: a new route fails this test until it is thought through.
    const attempts: Record<string, Attempt> = {
      'GET /api/health': {},
      'GET /api/health/live': {},
      'GET /api/health/ready': {},
      'GET /api/openapi.json': {},
      'POST /api/session': {
        body: () => Promise.resolve({ username: DEMO_FIELDWORKER.username, password: DEMO_FIELDWORKER.password, deviceId: otherDeviceId }),
      },
      'GET /api/session': {},
      'DELETE /api/session': {},
      'POST /api/session/refresh': {
        body: async () => ({ refreshToken: (await login(app)).refreshToken, deviceId: otherDeviceId }),
      },
      // A pending sign-in's token of no one here: 401, and no second factor of the other municipality is touched.
      'POST /api/session/second-factor': { body: () => Promise.resolve({ pendingToken: 'A'.repeat(43), code: '123456' }) },
      'POST /api/session/second-factor/enrolment': { body: () => Promise.resolve({ pendingToken: 'A'.repeat(43) }) },
      'POST /api/session/second-factor/enrolment/confirm': {
        body: () => Promise.resolve({ pendingToken: 'A'.repeat(43), code: '123456' }),
      },
      // Passkeys: a pending token of no one here, an answer naming the other's passkey — 401, nothing of theirs used.
      'POST /api/session/second-factor/passkey/options': { body: () => Promise.resolve({ pendingToken: 'A'.repeat(43) }) },
      'POST /api/session/second-factor/passkey': {
        body: () => Promise.resolve({ pendingToken: 'A'.repeat(43), credential: otherAssertion() }),
      },
      'POST /api/session/second-factor/passkey/enrolment/options': { body: () => Promise.resolve({ pendingToken: 'A'.repeat(43) }) },
      'POST /api/session/second-factor/passkey/enrolment': {
        body: () => Promise.resolve({ pendingToken: 'A'.repeat(43), label: 'Übernahme', credential: otherRegistration() }),
      },
      // The own passkeys only: the other's passkey id is 404 to remove and never listed; adding it again is refused.
      'GET /api/account/passkeys': {},
      'POST /api/account/passkeys/options': { body: () => Promise.resolve({ password: 'not-the-password' }) },
      'POST /api/account/passkeys': { body: () => Promise.resolve({ label: 'Übernahme', credential: otherRegistration() }) },
      'DELETE /api/account/passkeys/{id}': {},
      'GET /api/sync/config': {},
      'POST /api/sync/push': {
        // Signed in on a Demo-Stadt tablet, the push gets to the records (the other's ids and case
        // numbers); without a tablet, naming the other's tablet, it is refused (403) before.
        body: async (ownDeviceId) => {
          const device = ownDeviceId ?? otherDeviceId;
          return pushBody(device, [
            await homeContactRecord(device, { id: other.recordId, content: homeContactContent({ topics: ['other'] }) }),
            await homeContactRecord(device, { id: other.recordId, revision: 2 }),
            // The other municipality's consent covers nothing here, and a withdrawal here deletes nothing there.
            await homeContactRecord(device, { caseNumber: other.caseNumber }),
            await consentWithdrawalRecord(device, other.caseNumber),
            await homeContactRecord(device, { caseNumber: other.withdrawnCaseNumber }),
          ]);
        },
      },
      'GET /api/sync/withdrawals': {},
      'GET /api/sync/offers': {},
      'GET /api/sync/questionnaire': {},
      // Always the caller's own municipality; an upload there leaves the other's definition alone.
      'POST /api/questionnaires': {
        body: () => Promise.resolve({ ...defaultScreening, id: 'demo-uebernahme', version: '2026.8' }),
      },
      'GET /api/questionnaires/xlsx': {},
      'POST /api/questionnaires/xlsx/preview': { body: async () => ({ base64: await questionnaireXlsx('demo-uebernahme', '2026.8') }) },
      'POST /api/questionnaires/xlsx': { body: async () => ({ base64: await questionnaireXlsx('demo-uebernahme', '2026.8') }) },
      'POST /api/devices': { body: () => Promise.resolve({ deviceId: otherDeviceId, label: 'Übernahme' }) },
      'GET /api/devices': {},
      'POST /api/devices/{deviceId}/revoke': {},
      // The lost-tablet report of their tablet: 404, never a case number of theirs.
      'GET /api/devices/{deviceId}/exposure': {},
      'POST /api/devices/status': {
        // A forged report for their tablet without its secret: stored nowhere.
        body: () =>
          Promise.resolve({
            deviceId: otherDeviceId,
            deviceSecret: 'A'.repeat(43),
            report: { ...OTHER_TABLET_REPORT, unsentCount: 0, unsentByKind: {}, oldestUnsentAgeSeconds: null },
          }),
      },
      'POST /api/staff/keys': {
        body: async () => ({ deviceId: otherDeviceId, publicKey: await newSigningPublicKey() }),
      },
      'GET /api/staff/keys': {},
      'POST /api/reviews': {
        // An approval naming the other municipality's record: judged "not found" here, never applied there.
        body: (ownDeviceId) =>
          Promise.resolve({
            deviceId: ownDeviceId ?? otherDeviceId,
            reviews: [
              {
                id: uuidv7(),
                recordId: other.recordId,
                revision: 1,
                kind: 'homeContact',
                caseNumber: null,
                contentHash: 'a'.repeat(64),
                decision: 'approved',
                comment: null,
                signedAt: '2026-11-20T10:00:00.000Z',
                author: { signerId: other.staff[1]?.id ?? 'x', keyFingerprint: 'b'.repeat(64), signature: 'A'.repeat(86) },
                reviewer: { signerId: other.staff[0]?.id ?? 'x', keyFingerprint: 'c'.repeat(64), signature: 'A'.repeat(86) },
              },
            ],
          }),
      },
      'GET /api/reviews/queue': {},
      'GET /api/reviews/decisions': {},
      'GET /api/withdrawal-requests': {},
      'POST /api/withdrawal-requests/{withdrawalId}/confirm': {},
      'GET /api/admin/organisations': {},
      'POST /api/admin/organisations': {
        body: () => Promise.resolve({ id: other.organisationIds[1], name: 'Übernahme', kind: 'clinic' }),
      },
      // Every organisation of the caller's own municipality; another's organisation is 404 and keeps its workflows.
      'GET /api/admin/organisation-workflows': {},
      'PUT /api/admin/organisations/{organisationId}/workflows': { body: () => Promise.resolve({ workflows: ['mediation'] }) },
      'GET /api/admin/staff': {},
      'POST /api/admin/staff': {
        body: () =>
          Promise.resolve({
            username: `intruder.${uuidv7().slice(-8)}`,
            displayName: 'Eindringling',
            organisationId: other.organisationIds[0],
            roles: ['admin'],
            password: 'intruder-password-2026',
          }),
      },
      'GET /api/admin/settings': {},
      // The caller's own municipality's chain only: there is no id to name another one by.
      'GET /api/admin/audit/export': {},
      'GET /api/admin/audit/verification': {},
      // Settings always belong to the caller's own municipality: there is no id to name another one by.
      'PUT /api/admin/settings': {
        body: () =>
          Promise.resolve({
            autoLockMinutes: 5,
            maxUnlockAttempts: 10,
            retentionDaysAfterSync: 0,
            fourEyesKinds: ['screening'],
            fourEyesForReferrals: true,
            // Replaces this municipality's numbers: the other's emergency contacts stay (snapshot).
            emergencyInstruction: {
              title: 'Übernommen',
              intro: null,
              discreet: true,
              discreetTitle: null,
              contacts: [{ label: 'Übernahme', phone: '0000 424242' }],
            },
          }),
      },
      // Reports name the municipality in the path: another one is 403 (compared with the session, nothing looked up).
      'GET /api/reports/{municipalityId}/indicators': {},
      'GET /api/reports/{municipalityId}/sachbericht': {},
      'GET /api/reports/{municipalityId}/funnel': {},
      // Exports take the municipality from the session only: the other's referral, offer and definition never appear.
      'GET /api/exports/fhir/referrals': { query: THIS_YEAR },
      'GET /api/exports/fhir/questionnaires': {},
      'GET /api/exports/fhir/screenings': { query: THIS_YEAR },
      'GET /api/exports/screenings.csv': { query: THIS_YEAR },
      'PATCH /api/admin/staff/{id}': {
        body: () => Promise.resolve({ active: false, displayName: 'Übernommen', roles: ['fieldworker'], personId: 'uebernahme' }),
      },
      // Another municipality's account: 404 like an unknown one, and its lock stays.
      'POST /api/admin/staff/{id}/unlock-sign-in': {},
      // Another municipality's account: 404 like an unknown one, and its password stays.
      'POST /api/admin/staff/{id}/password-reset': {},
      // Pending safeguard changes are the caller's own municipality's; another's change id is 404.
      'GET /api/admin/settings/safeguard-changes': {},
      'POST /api/admin/settings/safeguard-changes/{id}/confirm': {},
      'POST /api/admin/settings/safeguard-changes/{id}/reject': {},
      // Only ever the caller's own password (a wrong current one here: 403, nothing changes).
      'POST /api/session/password': {
        body: () => Promise.resolve({ currentPassword: 'not-the-password', newPassword: 'lang-genug-und-neu-2027' }),
      },
      // The policy is the caller's own municipality's; another municipality's account's factor: 404, and it stays.
      'GET /api/admin/second-factors': {},
      'PUT /api/admin/second-factors/policy': { body: () => Promise.resolve({ requiredRoles: ['admin', 'coordinator', 'partner'] }) },
      'POST /api/admin/staff/{id}/second-factor/reset': {},
      'GET /api/office/offers': {},
      'POST /api/office/offers': {
        // The other municipality's offer id and its partner organisation: a new offer here, or 400 — never theirs.
        body: () =>
          Promise.resolve({
            id: other.offerId,
            name: 'Übernahme',
            organisation: 'Übernahme',
            type: 'familienbildung',
            agePhases: ['baby'],
            fields: ['education'],
            districts: [],
            languages: ['de'],
            cost: '',
            address: '',
            phone: '',
            hours: '',
            whatToBring: '',
            partnerOrganisationId: other.organisationIds[2],
          }),
      },
      'PUT /api/office/offers/{offerId}': {
        body: () =>
          Promise.resolve({
            name: 'Übernahme',
            organisation: 'Übernahme',
            type: 'familienbildung',
            agePhases: ['baby'],
            fields: ['education'],
            districts: [],
            languages: ['de'],
            cost: '',
            address: '',
            phone: '',
            hours: '',
            whatToBring: '',
            partnerOrganisationId: null,
          }),
      },
      'DELETE /api/office/offers/{offerId}': {},
      'GET /api/office/offers/export': {},
      'POST /api/office/offers/import/preview': {
        body: () => Promise.resolve({ file: { format: 'csv', text: otherOfferCsv() } }),
      },
      // A made-up base version: even a file naming only its own offers could not be confirmed (409), and
      // the other municipality's partner organisation is unknown here (400).
      'POST /api/office/offers/import': {
        body: () => Promise.resolve({ file: { format: 'csv', text: otherOfferCsv() }, baseVersion: 'x'.repeat(32) }),
      },
      'GET /api/office/partner-organisations': {},
      'GET /api/office/referrals/follow-up': {},
      'POST /api/office/referrals/{referralId}/state': { body: () => Promise.resolve({ state: 'noResponse' }) },
      'GET /api/office/referral-settings': {},
      'PUT /api/office/referral-settings': { body: () => Promise.resolve({ noResponseWeeks: 6 }) },
      'POST /api/partner/referrals/lookup': { body: () => Promise.resolve({ caseNumber: other.caseNumber }) },
      'POST /api/partner/referrals/{referralId}/state': { body: () => Promise.resolve({ state: 'contacted' }) },
      'GET /api/sync/referrals': {},
      'GET /api/partner/handover-key': {},
      // Always one's own key: there is no id to name another municipality's account by.
      'PUT /api/partner/handover-key': { body: () => Promise.resolve(ownHandoverKey) },
      'POST /api/partner/referrals/{referralId}/callback/open': { body: () => Promise.resolve({ keyId: uuidv7() }) },
      'GET /api/office/offers/partner-keys': {},
      'POST /api/office/offers/{offerId}/partner-key': {},
      // No account and no municipality: a key names its offer by its own public id, never by the caller.
      'POST /api/public/confirmation/lookup': { body: () => Promise.resolve({ slipCode: 'ABCD-EFGH', partnerKey: 'ABCD-EFGH-JKMN-PQRS' }) },
      'POST /api/public/confirmation': {
        body: () => Promise.resolve({ slipCode: 'ABCD-EFGH', partnerKey: 'ABCD-EFGH-JKMN-PQRS', state: 'contacted', reason: null }),
      },
      // Free places: a partner's own organisation's offers only (the other's offer id → 404); the public
      // calls name an offer by its key alone, never by the caller's municipality.
      'GET /api/partner/offers': {},
      'PUT /api/partner/offers/{offerId}/capacity': { body: () => Promise.resolve({ capacity: { status: 'full' } }) },
      'POST /api/public/capacity/lookup': { body: () => Promise.resolve({ partnerKey: 'ABCD-EFGH-JKMN-PQRS' }) },
      'POST /api/public/capacity': { body: () => Promise.resolve({ partnerKey: 'ABCD-EFGH-JKMN-PQRS', capacity: { status: 'full' } }) },
    };
    const unplanned = operations.map((o) => `${o.method} ${o.path}`).filter((key) => !(key in attempts));
    expect(unplanned).toEqual([]);

    const otherWithdrawalId = uuidv7();
    const pathValues: Record<string, string[]> = {
      deviceId: [otherDeviceId],
      id: [other.adminId, ...other.staff.map((s) => s.id), other.passkeyId],
      municipalityId: [other.municipalityId],
      offerId: [other.offerId],
      organisationId: other.organisationIds,
      referralId: [other.referralId],
      withdrawalId: [otherWithdrawalId],
    };
    const expand = (path: string): string[] => {
      let urls = [path];
      for (const match of path.matchAll(/\{(\w+)\}/g)) {
        const name = match[1] ?? '';
        const values = pathValues[name];
        if (!values) throw new Error(`no value of the other municipality for path parameter ${name}`);
        urls = urls.flatMap((url) => values.map((value) => url.replace(`{${name}}`, encodeURIComponent(value))));
      }
      return urls;
    };
    const secrets = [
      other.municipalityId,
      ...other.organisationIds,
      other.adminId,
      other.passkeyId,
      ...other.staff.map((s) => s.id),
      ...other.usernames,
      otherDeviceId,
      other.device.deviceSecret,
      other.device.deviceEscrowKey,
      `"unsentCount":${String(OTHER_TABLET_REPORT.unsentCount)}`, // their tablet's fleet report
      other.key.keyId,
      other.key.publicKey,
      other.recordId,
      // Not other.caseNumber: the push attempt withdraws that number in Demo-Stadt, whose own list then shows it.
      other.withdrawnCaseNumber,
      other.fieldworkerSession.token,
      other.fieldworkerSession.refreshToken,
      other.offerId,
      other.offerName,
      other.districtLabel,
      other.emergencyPhone,
      other.questionnaireId,
      other.referralId,
      other.handoverCiphertext,
    ];

    // Every kind of user both in a plain browser and signed in on an enrolled Demo-Stadt tablet.
    const demoTablet = await enrollTablet(db());
    const demoTabletId = demoTablet.device.deviceId;
    const accounts = [
      { name: 'admin', account: DEMO_ADMIN },
      { name: 'coordinator', account: DEMO_COORDINATOR },
      { name: 'approver', account: DEMO_APPROVER },
      { name: 'fieldworker', account: DEMO_FIELDWORKER },
      { name: 'partner', account: DEMO_PARTNER_ACCOUNT },
    ];
    const callers: { name: string; account: Credentials | null; tablet: string | null }[] = [
      ...accounts.map((a) => ({ ...a, tablet: null })),
      ...accounts.map((a) => ({ ...a, name: `${a.name} on tablet`, tablet: demoTabletId })),
      { name: 'anonymous', account: null, tablet: null },
    ];
    // One of the other municipality's accounts has a second factor: no caller here may reset it.
    await db().query(
      `INSERT INTO second_factors (account_id, municipality_id, totp_secret, last_step, enrolled_at)
       SELECT id, municipality_id, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 0, now() FROM staff_accounts
        WHERE municipality_id = $1 ORDER BY id LIMIT 1
       ON CONFLICT (account_id) DO NOTHING`,
      [other.municipalityId],
    );
    // A pending withdrawal request of the other municipality: no caller here may list or confirm it.
    await db().query(
      `INSERT INTO withdrawal_requests (municipality_id, withdrawal_record_id, case_number, requested_by,
                                        requesting_organisation_id, responsible_organisation_id)
       VALUES ($1, $2::uuid, $3, $4, $5, $6)`,
      [other.municipalityId, otherWithdrawalId, other.caseNumber, other.staff[1]?.id, other.organisationIds[1], other.organisationIds[0]],
    );
    const before = await snapshot(db(), other);
    let requests = 0;
    let pathParamRequests = 0;
    for (const caller of callers) {
      const signIn = async (): Promise<string | null> =>
        caller.account === null
          ? null
          : caller.tablet === null
            ? (await login(app, caller.account.username, caller.account.password)).token
            : (await login(app, caller.account.username, caller.account.password, caller.tablet, demoTablet.deviceSecret)).token;
      let token = await signIn();
      for (const { method, path } of operations) {
        const attempt = attempts[`${method} ${path}`] ?? {};
        for (const expanded of expand(path)) {
          const url = attempt.query === undefined ? expanded : `${expanded}?${attempt.query}`;
          const body = attempt.body ? await attempt.body(caller.tablet) : undefined;
          const response = await app.inject({
            method,
            url,
            headers: token === null ? {} : bearer(token),
            ...(body === undefined ? {} : { payload: body as object }),
          });
          requests++;
          const label = `${caller.name}: ${method} ${url} → ${response.statusCode}`;
          expect(response.statusCode, label).toBeLessThan(500);
          if (method === 'POST' && path === '/api/sync/push') {
            // Only a pushing role signed in on a tablet gets to the records; the rest is refused first.
            const pushes = caller.tablet !== null && caller.name !== 'admin on tablet' && caller.name !== 'partner on tablet';
            const expected = caller.account === null ? [401] : pushes ? [200, 409, 422] : [403];
            expect(expected, label).toContain(response.statusCode);
          }
          if (method === 'GET' && path === '/api/sync/offers') {
            // Tablet roles on a tablet get their own catalogue; everyone else is refused.
            const pulls = caller.tablet !== null && caller.name !== 'admin on tablet' && caller.name !== 'partner on tablet';
            const expected = caller.account === null ? [401] : pulls ? [200] : [403];
            expect(expected, label).toContain(response.statusCode);
            if (pulls) expect(response.body, label).toContain('familienhebammen-demo');
          }
          if (path.startsWith('/api/exports/')) {
            // Coordinators get their own municipality's export; everyone else is refused before anything is read.
            const expected = caller.account === null ? 401 : caller.name.startsWith('coordinator') ? 200 : 403;
            expect(response.statusCode, label).toBe(expected);
          }
          if (path.includes('{')) {
            pathParamRequests++;
            expect([401, 403, 404], label).toContain(response.statusCode);
          }
          const named = `${url} ${JSON.stringify(body ?? null)}`;
          for (const secret of secrets) {
            if (named.includes(secret)) continue; // echoing what the caller sent reveals nothing
            expect(response.body.includes(secret), `${label} reveals ${secret.slice(0, 6)}…`).toBe(false);
          }
          if (method === 'DELETE' && path === '/api/session') token = await signIn();
        }
      }
    }
    expect(requests).toBeGreaterThanOrEqual(callers.length * operations.length);
    // revoke a tablet and its lost-tablet report, change 3 staff accounts, three reports, change and remove an offer, two referral state changes,
    // open a call-back request, unlock the sign-in of the same 3 staff accounts, issue an offer's partner key,
    // set an offer's free places, reset the same 3 staff accounts' passwords and second factors, confirm and reject 3 (foreign) change ids,
    // set the workflows of the 3 organisations,
    // remove the other admin's passkey — each {id} route also with that passkey's id (4 ids: 6 routes × 4 + 4 removals),
    // confirm the other municipality's pending withdrawal
    expect(pathParamRequests).toBe(callers.length * 44);
    expect(await snapshot(db(), other)).toBe(before);

    // The other municipality still works as before.
    const status = await app.inject({
      method: 'POST',
      url: '/api/devices/status',
      payload: { deviceId: otherDeviceId, deviceSecret: other.device.deviceSecret },
    });
    expect(status.json()).toEqual({ status: 'active', deactivatedAccountIds: [] });
    const me = await app.inject({ method: 'GET', url: '/api/session', headers: bearer(other.fieldworkerSession.token) });
    expect(me.statusCode).toBe(200);
  }, 240_000); // 11 callers × every route: on a busy 2-core runner that outgrows the default 60 s

  it('exports only its own questionnaire as .xlsx, and a preview of the other municipality’s id and version finds nothing stored', async () => {
    const token = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    const before = await snapshot(db(), other);
    const exported = await app.inject({ method: 'GET', url: '/api/questionnaires/xlsx', headers: bearer(token) });
    expect(exported.statusCode).toBe(200);
    const sheets = await xlsxToSheets(Buffer.from(questionnaireXlsxExportSchema.parse(exported.json()).base64, 'base64'));
    expect(JSON.stringify(sheets).includes(other.questionnaireId)).toBe(false);
    const preview = await app.inject({
      method: 'POST',
      url: '/api/questionnaires/xlsx/preview',
      headers: bearer(token),
      payload: { base64: await questionnaireXlsx(other.questionnaireId, '2026.9') },
    });
    expect(questionnaireXlsxPreviewSchema.parse(preview.json()).definition?.versionExists).toBe(false);
    expect(await snapshot(db(), other)).toBe(before);
  });

  it('exports only its own catalogue as HSDS and refuses the other municipality’s HSDS file, changing nothing', async () => {
    const token = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    const before = await snapshot(db(), other);
    const theirs = [other.offerId, other.offerName, other.districtLabel, ...other.organisationIds, 'Träger B'];
    for (const format of ['hsdsJson', 'hsdsZip'] as const) {
      const response = await app.inject({ method: 'GET', url: `/api/office/offers/export?format=${format}`, headers: bearer(token) });
      expect(response.statusCode).toBe(200);
      const { content } = offerFileExportSchema.parse(response.json());
      const text =
        format === 'hsdsJson'
          ? content
          : Object.values(unzipSync(Buffer.from(content, 'base64')))
              .map((file) => strFromU8(file))
              .join('\n');
      expect(text).toContain('familienhebammen-demo');
      for (const secret of theirs) expect(text.includes(secret), `${format} reveals ${secret.slice(0, 6)}…`).toBe(false);
    }

    // Zweitstadt's own HSDS export, brought to Demo-Stadt: its service ids are Zweitstadt's, so it is refused as a whole.
    const exported = await new OfferCatalogService(db()).exportFile(
      {
        id: other.adminId,
        displayName: 'Koordination B',
        roles: ['coordinator'],
        organisationId: other.organisationIds[0] ?? '',
        municipalityId: other.municipalityId,
      },
      'hsdsJson',
    );
    expect(exported.content).toContain(other.offerName);
    const file = { format: 'hsdsJson', text: exported.content };
    const preview = offerImportPreviewSchema.parse(
      (await app.inject({ method: 'POST', url: '/api/office/offers/import/preview', headers: bearer(token), payload: { file } })).json(),
    );
    // Its district and partner organisation are unknown here as well: named, never looked up in Zweitstadt.
    expect(preview.problems.map((problem) => problem.problem)).toEqual(['hsdsIdMismatch', 'unknownDistrict', 'unknownOrganisation']);
    const confirmed = await app.inject({
      method: 'POST',
      url: '/api/office/offers/import',
      headers: bearer(token),
      payload: { file, baseVersion: preview.baseVersion },
    });
    expect(confirmed.statusCode).toBe(400);
    expect(await snapshot(db(), other)).toBe(before);
  });

  it('keeps the database from linking objects across municipalities even if a query forgot the filter', async () => {
    const [demoAccount] = await db().query<{ id: string }>(`SELECT id FROM staff_accounts WHERE username = 'home.partner'`);
    // A signing key of the demo town's fieldworker on the other town's tablet: rejected by the composite foreign key.
    await expect(
      db().query(
        `INSERT INTO signing_keys (id, municipality_id, account_id, device_id, public_key) VALUES ($1, 'demo-stadt', $2, $3, 'AAAA')`,
        [uuidv7(), demoAccount?.id, other.device.device.deviceId],
      ),
    ).rejects.toThrow();
    await expect(
      db().query(
        `INSERT INTO devices (id, municipality_id, organisation_id, label, secret_hash, escrow_key, enrolled_by)
         VALUES ($1, 'demo-stadt', $2, 'x', $3, $4, $5)`,
        [uuidv7(), other.organisationIds[0], 'a'.repeat(64), 'b'.repeat(43), demoAccount?.id],
      ),
    ).rejects.toThrow();
  });
});
