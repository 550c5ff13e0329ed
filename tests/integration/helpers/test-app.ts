// In-process app + signed-in staff + valid records, for the server suites.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Database } from '@server/db/database';
import type { BuildAppOptions } from '@server/app';
import { buildApp } from '@server/app';
import { DEMO_ACCOUNTS, seedDemoData } from '@server/db/demo-seed';
import { toRoles } from '@server/services/auth-service';
import { ENROL_CHALLENGE_TTL_MS, VERIFY_CHALLENGE_TTL_MS } from '@server/services/second-factor-service';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DeviceService } from '@server/services/device-service';
import { openRecordContent } from '@server/services/content-seal';
import { contentHash } from '@shared/content-hash';
import { APP_VERSION, DEFAULT_FLEET_WARNING_DAYS } from '@shared/fleet';
import { uuidv7 } from '@shared/ids';
import type { HomeContactContent } from '@shared/records/home-contact';
import type { ConsentRecord, ConsentRefusalRecord, ConsentWithdrawalRecord, HomeContactRecord } from '@shared/records/sync-record';
import type { ConsentContent, ConsentRefusalContent } from '@shared/records/consent';
import type { FamilyLanguage } from '@shared/languages';
import { CONSENT_TEXT_VERSION, consentTextHash } from '@shared/consent-texts';
import { generateCaseNumber } from '@domain/case-number';
import { SYNC_PROTOCOL_VERSION } from '@shared/protocol';
import type { LoginResponse, SessionUser } from '@shared/protocol';
import type { EnrollDeviceResponse } from '@shared/staff-api';
import { Secret, TOTP } from 'otpauth';
import {
  isSecondFactorPending,
  type SecondFactorConfirmResponse,
  type SecondFactorEnrolment,
  type SecondFactorPending,
  type SignInResponse,
} from '@shared/second-factor';
import { exportPublicKey, generateSigningKeyPair } from '@shared/crypto/signing';

export const DEMO_FIELDWORKER = DEMO_ACCOUNTS[0];
export const DEMO_COORDINATOR = DEMO_ACCOUNTS[1];
export const DEMO_APPROVER = DEMO_ACCOUNTS[2];
export const DEMO_ADMIN = DEMO_ACCOUNTS[3];

export function buildTestApp(db: Database, options: Omit<BuildAppOptions, 'db'> = {}): FastifyInstance {
  return buildApp({ db, ...options });
}

/** Seeds the demo municipality (idempotent). */
/** Starts the app on a free loopback port, for tests whose client talks HTTP as a tablet does; returns its base URL. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${String((app.server.address() as AddressInfo).port)}`;
}

export async function seedDemo(db: Database): Promise<void> {
  await seedDemoData(db);
}

/** What the helper knows of an authenticator it set up: the secret, the last time step it used, the unused recovery codes. */
interface TestAuthenticator {
  secret: string;
  lastStep: number;
  recoveryCodes: string[];
}
/** Per username (a suite's database is shared by its tests; each test file runs in its own module scope). */
const authenticators = new Map<string, TestAuthenticator>();

/** The code an authenticator app shows for `secret` at `at` (RFC 6238, 30 s, 6 digits). */
export function totpCode(secret: string, at: Date = new Date()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
}

/**
 * Completes the second factor of a sign-in as the person would: sets up an authenticator
 * when asked to ('enrol'), else enters its current code — or, when that time step was already
 * used (a second sign-in within 30 s), the next recovery code, since a code is accepted once.
 */
