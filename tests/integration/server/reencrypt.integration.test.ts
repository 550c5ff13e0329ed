// The re-encryption job (jobs/reencrypt.ts): rows stored clear before sealing existed are sealed,
// rows sealed under an older server key move to the active one, in batches with a progress count;
// a server given keys that do not cover the sealed rows is refused (main.ts calls assertKeysKnown before listening).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import type { Database } from '@server/db/database';
import {
  escrowKeyPlace,
  installServerKeys,
  openRecordContent,
  openStored,
  serverKeyring,
  sharedNotePlace,
  totpSecretPlace,
  UnknownServerKeyError,
  type ServerKeyring,
} from '@server/services/content-seal';
import { assertKeysKnown, reencryptAll, rowsToReencrypt, type ReencryptProgress } from '@server/jobs/reencrypt';
import { partnerReferralListSchema, type PartnerReferral } from '@shared/referral-api';
import { pushResponseSchema } from '@shared/protocol';
import { describeEachDatabase } from '../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  setReferralSecondCheck,
  consentContent,
  consentRecord,
  login,
  loginOnTablet,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
  type TabletSession,
} from '../helpers/test-app';
import { referralRecord, welcomeVisitRecord } from '../../fixtures/referral-records';
import { TEST_SERVER_KEY, testServerKeyring } from '../../fixtures/server-key';

const SHARED_NOTE = 'Bitte vormittags anrufen lassen Vermerk-6620';
const VISIT_TOPIC_MARKER = 'sleep';

/** Turns every sealed row back into what it was before 025: clear values, no key id. */
async function unsealEverything(db: Database, keyring: ServerKeyring): Promise<void> {
  const records = await db.query<{
    id: string;
    revision: number;
    municipality_id: string;
    content: unknown;
    sealed_content: string;
    seal_key_id: string;
  }>('SELECT id::text AS id, revision, municipality_id, content, sealed_content, seal_key_id FROM records WHERE seal_key_id IS NOT NULL');
  for (const row of records) {
    const content = openRecordContent({ ...row, municipalityId: row.municipality_id }, keyring);
    await db.query(
      'UPDATE records SET content = $3::jsonb, sealed_content = NULL, seal_key_id = NULL WHERE id = $1::uuid AND revision = $2',
      [row.id, row.revision, JSON.stringify(content)],
    );
  }
  for (const row of await db.query<{ id: string; municipality_id: string; shared_note: string; seal_key_id: string }>(
    'SELECT id::text AS id, municipality_id, shared_note, seal_key_id FROM referrals WHERE seal_key_id IS NOT NULL',
  )) {
    const note = openStored(row.shared_note, row.seal_key_id, sharedNotePlace(row.municipality_id, row.id), keyring);
    await db.query('UPDATE referrals SET shared_note = $2, seal_key_id = NULL WHERE id = $1::uuid', [row.id, note]);
  }
  for (const row of await db.query<{ id: string; municipality_id: string; escrow_key: string; seal_key_id: string }>(
    'SELECT id::text AS id, municipality_id, escrow_key, seal_key_id FROM devices WHERE seal_key_id IS NOT NULL',
  )) {
    const escrow = openStored(row.escrow_key, row.seal_key_id, escrowKeyPlace(row.municipality_id, row.id), keyring);
    await db.query('UPDATE devices SET escrow_key = $2, seal_key_id = NULL WHERE id = $1::uuid', [row.id, escrow]);
  }
  for (const row of await db.query<{ account_id: string; municipality_id: string; totp_secret: string; seal_key_id: string }>(
    'SELECT account_id, municipality_id, totp_secret, seal_key_id FROM second_factors WHERE seal_key_id IS NOT NULL',
  )) {
    const secret = openStored(row.totp_secret, row.seal_key_id, totpSecretPlace(row.municipality_id, row.account_id), keyring);
    await db.query('UPDATE second_factors SET totp_secret = $2, seal_key_id = NULL WHERE account_id = $1', [row.account_id, secret]);
  }
}

async function keyIdsInUse(db: Database): Promise<string[]> {
  const rows = await db.query<{ k: string | null }>(
    `SELECT DISTINCT seal_key_id AS k FROM (
       SELECT seal_key_id FROM records UNION ALL SELECT seal_key_id FROM referrals WHERE shared_note IS NOT NULL
       UNION ALL SELECT seal_key_id FROM devices UNION ALL SELECT seal_key_id FROM second_factors) s`,
  );
  return rows.map((r) => r.k ?? 'clear').sort();
}

