// The referral's own second check (finding M2, docs/THREAT-MODEL.md): while the municipality
// requires it (the default), a referral reaches a partner — case-number look-up, uptake marks,
// public confirmation by slip code, call-back handover — and the reports only after a second
// person of the referring organisation approved it. Until then a partner's look-up answers as
// for an unknown number; the approver's queue offers it; the author cannot approve it alone.
// With the rule switched off a referral is visible at once. (Reports: report-facts.integration.test.ts.)
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushResponseSchema } from '@shared/protocol';
import { followUpListSchema, issuedPartnerKeySchema, partnerReferralListSchema } from '@shared/referral-api';
import { reviewQueueResponseSchema, submitReviewsResponseSchema } from '@shared/four-eyes';
import type { ReferralRecord, SyncRecord } from '@shared/records/sync-record';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { referralId } from '@server/services/referral-projection';
import { describeEachDatabase } from '../../helpers/databases';
import {
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
  setReferralSecondCheck,
  signInOnTablet,
  testClock,
  type TabletSession,
} from '../../helpers/test-app';
import { newSigner, review, signAsAuthor, type TestSigner } from '../../../fixtures/four-eyes';
import { PARTNER_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';
import { generateSlipCode } from '@domain/slip-code';

const WEEK = 7 * 86_400_000;

describeEachDatabase('referral second check', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  let author: TabletSession;
  let approver: TabletSession;
  let authorKey: TestSigner;
  let approverKey: TestSigner;
  let partnerToken: string;

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
  const push = async (records: readonly SyncRecord[]) => {
    const response = await pushAsTablet(app, author, records);
    expect(response.statusCode, response.body).toBe(200);
    return pushResponseSchema.parse(response.json()).results;
  };
  const submit = async (session: TabletSession, record: SyncRecord, key: TestSigner) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(session.token),
      payload: { deviceId: session.deviceId, reviews: [await review(record, key)] },
    });
    expect(response.statusCode).toBe(200);
    const [result] = submitReviewsResponseSchema.parse(response.json()).results;
    return result;
  };
  const lookup = async (caseNumber: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/partner/referrals/lookup',
      headers: bearer(partnerToken),
      payload: { caseNumber },
    });
    expect(response.statusCode, response.body).toBe(200);
    return { body: response.body, referrals: partnerReferralListSchema.parse(response.json()).referrals };
  };
  /** A consented case, a welcome visit that needs no check, and a referral signed by its author, pushed. */
  const referredCase = async (): Promise<{ caseNumber: string; referral: ReferralRecord }> => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(author.deviceId, caseNumber, {
      content: await consentContent('ar', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(author.deviceId, caseNumber);
    const referral = await signAsAuthor(
      await referralRecord(author.deviceId, caseNumber, { sourceRecordId: visit.id, offerIds: [PARTNER_OFFER] }),
      authorKey,
    );
    expect((await push([consent, visit, referral])).map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    return { caseNumber, referral };
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
    await setReferralSecondCheck(db(), true);
    author = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    approver = await signInOnTablet(app, db(), DEMO_APPROVER);
    authorKey = await enrollKey(author, DEMO_FIELDWORKER.username);
    approverKey = await enrollKey(approver, DEMO_APPROVER.username);
    partnerToken = (await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('hides a referral from the partner until a second person approved it, then shows it', async () => {
    const { caseNumber, referral } = await referredCase();
    const [stored] = await db().query<{ needs_second_check: boolean; countable: boolean }>(
      'SELECT needs_second_check, countable FROM records WHERE id = $1',
      [referral.id],
    );
    expect(stored).toEqual({ needs_second_check: true, countable: false });

    // The partner's look-up answers exactly as for a number nobody referred.
    const unknown = await lookup(newCaseNumber());
    const awaiting = await lookup(caseNumber);
    expect(awaiting.referrals).toEqual([]);
    expect(awaiting.body).toBe(unknown.body);
    // Nor can the partner mark it: 404, as for a referral that does not exist.
    const id = referralId(referral.id, PARTNER_OFFER);
    const mark = await app.inject({
      method: 'POST',
      url: `/api/partner/referrals/${id}/state`,
      headers: bearer(partnerToken),
      payload: { state: 'contacted' },
    });
    expect(mark.statusCode).toBe(404);

    // The approver's queue offers it; the approval makes it visible.
    const queue = await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(approver.token) });
    const queued = reviewQueueResponseSchema.parse(queue.json()).items.find((item) => item.record['id'] === referral.id);
    expect(queued?.record['kind']).toBe('referral');
    expect(await submit(approver, referral, approverKey)).toMatchObject({ outcome: 'accepted' });

    const approved = await lookup(caseNumber);
    expect(approved.referrals.map((r) => [r.id, r.offerId, r.state])).toEqual([[id, PARTNER_OFFER, 'handedOver']]);
  });

  it('refuses the author’s approval of their own referral (403 selfApproval, audited), and the partner still sees nothing', async () => {
    const { caseNumber, referral } = await referredCase();
    const result = await submit(author, referral, authorKey);
    expect(result).toMatchObject({ outcome: 'rejected', status: 403, reason: 'selfApproval' });
    const audited = await db().query<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id', [referral.id]);
    expect(audited.map((r) => r.action)).toContain('review.rejected.selfApproval');
    const [row] = await db().query<{ approved: boolean }>('SELECT approved_at IS NOT NULL AS approved FROM records WHERE id = $1', [
      referral.id,
    ]);
    expect(row?.approved).toBe(false);
    expect((await lookup(caseNumber)).referrals).toEqual([]);
  });

  it('says in the coordinator’s follow-up that a referral awaits its check, and refuses "no response" for it', async () => {
    const { referral } = await referredCase();
    clock.advance(7 * WEEK);
    try {
      const coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
      const response = await app.inject({ method: 'GET', url: '/api/office/referrals/follow-up', headers: bearer(coordinator) });
      expect(response.statusCode).toBe(200);
      const id = referralId(referral.id, PARTNER_OFFER);
      const listed = followUpListSchema.parse(response.json()).referrals.find((r) => r.id === id);
      expect(listed?.secondCheck).toBe('awaiting');
      const mark = await app.inject({
        method: 'POST',
        url: `/api/office/referrals/${id}/state`,
        headers: bearer(coordinator),
        payload: { state: 'noResponse' },
      });
      expect(mark.statusCode).toBe(409);
      expect(mark.json<{ error: { issues: { message: string }[] } }>().error.issues[0]?.message).toBe('awaitingSecondCheck');
      const [row] = await db().query<{ state: string }>('SELECT state FROM referrals WHERE id = $1', [id]);
      expect(row?.state).toBe('handedOver');
      const audited = await db().query<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1', [id]);
      expect(audited.map((r) => r.action)).toContain('referral.refusedAwaitingCheck');
    } finally {
      clock.advance(-7 * WEEK);
    }
  });

  it('answers a slip code of an unchecked referral on the public page exactly like an unknown code', async () => {
    const coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    const issued = await app.inject({
      method: 'POST',
      url: `/api/office/offers/${PARTNER_OFFER}/partner-key`,
      headers: bearer(coordinator),
    });
    const partnerKey = issuedPartnerKeySchema.parse(issued.json()).partnerKey;
    const caseNumber = newCaseNumber();
    const slipCode = generateSlipCode();
    const consent = await consentRecord(author.deviceId, caseNumber, {
      content: await consentContent('de', { scopes: ['documentation', 'referral'] }),
    });
    const visit = await welcomeVisitRecord(author.deviceId, caseNumber);
    const referral = await signAsAuthor(
      await referralRecord(
        author.deviceId,
        caseNumber,
        { sourceRecordId: visit.id, offerIds: [PARTNER_OFFER] },
        { slipCodes: [{ offerId: PARTNER_OFFER, code: slipCode }] },
      ),
      authorKey,
    );
    expect((await push([consent, visit, referral])).map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    const lookUp = (code: string, address: string) =>
      app.inject({
        method: 'POST',
        url: '/api/public/confirmation/lookup',
        remoteAddress: address,
        payload: { slipCode: code, partnerKey },
      });
    const confirm = (code: string, address: string) =>
      app.inject({
        method: 'POST',
        url: '/api/public/confirmation',
        remoteAddress: address,
        payload: { slipCode: code, partnerKey, state: 'contacted', reason: null },
      });
    let unknownCode = generateSlipCode();
    while (unknownCode === slipCode) unknownCode = generateSlipCode();
    const unknown = await lookUp(unknownCode, '192.0.2.31');
    const awaiting = await lookUp(slipCode, '192.0.2.32');
    expect(unknown.statusCode).toBe(403);
    expect([awaiting.statusCode, awaiting.body]).toEqual([unknown.statusCode, unknown.body]);
    const tap = await confirm(slipCode, '192.0.2.33');
    expect([tap.statusCode, tap.body]).toEqual([unknown.statusCode, unknown.body]);
    const id = referralId(referral.id, PARTNER_OFFER);
    const [row] = await db().query<{ state: string; used: boolean }>(
      'SELECT state, slip_code_used_at IS NOT NULL AS used FROM referrals WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ state: 'handedOver', used: false });

    expect(await submit(approver, referral, approverKey)).toMatchObject({ outcome: 'accepted' });
    const found = await lookUp(slipCode, '192.0.2.34');
    expect(found.statusCode, found.body).toBe(200);
  });

  it('shows a referral at once when the municipality does not require the check for referrals', async () => {
    await setReferralSecondCheck(db(), false);
    try {
      const { caseNumber, referral } = await referredCase();
      const [stored] = await db().query<{ needs_second_check: boolean }>('SELECT needs_second_check FROM records WHERE id = $1', [
        referral.id,
      ]);
      expect(stored?.needs_second_check).toBe(false);
      expect((await lookup(caseNumber)).referrals.map((r) => r.offerId)).toEqual([PARTNER_OFFER]);
    } finally {
      await setReferralSecondCheck(db(), true);
    }
  });
});
