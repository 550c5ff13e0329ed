// Four-eyes from the tablet's storage to the server and back, without a
// browser: the author's save signs the screening; a colleague approves on the
// same tablet with their own passphrase; the tablet refuses what the server
// would refuse before storing it; the server accepts the approval; an approved,
// sent record's content leaves the tablet; a send-back made elsewhere reaches
// the author with its comment.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestStorage } from '../fixtures/client-db';
import { screeningContent } from '../fixtures/four-eyes';
import { newConsentRecord, newScreeningRecord } from '@domain/record-envelope';
import { deviceConfigSchema, pushResponseSchema, type LoginResponse, type SessionUser } from '@shared/protocol';
import { keyFingerprint, reviewDecisionsResponseSchema, submitReviewsResponseSchema, type ReviewSubmission } from '@shared/four-eyes';
import type { Storage } from '@client/storage';
import type { SyncRecord } from '@shared/records/sync-record';
import { statementFor, submissionFor } from '@client/features/approval/review-signing';
import { describeEachDatabase } from './helpers/databases';
import {
  DEMO_APPROVER,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentContent,
  enrollTablet,
  loginOnTablet,
  newCaseNumber,
  pushBody,
  seedDemo,
} from './helpers/test-app';

const AUTHOR_PASSPHRASE = 'Autorin Station drei 2026';
const APPROVER_PASSPHRASE = 'Prüferin Station drei 2026';