async function rawRows(db: Database): Promise<string> {
  const parts: string[] = [];
  for (const table of ['records', 'referrals', 'devices', 'second_factors']) {
    parts.push(...(await db.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`)).map((r) => r.row));
  }
  return parts.join('\n');
}

describeEachDatabase('re-encryption of content at rest', ({ db }) => {
  let app: FastifyInstance;
  let tablet: TabletSession;
  let caseNumber: string;
  const keyB = { keyId: 'rotated-2027', key: randomBytes(32) };

  const partnerNotes = async (): Promise<PartnerReferral['sharedNote'][]> => {
    const token = (await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password)).token;
    const response = await app.inject({
      method: 'POST',
      url: '/api/partner/referrals/lookup',
      headers: bearer(token),
      payload: { caseNumber },
    });
    expect(response.statusCode, response.body).toBe(200);
    return partnerReferralListSchema.parse(response.json()).referrals.map((r) => r.sharedNote);
  };

  beforeAll(async () => {
    installServerKeys(testServerKeyring());
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    // The partner reads the note here without the referral's own second check (tested in referral-four-eyes).
    await setReferralSecondCheck(db(), false);
    tablet = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password); // sets up the admin's authenticator
    caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, {
      content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(tablet.deviceId, caseNumber);
    const referral = await referralRecord(tablet.deviceId, caseNumber, { sourceRecordId: visit.id, sharedNote: SHARED_NOTE });
    const results = pushResponseSchema.parse((await pushAsTablet(app, tablet, [consent, visit, referral])).json()).results;
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
  });
  afterAll(async () => {
    installServerKeys(testServerKeyring());
    await app.close();
  });

  it('seals rows stored clear before sealing existed, with a progress count, and the server reads them as before', async () => {
    await unsealEverything(db(), testServerKeyring());
    expect(await keyIdsInUse(db())).toEqual(['clear']);
    expect(await rawRows(db())).toContain(SHARED_NOTE);
    expect(await rawRows(db())).toContain(VISIT_TOPIC_MARKER);
    // Clear rows are still read (the server keeps working until the job has run).
    expect(await partnerNotes()).toEqual([SHARED_NOTE]);

    const before = await rowsToReencrypt(db());
    expect(before.get('records')).toBeGreaterThanOrEqual(3);
    expect(before.get('referrals')).toBe(1);
    const progress: ReencryptProgress[] = [];
    const moved = await reencryptAll(db(), { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(moved).toEqual(before);
    // Batches of two: the count climbs to the total, table by table.
    const records = progress.filter((p) => p.table === 'records');
    expect(records.at(-1)).toEqual({ table: 'records', done: before.get('records'), total: before.get('records') });
    expect(records.map((p) => p.done)).toEqual([...records.map((p) => p.done)].sort((a, b) => a - b));
    expect(records.length).toBeGreaterThanOrEqual(2);

    expect(await keyIdsInUse(db())).toEqual([TEST_SERVER_KEY.keyId]);
    const raw = await rawRows(db());
    expect(raw).not.toContain(SHARED_NOTE);
    expect(raw).not.toContain(tablet.device.deviceEscrowKey);
    expect([...(await rowsToReencrypt(db())).values()].every((n) => n === 0)).toBe(true);
    expect(await partnerNotes()).toEqual([SHARED_NOTE]);
    expect((await loginOnTablet(app, tablet.device, DEMO_FIELDWORKER)).deviceEscrowKey).toBe(tablet.device.deviceEscrowKey);
  });

  it('moves every row to a new active key; then the old key can go, and a missing key stops the server', async () => {
    const rotated = serverKeyring([keyB, TEST_SERVER_KEY]);
    installServerKeys(rotated);
    // Until the job runs, old rows open with the older key and new ones are sealed with the new key.
    expect(await partnerNotes()).toEqual([SHARED_NOTE]);
    const pending = await rowsToReencrypt(db());
    expect(pending.get('records')).toBeGreaterThan(0);
    expect(pending.get('devices')).toBeGreaterThan(0);
    expect(pending.get('second_factors')).toBeGreaterThan(0);
    await reencryptAll(db(), { batchSize: 3 });
    expect(await keyIdsInUse(db())).toEqual([keyB.keyId]);

    installServerKeys(serverKeyring([keyB]));
    expect(await partnerNotes()).toEqual([SHARED_NOTE]);
    expect((await loginOnTablet(app, tablet.device, DEMO_FIELDWORKER)).deviceEscrowKey).toBe(tablet.device.deviceEscrowKey);
    await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password); // the TOTP secret opens under the new key

    // A server given only another key refuses to start, naming the key id it lacks.
    const other = serverKeyring([{ keyId: 'other', key: randomBytes(32) }]);
    await expect(assertKeysKnown(db(), other)).rejects.toThrow(UnknownServerKeyError);
    await expect(assertKeysKnown(db(), other)).rejects.toThrow(/"rotated-2027".*not configured/);
  });
});