export async function completeSecondFactor(app: FastifyInstance, username: string, pending: SecondFactorPending): Promise<LoginResponse> {
  // The server's time (tests move its clock): the pending sign-in expires a known while after it.
  const ttl = pending.secondFactor === 'enrol' ? ENROL_CHALLENGE_TTL_MS : VERIFY_CHALLENGE_TTL_MS;
  const serverNow = new Date(Date.parse(pending.pendingExpiresAt) - ttl);
  const step = Math.floor(serverNow.getTime() / 30_000);
  if (pending.secondFactor === 'enrol') {
    const started = await app.inject({
      method: 'POST',
      url: '/api/session/second-factor/enrolment',
      payload: { pendingToken: pending.pendingToken },
    });
    if (started.statusCode !== 200) throw new Error(`enrolment failed: ${started.statusCode} ${started.body}`);
    const { secret } = started.json<SecondFactorEnrolment>();
    const confirmed = await app.inject({
      method: 'POST',
      url: '/api/session/second-factor/enrolment/confirm',
      payload: { pendingToken: pending.pendingToken, code: totpCode(secret, serverNow) },
    });
    if (confirmed.statusCode !== 200) throw new Error(`enrolment confirmation failed: ${confirmed.statusCode} ${confirmed.body}`);
    const { session, recoveryCodes } = confirmed.json<SecondFactorConfirmResponse>();
    authenticators.set(username, { secret, lastStep: step, recoveryCodes: [...recoveryCodes] });
    return session;
  }
  const authenticator = authenticators.get(username);
  if (!authenticator) throw new Error(`completeSecondFactor: no authenticator of ${username} set up by this test file`);
  let code: string | undefined;
  if (step > authenticator.lastStep) {
    authenticator.lastStep = step;
    code = totpCode(authenticator.secret, serverNow);
  } else {
    code = authenticator.recoveryCodes.pop();
  }
  if (code === undefined) throw new Error(`completeSecondFactor: ${username} has used all recovery codes`);
  const verified = await app.inject({
    method: 'POST',
    url: '/api/session/second-factor',
    payload: { pendingToken: pending.pendingToken, code },
  });
  if (verified.statusCode !== 200) throw new Error(`second factor failed: ${verified.statusCode} ${verified.body}`);
  return verified.json<LoginResponse>();
}

/**
 * POST /api/session; with `deviceId` (and, as a real tablet sends it, its `deviceSecret`). Throws unless 200.
 * An office sign-in that asks for the second factor gets it (completeSecondFactor).
 */
export async function login(
  app: FastifyInstance,
  username: string = DEMO_FIELDWORKER.username,
  password: string = DEMO_FIELDWORKER.password,
  deviceId?: string,
  deviceSecret?: string,
): Promise<LoginResponse> {
  const payload = {
    username,
    password,
    ...(deviceId === undefined ? {} : { deviceId }),
    ...(deviceSecret === undefined ? {} : { deviceSecret }),
  };
  const response = await app.inject({ method: 'POST', url: '/api/session', payload });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const answer = response.json<SignInResponse>();
  return isSecondFactorPending(answer) ? completeSecondFactor(app, username, answer) : answer;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A second municipality with one fieldworker, for tenant tests. */
export async function seedOtherMunicipality(db: Database): Promise<{ municipalityId: string; username: string; password: string }> {
  const suffix = randomBytes(4).toString('hex');
  const municipalityId = `other-${suffix}`;
  await db.query('INSERT INTO municipalities (id, name) VALUES ($1, $2)', [municipalityId, 'Andere Stadt']);
  await db.query('INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $1, $2, $3)', [
    municipalityId,
    'HOME Andere Stadt',
    'home-project',
  ]);
  const username = `partner.${suffix}`;
  const password = `other-${suffix}-password`;
  await createStaffAccount(db, {
    municipalityId,
    organisationId: municipalityId,
    username,
    displayName: 'Andere Partnerin',
    password,
    roles: ['fieldworker'],
  });
  return { municipalityId, username, password };
}

export function homeContactContent(overrides: Partial<HomeContactContent> = {}): HomeContactContent {
  return {
    site: 'kita-sonnenblume',
    contactDate: '2026-11-20',
    timeSlot: 'dropOff',
    contactKind: 'shortTalk',
    topics: ['childcare', 'health'],
    language: 'de',
    mediatorPresent: false,
    ...overrides,
  };
}

export async function homeContactRecord(
  deviceId: string,
  overrides: { id?: string; revision?: number; content?: HomeContactContent; caseNumber?: string | null } = {},
): Promise<HomeContactRecord> {
  const content = overrides.content ?? homeContactContent();
  return {
    id: overrides.id ?? uuidv7(),
    revision: overrides.revision ?? 1,
    kind: 'homeContact',
    schemaVersion: 1,
    formVersion: '2026.1',
    deviceId,
    createdAt: '2026-11-20T08:15:00.000+01:00',
    contentHash: await contentHash(content),
    caseNumber: overrides.caseNumber ?? null,
    content,
  };
}

/** A fresh, valid (canonical, fitting check symbol) case number. */
export function newCaseNumber(prefix?: string): string {
  return generateCaseNumber(prefix);
}

/** Consent content quoting the shipped text of `language` (its real version and hash). */
export async function consentContent(language: FamilyLanguage = 'de', overrides: Partial<ConsentContent> = {}): Promise<ConsentContent> {
  return {
    scopes: ['documentation', 'statistics'],
    setting: 'homeContact',
    language,
    textVersion: CONSENT_TEXT_VERSION,
    textHash: await consentTextHash(language),
    mediatorPresent: false,
    givenAt: '2026-11-20T08:10:00.000+01:00',
    ...overrides,
  };
}

interface EnvelopeOverrides {
  id?: string;
  revision?: number;
}

function envelope(deviceId: string, overrides: EnvelopeOverrides) {
  return {
    id: overrides.id ?? uuidv7(),
    revision: overrides.revision ?? 1,
    schemaVersion: 1 as const,
    formVersion: '2026.1',
    deviceId,
    createdAt: '2026-11-20T08:10:00.000+01:00',
  };
}

/** A consent record for `caseNumber`; content hash computed over the given (or default) content. */
export async function consentRecord(
  deviceId: string,
  caseNumber: string,
  overrides: EnvelopeOverrides & { content?: ConsentContent } = {},
): Promise<ConsentRecord> {
  const content = overrides.content ?? (await consentContent());
  return { ...envelope(deviceId, overrides), kind: 'consent', caseNumber, contentHash: await contentHash(content), content };
}

export async function consentWithdrawalRecord(
  deviceId: string,
  caseNumber: string,
  overrides: EnvelopeOverrides & { withdrawnAt?: string } = {},
): Promise<ConsentWithdrawalRecord> {
  const content = { withdrawnAt: overrides.withdrawnAt ?? '2026-11-21T09:00:00.000+01:00' };
  return {
    ...envelope(deviceId, overrides),
    kind: 'consentWithdrawal',
    caseNumber,
    contentHash: await contentHash(content),
    content,
  };
}

export async function consentRefusalRecord(
  deviceId: string,
  overrides: EnvelopeOverrides & { content?: ConsentRefusalContent } = {},
): Promise<ConsentRefusalRecord> {
  const content = overrides.content ?? { setting: 'homeContact', date: '2026-11-20' };
  return {
    ...envelope(deviceId, overrides),
    kind: 'consentRefusal',
    caseNumber: null,
    contentHash: await contentHash(content),
    content,
  };
}

export function pushBody(deviceId: string, records: readonly unknown[]): Record<string, unknown> {
  return { protocolVersion: SYNC_PROTOCOL_VERSION, deviceId, records };
}

export async function countRecords(db: Database, ids: readonly string[]): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM records WHERE id::text IN (SELECT jsonb_array_elements_text($1::jsonb))',
    [JSON.stringify(ids)],
  );
  return row?.n ?? 0;
}

