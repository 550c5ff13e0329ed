// Content at rest (issue 16 item 5): what a stolen dump or backup of the database shows. Record
// content, referral shared notes, send-back comments, tablet escrow keys and TOTP secrets are
// sealed under the server key; the running server still reads them for the people entitled to
// them; a sealed value moved to another row, or changed, does not open.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { ENROL_CHALLENGE_TTL_MS, VERIFY_CHALLENGE_TTL_MS } from '@server/services/second-factor-service';
import { openRecordContent, SealBrokenError } from '@server/services/content-seal';
import { reviewDecisionsResponseSchema, reviewQueueResponseSchema, submitReviewsResponseSchema } from '@shared/four-eyes';
import { partnerReferralListSchema } from '@shared/referral-api';
import { pushResponseSchema } from '@shared/protocol';
import type { SecondFactorEnrolment, SecondFactorPending, SignInResponse } from '@shared/second-factor';
import type { Queryable } from '@server/db/database';
import { describeEachDatabase } from '../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_APPROVER,
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
  testClock,
  totpCode,
  type TabletSession,
} from '../helpers/test-app';
import { newSigner, review, screeningContent, screeningRecord, signAsAuthor, type TestSigner } from '../../fixtures/four-eyes';
import { referralRecord, welcomeVisitRecord } from '../../fixtures/referral-records';

const OVERRIDE_REASON = 'Erschöpfung deutlich sichtbar Vermerk-7731';
const SHARED_NOTE = 'Bitte nachmittags anrufen lassen Vermerk-8842';
const SEND_BACK_COMMENT = 'Bitte Frage drei prüfen Vermerk-9953';