describeEachDatabase('four-eyes round trip', ({ db }) => {
  let app: FastifyInstance;
  let storage: Storage;
  let deviceId: string;
  let authorSession: LoginResponse;
  let approver: SessionUser;

  const push = async (): Promise<void> => {
    const items = await storage.records.peekOutbox(50);
    const response = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: bearer(authorSession.token),
      payload: pushBody(
        deviceId,
        items.map((i) => i.record),
      ),
    });
    const body = pushResponseSchema.parse(response.json());
    await storage.records.applyPushResults(items, body.results, body.serverTime);
  };
  const sendReviews = async (): Promise<void> => {
    const pending = await storage.reviews.pendingReviews();
    const response = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(authorSession.token),
      payload: { deviceId, reviews: pending },
    });
    await storage.reviews.applyResults(submitReviewsResponseSchema.parse(response.json()).results);
  };
  const intentOf = async (record: SyncRecord, reviewerId: string, decision: 'approved' | 'sentBack', comment: string | null = null) => {
    const slot = await storage.vault.slot(reviewerId);
    if (!slot) throw new Error('no slot');
    return { record, decision, comment, reviewerId, reviewerFingerprint: await keyFingerprint(slot.signingPublicKey) };
  };
  const signedBy = async (
    record: SyncRecord,
    reviewerId: string,
    passphrase: string,
    decision: 'approved' | 'sentBack' = 'approved',
    comment: string | null = null,
  ): Promise<ReviewSubmission> => {
    const intent = await intentOf(record, reviewerId, decision, comment);
    const signed = await storage.vault.signWithPassphrase(reviewerId, passphrase, 10, await statementFor(intent));
    if (signed.kind !== 'signed') throw new Error(`not signed: ${signed.kind}`);
    return submissionFor(intent, signed.signature, new Date());
  };
  const saveScreening = async (): Promise<SyncRecord> => {
    const caseNumber = newCaseNumber();
    const now = new Date();
    await storage.records.saveRecord(
      await newConsentRecord(await consentContent('de', { setting: 'screening' }), caseNumber, { deviceId, now }),
    );
    const screening = await newScreeningRecord(screeningContent(), caseNumber, { deviceId, now });
    await storage.records.saveRecord(screening);
    const stored = (await storage.records.listRecords()).find((r) => r.id === screening.id);
    if (!stored?.envelope) throw new Error('screening not stored');
    return stored.envelope;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    ({ storage } = openTestStorage(`four-eyes-${String(Math.random())}`));
    deviceId = await storage.device.deviceId();
    const tablet = await enrollTablet(db(), DEMO_FIELDWORKER.username, { deviceId });
    await storage.vault.provision(tablet.deviceEscrowKey);
    // Both people have signed in on this tablet once (key slots, enrolled signing keys).
    const approverSession = await loginOnTablet(app, tablet, DEMO_APPROVER);
    approver = approverSession.user;
    const approverKey = await storage.vault.createSlot(approver, APPROVER_PASSPHRASE, tablet.deviceEscrowKey);
    authorSession = await loginOnTablet(app, tablet, DEMO_FIELDWORKER);
    const authorKey = await storage.vault.createSlot(authorSession.user, AUTHOR_PASSPHRASE, tablet.deviceEscrowKey);
    for (const [session, key] of [
      [approverSession, approverKey],
      [authorSession, authorKey],
    ] as const) {
      const enrolled = await app.inject({
        method: 'POST',
        url: '/api/staff/keys',
        headers: bearer(session.token),
        payload: { deviceId, publicKey: key.signingPublicKey },
      });
      expect(enrolled.statusCode).toBe(201);
    }
    const config = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(authorSession.token) });
    await storage.device.saveConfig(deviceConfigSchema.parse(config.json()));
    // The author is the unlocked person (createSlot unlocks).
    expect(storage.vault.unlockedUser?.userId).toBe(authorSession.user.id);
  });
  afterAll(async () => {
    storage.close();
    await app.close();
  });

  it('signs at saving, approves on the same tablet, counts on the server, then drops the content', async () => {
    const screening = await saveScreening();
    expect(screening.authorSignature?.signerId).toBe(authorSession.user.id);
    expect((await storage.records.getRecord(screening.id))?.reviewState).toBe('awaiting');
    await push();

    // A wrong passphrase signs nothing and is counted like a wrong unlock.
    const wrong = await storage.vault.signWithPassphrase(
      approver.id,
      'falsch falsch falsch',
      10,
      await statementFor(await intentOf(screening, approver.id, 'approved')),
    );
    expect(wrong).toMatchObject({ kind: 'wrong', remaining: 9 });
    // The author cannot be the second person: refused on the tablet, before anything is stored.
    const selfReview = await signedBy(screening, authorSession.user.id, AUTHOR_PASSPHRASE);
    expect(await storage.reviews.verifyOnTablet(selfReview)).toMatchObject({ ok: false, reason: 'selfApproval' });

    const approval = await signedBy(screening, approver.id, APPROVER_PASSPHRASE);
    expect(await storage.reviews.verifyOnTablet(approval)).toEqual({ ok: true });
    await storage.reviews.saveLocalReview(approval, approver.displayName);
    expect(storage.vault.unlockedUser?.userId).toBe(authorSession.user.id); // the author's session stayed
    const shown = await storage.records.getRecord(screening.id);
    expect(shown).toMatchObject({
      reviewState: 'approved',
      review: { decision: 'approved', reviewerName: approver.displayName, syncState: 'pending' },
    });

    await sendReviews();
    expect((await storage.records.getRecord(screening.id))?.review?.syncState).toBe('sent');
    const [row] = await db().query<{ countable: boolean }>('SELECT countable FROM records WHERE id = $1', [screening.id]);
    expect(row?.countable).toBe(true);

    // Data minimisation: approved and sent → only a content-free stub stays.
    expect(await storage.records.dropSentContent(0)).toBeGreaterThanOrEqual(1);
    expect((await storage.records.getRecord(screening.id))?.envelope).toBeNull();
  });

  it('keeps an unapproved sent screening’s content, and shows a send-back made elsewhere with its comment', async () => {
    const screening = await saveScreening();
    await push();
    await storage.records.dropSentContent(0);
    expect((await storage.records.getRecord(screening.id))?.envelope).not.toBeNull();

    // The approver decides remotely (from their own tablet): submitted straight to the server.
    const sendBack = await signedBy(screening, approver.id, APPROVER_PASSPHRASE, 'sentBack', 'Bitte Punktwert erklären.');
    const answer = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(authorSession.token),
      payload: { deviceId, reviews: [sendBack] },
    });
    expect(submitReviewsResponseSchema.parse(answer.json()).results[0]?.outcome).toBe('accepted');

    const decisions = reviewDecisionsResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/reviews/decisions', headers: bearer(authorSession.token) })).json(),
    );
    const notice = decisions.decisions.find((d) => d.review.id === sendBack.id);
    if (!notice) throw new Error('decision not listed');
    // A notice whose signature was tampered with on the way is not applied.
    const forged = { ...notice, review: { ...notice.review, comment: 'Alles in Ordnung.' } };
    expect(await storage.reviews.applyDecision(forged)).toBe(false);
    expect(await storage.reviews.applyDecision(notice)).toBe(true);
    expect(await storage.records.getRecord(screening.id)).toMatchObject({
      reviewState: 'sentBack',
      review: { decision: 'sentBack', comment: 'Bitte Punktwert erklären.', syncState: 'sent' },
    });
    // Sent back: the content stays for the correction.
    await storage.records.dropSentContent(0);
    expect((await storage.records.getRecord(screening.id))?.envelope).not.toBeNull();
  });
});