export async function countAllRecords(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records');
  return row?.n ?? 0;
}

/** A movable clock for buildApp({ clock }): tests advance it instead of sleeping. */
export function testClock(start: number = Date.now()): { now: () => Date; advance: (ms: number) => void } {
  let current = start;
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** Enrolls a fresh tablet with a coordinator's or admin's token. */
export async function enrollDevice(app: FastifyInstance, token: string, label = 'Tablet (Test)'): Promise<EnrollDeviceResponse> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/devices',
    headers: bearer(token),
    payload: { deviceId: uuidv7(), label },
  });
  if (response.statusCode !== 201) throw new Error(`device enrollment failed: ${response.statusCode} ${response.body}`);
  return response.json<EnrollDeviceResponse>();
}

export interface Credentials {
  username: string;
  password: string;
}

/** A session signed in on an enrolled tablet, and that tablet. */
export interface TabletSession extends LoginResponse {
  /** The tablet the session is bound to: what push bodies and records must name. */
  deviceId: string;
  device: EnrollDeviceResponse;
}

/**
 * Enrolls a tablet (directly through the device service, so it works in any
 * municipality and costs no sign-in) into the municipality and organisation of
 * `username`; enrolled by a coordinator or admin of that municipality if there is
 * one, else by the account itself. `deviceId` lets a test enroll the id its client
 * storage already uses.
 */
