// Four-eyes on the server (DESIGN.md §4): an approval is accepted only with two
// verifying signatures from enrolled, unrevoked keys of two different PEOPLE,
// the second an approver of the author's organisation, over exactly the latest
// stored revision, with a review id never used before. Each rule has a test
// that fails if the rule is removed.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DEMO_ORGANISATION_ID } from '@server/db/demo-seed';
import {
  reviewDecisionsResponseSchema,
  reviewQueueResponseSchema,
  submitReviewsResponseSchema,
  type ReviewSubmission,
} from '@shared/four-eyes';
import type { SyncRecord } from '@shared/records/sync-record';
import type { ScreeningContent } from '@shared/records/screening';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_APPROVER,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  homeContactRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
  type Credentials,
  type TabletSession,
} from '../../helpers/test-app';
import {
  flipCharacter,
  newSigner,
  review,
  screeningContent,
  screeningRecord,
  signAsAuthor,
  type TestSigner,
} from '../../../fixtures/four-eyes';

describeEachDatabase('four-eyes reviews', ({ db }) => {
  let app: FastifyInstance;
  let author: TabletSession;
  let approver: TabletSession;
  let authorKey: TestSigner;
  let approverKey: TestSigner;

  const accountId = async (username: string): Promise<string> => {
    const [row] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [username]);
    if (!row) throw new Error(`no account ${username}`);
    return row.id;
  };

  /** Enrolls a fresh key for the session's person on the session's tablet (revoking their previous key there). */
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

  const submit = async (session: TabletSession, reviews: readonly unknown[]) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(session.token),
      payload: { deviceId: session.deviceId, reviews },
    });
    expect(response.statusCode).toBe(200);
    return submitReviewsResponseSchema.parse(response.json()).results;
  };
  const submitOne = async (submission: ReviewSubmission, session: TabletSession = approver) => {
    const [result] = await submit(session, [submission]);
    if (!result) throw new Error('no result');
    return result;
  };

  const recordState = async (id: string, revision: number) => {
    const [row] = await db().query<{ needs_second_check: boolean; approved: boolean; superseded: boolean; countable: boolean }>(
      `SELECT needs_second_check, approved_at IS NOT NULL AS approved, superseded, countable FROM records WHERE id = $1 AND revision = $2`,
      [id, revision],
    );
    return row;
  };
  const auditActions = async (objectId: string): Promise<string[]> =>
    (await db().query<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id', [objectId])).map(
      (r) => r.action,
    );

  /** A consented case and an author-signed screening of it, pushed from the author's tablet. */
  const pushedScreening = async (content?: ScreeningContent): Promise<SyncRecord> => {
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(author.deviceId, caseNumber, {
      content: await consentContent('de', { setting: 'screening', scopes: ['documentation', 'referral'] }),
    });
    const screening = await signAsAuthor(await screeningRecord(author.deviceId, caseNumber, content ? { content } : {}), authorKey);
    const response = await pushAsTablet(app, author, [consent, screening]);
    expect(response.statusCode).toBe(200);
    expect(response.json<{ results: { outcome: string }[] }>().results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    return screening;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    author = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    approver = await signInOnTablet(app, db(), DEMO_APPROVER);
    authorKey = await enrollKey(author, DEMO_FIELDWORKER.username);
    approverKey = await enrollKey(approver, DEMO_APPROVER.username);
  });
  afterAll(async () => {
    await app.close();
  });

  it('marks a screening as needing the second check and counts it only once approved (remote approval via the queue)', async () => {
    const screening = await pushedScreening();
    expect(await recordState(screening.id, 1)).toEqual({ needs_second_check: true, approved: false, superseded: false, countable: false });

    const queue = await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(approver.token) });
    expect(queue.statusCode).toBe(200);
    const item = reviewQueueResponseSchema.parse(queue.json()).items.find((i) => i.record['id'] === screening.id);
    // What you see is what you sign: the queue carries the exact stored revision and the author's signature.
    expect(item?.record['contentHash']).toBe(screening.contentHash);
    expect(item?.record['content']).toEqual(screening.content);
    expect(item?.record['authorSignature']).toEqual(screening.authorSignature);
    expect(item?.author.publicKey).toBe(authorKey.publicKey);
    // The read is audited: the approver, the record and revision read — never its case number or content.
    const [read] = await db().query<{ actor_id: string; object_id: string }>(
      "SELECT actor_id, object_id FROM audit_log WHERE action = 'read.reviewQueue' AND object_id = $1 ORDER BY id DESC LIMIT 1",
      [`${screening.id}#1@${approver.deviceId}`],
    );
    expect(read).toEqual({ actor_id: approver.user.id, object_id: `${screening.id}#1@${approver.deviceId}` });

    const result = await submitOne(await review(screening, approverKey));
    expect(result).toMatchObject({ outcome: 'accepted', status: 200 });
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: true, countable: true });
    expect(await auditActions(screening.id)).toContain('review.approved');

    // It left the queue, and the author's tablet learns of the approval.
    const after = reviewQueueResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(approver.token) })).json(),
    );
    expect(after.items.some((i) => i.record['id'] === screening.id)).toBe(false);
    const decisions = reviewDecisionsResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/reviews/decisions', headers: bearer(author.token) })).json(),
    );
    const notice = decisions.decisions.find((d) => d.review.recordId === screening.id);
    expect(notice?.review.decision).toBe('approved');
    expect(notice?.reviewer.publicKey).toBe(approverKey.publicKey);
  });

  it('lists acute danger first, then Dringend (an override counts), then the rest, each oldest first', async () => {
    const routine = await pushedScreening();
    const overriddenUrgent = await pushedScreening(
      screeningContent({
        score: 6,
        supportNeed: 'offerRecommended',
        override: { supportNeed: 'urgent', reason: 'Mutter wirkt erschöpft' },
      }),
    );
    const urgent = await pushedScreening(screeningContent({ score: 20, supportNeed: 'urgent' }));
    const danger = await pushedScreening(screeningContent({ score: 10, supportNeed: 'urgent', acuteDanger: ['safetyAtHome'] }));
    const queue = reviewQueueResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(approver.token) })).json(),
    );
    const ids = queue.items.map((i) => String(i.record['id']));
    const mine = ids.filter((id) => [routine.id, overriddenUrgent.id, urgent.id, danger.id].includes(id));
    expect(mine).toEqual([danger.id, overriddenUrgent.id, urgent.id, routine.id]);
    // Danger leads the whole queue, whatever waited longer.
    expect(ids[0]).toBe(danger.id);
  });

  it('answers a retry of an accepted approval with the same answer, and refuses the id for anything else', async () => {
    const screening = await pushedScreening();
    const approval = await review(screening, approverKey);
    const first = await submitOne(approval);
    const retry = await submitOne(approval);
    expect(retry).toEqual(first);
    const sendBack = await review(screening, approverKey, 'sentBack', 'Bitte Frage 3 prüfen');
    expect(await submitOne(sendBack)).toMatchObject({ outcome: 'rejected', reason: 'reviewIdUsed' });
    const [count] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM record_reviews WHERE record_id = $1', [screening.id]);
    expect(count?.n).toBe(1);
  });

  it('refuses self-approval with the same key', async () => {
    const screening = await pushedScreening();
    const result = await submitOne(await review(screening, authorKey), author);
    expect(result).toMatchObject({ outcome: 'rejected', status: 403, reason: 'selfApproval' });
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: false, countable: false });
    expect(await auditActions(screening.authorSignature?.reviewId ?? '')).toContain('security.review.selfApproval');
  });

  it('refuses self-approval with a second device key of the same person', async () => {
    const screening = await pushedScreening();
    const secondTablet = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    const secondKey = await enrollKey(secondTablet, DEMO_FIELDWORKER.username);
    // Give the author the approver role too: only the person rule can refuse it now.
    await db().query(`UPDATE staff_accounts SET roles = ARRAY['fieldworker', 'approver'] WHERE id = $1`, [authorKey.accountId]);
    try {
      const result = await submitOne(await review(screening, secondKey), secondTablet);
      expect(result).toMatchObject({ outcome: 'rejected', reason: 'selfApproval' });
    } finally {
      await db().query(`UPDATE staff_accounts SET roles = ARRAY['fieldworker'] WHERE id = $1`, [authorKey.accountId]);
    }
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: false });
  });

  it('refuses approval by a second account of the same person once the organisation marks them as one person', async () => {
    const screening = await pushedScreening();
    const second: Credentials = { username: `second.${uuidv7().slice(-8)}`, password: 'second-account-password' };
    await createStaffAccount(db(), {
      municipalityId: 'demo-stadt',
      organisationId: DEMO_ORGANISATION_ID,
      username: second.username,
      displayName: 'Zweites Konto',
      password: second.password,
      roles: ['approver'],
    });
    const secondSession = await signInOnTablet(app, db(), second);
    const secondKey = await enrollKey(secondSession, second.username);
    const approval = await review(screening, secondKey);

    // The admin links both accounts to one person (PATCH /api/admin/staff/:id, audited).
    const admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
    for (const id of [authorKey.accountId, secondKey.accountId]) {
      const patch = await app.inject({
        method: 'PATCH',
        url: `/api/admin/staff/${id}`,
        headers: bearer(admin.token),
        payload: { personId: 'person-anna' },
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json<{ personId: string }>().personId).toBe('person-anna');
    }
    try {
      // The queue does not even offer it to her…
      const queue = reviewQueueResponseSchema.parse(
        (await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(secondSession.token) })).json(),
      );
      expect(queue.items.some((i) => i.record['id'] === screening.id)).toBe(false);
      // …and the server refuses it when submitted anyway.
      expect(await submitOne(approval, secondSession)).toMatchObject({ outcome: 'rejected', reason: 'selfApproval' });
    } finally {
      await db().query('UPDATE staff_accounts SET person_id = NULL WHERE id = ANY($1::text[])', [
        [authorKey.accountId, secondKey.accountId],
      ]);
    }
    // Unlinked, the very same signed approval is fine: the rule (not the signature) refused it.
    expect(await submitOne(approval, secondSession)).toMatchObject({ outcome: 'accepted' });
  });

  it('refuses a flipped byte in the payload or in a signature, and logs a security event', async () => {
    const screening = await pushedScreening();
    const approval = await review(screening, approverKey);
    const tamperedHash = { ...approval, contentHash: flipCharacter(approval.contentHash, 10).replace(/[^0-9a-f]/g, '0') };
    const tamperedComment = { ...approval, decision: 'sentBack' as const, comment: 'geändert' };
    const tamperedSignature = {
      ...approval,
      reviewer: { ...approval.reviewer, signature: flipCharacter(approval.reviewer.signature, 20) },
    };
    const tamperedAuthor = { ...approval, author: { ...approval.author, signature: flipCharacter(approval.author.signature, 5) } };
    const results = await submit(approver, [tamperedHash, tamperedComment, tamperedSignature, tamperedAuthor]);
    expect(results.map((r) => r.reason)).toEqual(['hashMismatch', 'invalidSignature', 'invalidSignature', 'invalidSignature']);
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: false });
    const securityEvents = (await auditActions(approval.id)).filter((a) => a.startsWith('security.'));
    expect(securityEvents).toEqual([
      'security.review.hashMismatch',
      'security.review.invalidSignature',
      'security.review.invalidSignature',
      'security.review.invalidSignature',
    ]);
    // The untouched approval still goes through: nothing was used up by the forgeries.
    expect(await submitOne(approval)).toMatchObject({ outcome: 'accepted' });
  });

  it('voids an approval when the record changes: old approvals cannot be replayed for a later revision', async () => {
    const screening = await pushedScreening();
    const approvalOfFirst = await review(screening, approverKey);
    expect(await submitOne(approvalOfFirst)).toMatchObject({ outcome: 'accepted' });

    const content = screeningContent({ supportNeed: 'informationOnly', score: 2 });
    const second = await signAsAuthor(
      await screeningRecord(author.deviceId, screening.caseNumber ?? '', { id: screening.id, revision: 2, content }),
      authorKey,
    );
    expect((await pushAsTablet(app, author, [second])).statusCode).toBe(200);
    expect(await recordState(screening.id, 1)).toMatchObject({ superseded: true, countable: false });
    expect(await recordState(screening.id, 2)).toMatchObject({ needs_second_check: true, approved: false, countable: false });

    // The approval of revision 1, relabelled for revision 2: its signatures do not cover revision 2.
    const relabelled = { ...approvalOfFirst, id: second.authorSignature?.reviewId ?? '', revision: 2, contentHash: second.contentHash };
    expect(await submitOne(relabelled)).toMatchObject({ outcome: 'rejected', reason: 'invalidSignature' });
    // A fresh, unused approval of revision 1 (signed before the change reached the server) is stale now.
    const lateForFirst = await review(await signAsAuthor(screening, authorKey), approverKey);
    expect(await submitOne(lateForFirst)).toMatchObject({ outcome: 'rejected', reason: 'staleRevision' });
    expect(await recordState(screening.id, 2)).toMatchObject({ countable: false });

    expect(await submitOne(await review(second, approverKey))).toMatchObject({ outcome: 'accepted' });
    expect(await recordState(screening.id, 2)).toMatchObject({ countable: true });
  });

  it('refuses an approver from another organisation, and a person without the approver role', async () => {
    const screening = await pushedScreening();
    await db().query(
      `INSERT INTO organisations (id, municipality_id, name, kind) VALUES ('klinik-demo', 'demo-stadt', 'Klinik Demo', 'clinic') ON CONFLICT DO NOTHING`,
    );
    const foreign: Credentials = { username: `klinik.${uuidv7().slice(-8)}`, password: 'klinik-approver-password' };
    await createStaffAccount(db(), {
      municipalityId: 'demo-stadt',
      organisationId: 'klinik-demo',
      username: foreign.username,
      displayName: 'Prüferin Klinik',
      password: foreign.password,
      roles: ['approver'],
    });
    const foreignSession = await signInOnTablet(app, db(), foreign);
    const foreignKey = await enrollKey(foreignSession, foreign.username);
    expect(await submitOne(await review(screening, foreignKey), foreignSession)).toMatchObject({
      outcome: 'rejected',
      status: 403,
      reason: 'notApprover',
    });

    const colleague: Credentials = { username: `kollegin.${uuidv7().slice(-8)}`, password: 'kollegin-password-1' };
    await createStaffAccount(db(), {
      municipalityId: 'demo-stadt',
      organisationId: DEMO_ORGANISATION_ID,
      username: colleague.username,
      displayName: 'Kollegin ohne Freigaberecht',
      password: colleague.password,
      roles: ['fieldworker'],
    });
    const colleagueSession = await signInOnTablet(app, db(), colleague);
    const colleagueKey = await enrollKey(colleagueSession, colleague.username);
    expect(await submitOne(await review(screening, colleagueKey), colleagueSession)).toMatchObject({ reason: 'notApprover' });
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: false });
  });

  it('refuses a revoked key', async () => {
    const screening = await pushedScreening();
    const oldKey = approverKey;
    const approval = await review(screening, oldKey);
    approverKey = await enrollKey(approver, DEMO_APPROVER.username); // the new key revokes the old one on that tablet
    expect(await submitOne(approval)).toMatchObject({ outcome: 'rejected', status: 403, reason: 'keyRevoked' });
    // A refused review uses nothing up: the same request signed with the current key goes through.
    expect(await submitOne(await review(screening, approverKey))).toMatchObject({ outcome: 'accepted' });
  });

  it('refuses a send-back comment holding personal data, naming the comment, and takes a clean one', async () => {
    const screening = await pushedScreening();
    const withPhone = await review(screening, approverKey, 'sentBack', 'Bitte Mutter anrufen: 0171 2345678');
    expect(await submitOne(withPhone)).toMatchObject({
      outcome: 'rejected',
      status: 422,
      reason: 'personalData',
      issues: [{ path: 'comment', message: 'phone' }],
    });
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: false });
    const [stored] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM record_reviews WHERE id = $1', [withPhone.id]);
    expect(stored?.n).toBe(0);
    expect(await auditActions(`${withPhone.id}#comment`)).toEqual(['review.refusedPersonalData.phone']);
    const [leak] = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action LIKE '%2345678%' OR object_id LIKE '%2345678%'",
    );
    expect(leak?.n).toBe(0);
    const clean = await review(screening, approverKey, 'sentBack', 'Bitte die Unterstützungsstufe begründen.');
    expect(await submitOne(clean)).toMatchObject({ outcome: 'accepted' });
  });

  it('sends a record back with a comment the author sees; the comment is required', async () => {
    const screening = await pushedScreening();
    const missingComment = { ...(await review(screening, approverKey, 'sentBack', 'x')), comment: null };
    expect(await submitOne(missingComment)).toMatchObject({ outcome: 'rejected', status: 422, reason: 'invalidRequest' });
    const sendBack = await review(screening, approverKey, 'sentBack', 'Bitte die Unterstützungsstufe begründen.');
    expect(await submitOne(sendBack)).toMatchObject({ outcome: 'accepted' });
    expect(await recordState(screening.id, 1)).toMatchObject({ approved: false, countable: false });
    expect(await auditActions(screening.id)).toContain('review.sentBack');
    const decisions = reviewDecisionsResponseSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/reviews/decisions', headers: bearer(author.token) })).json(),
    );
    expect(decisions.decisions.find((d) => d.review.id === sendBack.id)?.review.comment).toBe('Bitte die Unterstützungsstufe begründen.');
    // Nothing of it reaches the audit log but who, what and when.
    const [audit] = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action LIKE '%Unterstützung%' OR object_id LIKE '%Unterstützung%'`,
    );
    expect(audit?.n).toBe(0);
  });

  it('counts an anonymous HOME tally at once: no second check', async () => {
    const tally = await homeContactRecord(author.deviceId);
    expect((await pushAsTablet(app, author, [tally])).statusCode).toBe(200);
    expect(await recordState(tally.id, 1)).toEqual({ needs_second_check: false, approved: false, superseded: false, countable: true });
  });

  it('follows the municipality’s configuration of which kinds need the second check', async () => {
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ('demo-stadt', ARRAY[]::text[], false)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_kinds = ARRAY[]::text[], four_eyes_for_referrals = false`,
    );
    try {
      const screening = await pushedScreening();
      expect(await recordState(screening.id, 1)).toMatchObject({ needs_second_check: false, countable: true });
      const config = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(author.token) });
      expect(config.json<{ fourEyes: unknown }>().fourEyes).toEqual({ kinds: [], forReferrals: false, linkedAccounts: [] });
    } finally {
      await db().query(
        `UPDATE municipality_settings SET four_eyes_kinds = ARRAY['screening'], four_eyes_for_referrals = true WHERE municipality_id = 'demo-stadt'`,
      );
    }
  });

  it('serves the queue only to approvers on a tablet, and reviews only from a tablet session', async () => {
    const queueAsAuthor = await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(author.token) });
    expect(queueAsAuthor.statusCode).toBe(403);
    const plainBrowser = await login(app, DEMO_APPROVER.username, DEMO_APPROVER.password);
    expect((await app.inject({ method: 'GET', url: '/api/reviews/queue', headers: bearer(plainBrowser.token) })).statusCode).toBe(403);
    const post = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(plainBrowser.token),
      payload: { deviceId: approver.deviceId, reviews: [{}] },
    });
    expect(post.statusCode).toBe(403);
  });
});