/** Every row of every table of the database as text: what a dump (or a backup restored elsewhere) holds. */
async function dumpAllTables(db: Queryable): Promise<string> {
  const tables = await db.query<{ name: string }>(
    'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
  );
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining(['records', 'referrals', 'record_reviews', 'devices', 'second_factors']),
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

describeEachDatabase('content at rest', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  let author: TabletSession;
  let approver: TabletSession;
  let authorKey: TestSigner;
  let approverKey: TestSigner;

  const accountId = async (username: string): Promise<string> => {
    const [row] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [username]);
    if (!row) throw new Error(`no account ${username}`);
    return row.id;
  };
  const enrollKey = async (session: TabletSession, username: string): Promise<TestSigner> => {
    const signer = await newSigner(await accountId(username));
    const response = await app.inject({
      method: 'POST',
      url: '/api/staff/keys',
      headers: bearer(session.token),
      payload: { deviceId: session.deviceId, publicKey: signer.publicKey },
    });
    expect(response.statusCode).toBe(201);
    return signer;
  };
  /** A consented case with a screening (signed, waiting for the second check), a welcome visit and a referral naming it. */
  const pushCase = async (note: string) => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(author.deviceId, caseNumber, {
      content: await consentContent('ar', { setting: 'screening', scopes: ['documentation', 'referral'] }),
    });
    const screening = await signAsAuthor(
      await screeningRecord(author.deviceId, caseNumber, {
        content: screeningContent({ supportNeed: 'offerRecommended', override: { supportNeed: 'urgent', reason: OVERRIDE_REASON } }),
      }),
      authorKey,
    );
    const visit = await welcomeVisitRecord(author.deviceId, caseNumber);
    const referral = await referralRecord(author.deviceId, caseNumber, { sourceRecordId: visit.id, sharedNote: note });
    const response = await pushAsTablet(app, author, [consent, screening, visit, referral]);
    expect(response.statusCode, response.body).toBe(200);
    expect(pushResponseSchema.parse(response.json()).results.map((r) => r.outcome)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'accepted',
    ]);
    return { caseNumber, screening };
  };
  const partnerLookup = async (caseNumber: string) => {
    const token = (await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password)).token;
    return app.inject({ method: 'POST', url: '/api/partner/referrals/lookup', headers: bearer(token), payload: { caseNumber } });
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    // The partner reads the note here without the referral's own second check (tested in referral-four-eyes).
    await setReferralSecondCheck(db(), false);
    author = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    approver = await signInOnTablet(app, db(), DEMO_APPROVER);
    authorKey = await enrollKey(author, DEMO_FIELDWORKER.username);
    approverKey = await enrollKey(approver, DEMO_APPROVER.username);
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps answers, notes, comments, escrow keys and TOTP secrets out of a dump, while the server still serves them', async () => {
    const { caseNumber, screening } = await pushCase(SHARED_NOTE);

    // The approver's queue shows the whole screening, override reason included.
    const queue = await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(approver.token) });
    expect(queue.statusCode).toBe(200);
    const item = reviewQueueResponseSchema.parse(queue.json()).items.find((i) => i.record.id === screening.id);
    expect(item?.record.content).toMatchObject({ override: { supportNeed: 'urgent', reason: OVERRIDE_REASON } });

    // Sent back with a comment, which the author's tablet pulls.
    const submitted = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(approver.token),
      payload: { deviceId: approver.deviceId, reviews: [await review(screening, approverKey, 'sentBack', SEND_BACK_COMMENT)] },
    });
    expect(submitReviewsResponseSchema.parse(submitted.json()).results.map((r) => r.outcome)).toEqual(['accepted']);
    const decisions = await app.inject({
      method: 'GET',
      url: '/api/reviews/decisions',
      headers: bearer(author.token),
    });
    expect(decisions.statusCode, decisions.body).toBe(200);
    expect(reviewDecisionsResponseSchema.parse(decisions.json()).decisions.map((d) => d.review.comment)).toContain(SEND_BACK_COMMENT);

    // The partner reads the shared note.
    const lookup = await partnerLookup(caseNumber);
    expect(lookup.statusCode).toBe(200);
    expect(partnerReferralListSchema.parse(lookup.json()).referrals.map((r) => r.sharedNote)).toEqual([SHARED_NOTE]);

    // The admin sets up an authenticator: its secret is sealed while pending and once enrolled.
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: DEMO_ADMIN.username, password: DEMO_ADMIN.password },
    });
    const pending = signIn.json<SignInResponse>() as SecondFactorPending;
    expect(pending.secondFactor).toBe('enrol');
    const started = await app.inject({
      method: 'POST',
      url: '/api/session/second-factor/enrolment',
      payload: { pendingToken: pending.pendingToken },
    });
    const { secret } = started.json<SecondFactorEnrolment>();
    expect(await dumpAllTables(db())).not.toContain(secret);
    const enrolNow = new Date(Date.parse(pending.pendingExpiresAt) - ENROL_CHALLENGE_TTL_MS);
    const confirmed = await app.inject({
      method: 'POST',
      url: '/api/session/second-factor/enrolment/confirm',
      payload: { pendingToken: pending.pendingToken, code: totpCode(secret, enrolNow) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    const dump = await dumpAllTables(db());
    for (const secretText of [OVERRIDE_REASON, SHARED_NOTE, SEND_BACK_COMMENT, secret, author.device.deviceEscrowKey]) {
      expect(dump).not.toContain(secretText);
    }
    // Not a vacuous search: the dump does hold the clear identifiers and the counting facts.
    expect(dump).toContain(caseNumber);
    expect(dump).toContain('urgent');

    // The tablet still receives its escrow key at sign-in, and the admin signs in with the next code.
    expect((await loginOnTablet(app, author.device, DEMO_FIELDWORKER)).deviceEscrowKey).toBe(author.device.deviceEscrowKey);
    clock.advance(60_000);
    const again = (
      await app.inject({ method: 'POST', url: '/api/session', payload: { username: DEMO_ADMIN.username, password: DEMO_ADMIN.password } })
    ).json<SignInResponse>() as SecondFactorPending;
    const verifyNow = new Date(Date.parse(again.pendingExpiresAt) - VERIFY_CHALLENGE_TTL_MS);
    const verified = await app.inject({
      method: 'POST',
      url: '/api/session/second-factor',
      payload: { pendingToken: again.pendingToken, code: totpCode(secret, verifyNow) },
    });
    expect(verified.statusCode, verified.body).toBe(200);
  });

  it('refuses a sealed note copied into another referral, or changed, instead of showing it', async () => {
    const first = await pushCase(`${SHARED_NOTE} eins`);
    const second = await pushCase('Zweite Familie, vormittags');
    // Someone with write access to the database moves the first family's note onto the second referral.
    await db().query(
      `UPDATE referrals SET shared_note = f.shared_note, seal_key_id = f.seal_key_id
         FROM (SELECT shared_note, seal_key_id FROM referrals WHERE case_number = $1) f
        WHERE referrals.case_number = $2`,
      [first.caseNumber, second.caseNumber],
    );
    const moved = await partnerLookup(second.caseNumber);
    expect(moved.statusCode).toBe(500);
    expect(moved.body).not.toContain('eins');
    // A changed ciphertext does not open either.
    await db().query(
      `UPDATE referrals SET shared_note = overlay(shared_note placing (CASE WHEN substr(shared_note, 30, 1) = 'A' THEN 'B' ELSE 'A' END) from 30 for 1)
        WHERE case_number = $1`,
      [first.caseNumber],
    );
    expect((await partnerLookup(first.caseNumber)).statusCode).toBe(500);
  });

  it('refuses record content copied from another record or revision', async () => {
    const first = await pushCase('Notiz A');
    const second = await pushCase('Notiz B');
    const rows = await db().query<{
      id: string;
      revision: number;
      municipality_id: string;
      content: unknown;
      sealed_content: string;
      seal_key_id: string;
    }>(
      `SELECT id::text AS id, revision, municipality_id, content, sealed_content, seal_key_id FROM records WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [[first.screening.id, second.screening.id]],
    );
    const [a, b] = rows;
    if (!a || !b) throw new Error('screenings not stored');
    const asStored = (row: typeof a) => ({ ...row, municipalityId: row.municipality_id });
    expect(openRecordContent(asStored(a))).toMatchObject({ override: { reason: OVERRIDE_REASON } });
    expect(() => openRecordContent(asStored({ ...b, sealed_content: a.sealed_content }))).toThrow(SealBrokenError);
    expect(() => openRecordContent(asStored({ ...a, revision: 2 }))).toThrow(SealBrokenError);
  });
});