export async function enrollTablet(
  db: Database,
  username: string = DEMO_FIELDWORKER.username,
  options: { deviceId?: string; label?: string } = {},
): Promise<EnrollDeviceResponse> {
  const [account] = await db.query<{ municipality_id: string; organisation_id: string }>(
    'SELECT municipality_id, organisation_id FROM staff_accounts WHERE username = $1',
    [username],
  );
  if (!account) throw new Error(`enrollTablet: no account ${username}`);
  const [enroller] = await db.query<{ id: string; display_name: string; roles: string[] }>(
    `SELECT id, display_name, roles FROM staff_accounts
      WHERE municipality_id = $1 AND (roles && ARRAY['coordinator', 'admin']::text[] OR username = $2)
      ORDER BY (username = $2), id LIMIT 1`,
    [account.municipality_id, username],
  );
  if (!enroller) throw new Error(`enrollTablet: no enroller for ${username}`);
  const user: SessionUser = {
    id: enroller.id,
    displayName: enroller.display_name,
    roles: toRoles(enroller.roles),
    // The tablet belongs to the signing-in person's organisation, as if their coordinator enrolled it there.
    organisationId: account.organisation_id,
    municipalityId: account.municipality_id,
  };
  return new DeviceService(db, () => new Date(), { warningDays: DEFAULT_FLEET_WARNING_DAYS, currentAppVersion: APP_VERSION }).enroll(user, {
    deviceId: options.deviceId ?? uuidv7(),
    label: options.label ?? 'Tablet (Test)',
  });
}

/** Signs `account` in on an enrolled tablet as the tablet app does: its deviceId plus its deviceSecret. */
export function loginOnTablet(
  app: FastifyInstance,
  device: EnrollDeviceResponse,
  account: Credentials = DEMO_FIELDWORKER,
): Promise<LoginResponse> {
  return login(app, account.username, account.password, device.device.deviceId, device.deviceSecret);
}

/**
 * Enrolls a tablet and signs `account` in ON it (login with its deviceId and
 * deviceSecret), as the tablet app does: the only kind of session that may push
 * or pull withdrawals. Throws unless the session is bound to the tablet (it gets
 * the escrow key) — or, with `unbound: true` for partner- or admin-only accounts,
 * unless it is NOT bound (no escrow key): `deviceId` is then the tablet it signed
 * in on, not a binding.
 */
export async function signInOnTablet(
  app: FastifyInstance,
  db: Database,
  account: Credentials = DEMO_FIELDWORKER,
  options: { deviceId?: string; label?: string; unbound?: boolean } = {},
): Promise<TabletSession> {
  const device = await enrollTablet(db, account.username, options);
  const session = await loginOnTablet(app, device, account);
  if (options.unbound === true) {
    if (session.deviceEscrowKey !== undefined) throw new Error('signInOnTablet: session bound, expected unbound');
  } else if (session.deviceEscrowKey !== device.deviceEscrowKey) {
    throw new Error('signInOnTablet: session not bound to the tablet');
  }
  return { ...session, deviceId: device.device.deviceId, device };
}

/** POST /api/sync/push as `session`, naming its own tablet (or `deviceId`, to test refusals). */
export function pushAsTablet(
  app: FastifyInstance,
  session: { token: string; deviceId: string },
  records: readonly unknown[],
  deviceId: string = session.deviceId,
) {
  return app.inject({
    method: 'POST',
    url: '/api/sync/push',
    headers: bearer(session.token),
    payload: pushBody(deviceId, records),
  });
}

/** A fresh ECDSA P-256 public key, SPKI base64url, as a tablet would enroll it. */
export async function newSigningPublicKey(): Promise<string> {
  return exportPublicKey((await generateSigningKeyPair()).publicKey);
}

/**
 * The stored content of a record's revisions, oldest first, opened from its sealed column
 * (services/content-seal.ts): what the server reads, not what a database dump shows.
 */
export async function storedRecordContents(db: Database, id: string): Promise<{ revision: number; content: Record<string, unknown> }[]> {
  const rows = await db.query<{
    id: string;
    revision: number;
    municipality_id: string;
    content: unknown;
    sealed_content: string | null;
    seal_key_id: string | null;
  }>(
    'SELECT id::text AS id, revision, municipality_id, content, sealed_content, seal_key_id FROM records WHERE id = $1 ORDER BY revision',
    [id],
  );
  return rows.map((row) => ({
    revision: row.revision,
    content: openRecordContent({ ...row, municipalityId: row.municipality_id }) as Record<string, unknown>,
  }));
}

/**
 * The municipality's rule for the referral's own second check (default: required). Suites about
 * what happens after a referral was checked switch it off; referral-four-eyes.integration.test.ts
 * tests the check itself.
 */
export async function setReferralSecondCheck(db: Database, required: boolean, municipalityId = 'demo-stadt'): Promise<void> {
  await db.query(
    `INSERT INTO municipality_settings (municipality_id, four_eyes_for_referrals) VALUES ($1, $2)
     ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_for_referrals = EXCLUDED.four_eyes_for_referrals`,
    [municipalityId, required],
  );
}
