// Two backend processes (src/server/main.ts) on one PostgreSQL database, as a
// municipality runs them behind one proxy: they start together (migrations and
// the first seed race), 20 simulated tablets push through both — every batch
// once to its own instance and once more to the other, as a retry after a lost
// answer would — and every record is stored exactly once with the same answer
// from either instance. A screening written on one instance is approved on the
// other, a partner looks a referral up on both, and the sign-in limits count
// failures made on either instance together. A SIGTERM lets a push in flight
// commit and answer before the process exits.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@server/db/database';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { hashPassword } from '@server/services/auth-service';
import { pushResponseSchema } from '@shared/protocol';
import { partnerReferralListSchema } from '@shared/referral-api';
import { submitReviewsResponseSchema } from '@shared/four-eyes';
import { freePort, prepareBackendDatabase, startBackendProcess, stopGently, type BackendDatabase } from '../../fixtures/backend-process';
import { newSigner, review, screeningRecord, signAsAuthor, type TestSigner } from '../../fixtures/four-eyes';
import { PARTNER_OFFER, referralRecord, welcomeVisitRecord } from '../../fixtures/referral-records';
import {
  DEMO_APPROVER,
  DEMO_FIELDWORKER,
  bearer,
  consentContent,
  consentRecord,
  homeContactRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  signInOnTablet,
  type TabletSession,
} from '../helpers/test-app';

const TABLETS = 20;
const BATCHES = 3;
const BATCH_SIZE = 10;

/** The test helpers speak `app.inject`; this speaks it over HTTP to a running process. */
function overHttp(baseUrl: string): FastifyInstance {
  const inject = async (options: InjectOptions) => {
    const payload = options.payload;
    const response = await fetch(`${baseUrl}${options.url as string}`, {
      method: options.method ?? 'GET',
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.headers as Record<string, string> | undefined),
      },
      ...(payload === undefined ? {} : { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
    const body = await response.text();
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      json: () => JSON.parse(body) as unknown,
    };
  };
  return { inject } as unknown as FastifyInstance;
}

// Two processes need PostgreSQL; CI always has it (the embedded PGlite is one process by design).
const postgres = process.env['DATABASE_URL'] !== undefined && process.env['DATABASE_URL'] !== '';
if (!postgres && process.env['CI'] !== undefined) throw new Error('The two-instance test needs DATABASE_URL in CI.');

describe.runIf(postgres)('two backend instances on one PostgreSQL', () => {
  let db: Database;
  const children: ChildProcess[] = [];
  /** Undone in reverse, whatever of the set-up succeeded. */
  const cleanups: (() => Promise<unknown>)[] = [];
  const ports: number[] = [];
  let a: FastifyInstance;
  let b: FastifyInstance;

  beforeAll(async () => {
    const target: BackendDatabase = await prepareBackendDatabase('postgres');
    cleanups.push(target.cleanUp);
    ports.push(await freePort(), await freePort());
    // Started together: both run the migrations and the demo seed at the same moment.
    children.push(
      ...(await Promise.all(ports.map((port) => startBackendProcess(port, { ...target.env, OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0' })))),
    );
    cleanups.push(() => Promise.all(children.map((child) => stopGently(child))));
    [a, b] = ports.map((port) => overHttp(`http://127.0.0.1:${String(port)}`)) as [FastifyInstance, FastifyInstance];
    db = await target.open();
    cleanups.push(() => db.close());
  }, 120_000);
  afterAll(async () => {
    for (const cleanUp of cleanups.splice(0).reverse()) await cleanUp();
  });

  it('stores every record of 20 tablets exactly once and answers a retry on the other instance the same', async () => {
    const sessions = await Promise.all(
      Array.from({ length: TABLETS }, (_, i) => signInOnTablet(i % 2 ? b : a, db, i % 4 < 2 ? DEMO_FIELDWORKER : DEMO_APPROVER)),
    );
    const ids: string[] = [];
    await Promise.all(
      sessions.map(async (session, i) => {
        const [own, other] = i % 2 ? [b, a] : [a, b];
        for (let batch = 0; batch < BATCHES; batch++) {
          const records = await Promise.all(Array.from({ length: BATCH_SIZE }, () => homeContactRecord(session.deviceId)));
          ids.push(...records.map((r) => r.id));
          const first = await pushAsTablet(own, session, records);
          const retry = await pushAsTablet(other, session, records);
          expect(first.statusCode).toBe(200);
          expect(retry.statusCode).toBe(200);
          const firstResults = pushResponseSchema.parse(first.json()).results;
          expect(firstResults.every((r) => r.outcome === 'accepted')).toBe(true);
          expect(pushResponseSchema.parse(retry.json()).results).toEqual(firstResults);
        }
      }),
    );
    const [row] = await db.query<{ stored: number; distinct_ids: number }>(
      `SELECT count(*)::int AS stored, count(DISTINCT id)::int AS distinct_ids FROM records
        WHERE id::text IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(ids)],
    );
    expect(ids).toHaveLength(TABLETS * BATCHES * BATCH_SIZE);
    expect(row).toEqual({ stored: ids.length, distinct_ids: ids.length });
  }, 180_000);

  it('approves on one instance what was written on the other, once, and a partner finds the referral on both', async () => {
    const enrollKey = async (instance: FastifyInstance, session: TabletSession): Promise<TestSigner> => {
      const signer = await newSigner(session.user.id);
      const response = await instance.inject({
        method: 'POST',
        url: '/api/staff/keys',
        headers: bearer(session.token),
        payload: { deviceId: session.deviceId, publicKey: signer.publicKey },
      });
      expect(response.statusCode).toBe(201);
      return signer;
    };
    const author = await signInOnTablet(a, db, DEMO_FIELDWORKER);
    const approver = await signInOnTablet(b, db, DEMO_APPROVER);
    const authorKey = await enrollKey(a, author);
    const approverKey = await enrollKey(b, approver);

    const caseNumber = newCaseNumber();
    const consent = await consentRecord(author.deviceId, caseNumber, {
      content: await consentContent('de', { setting: 'screening', scopes: ['documentation', 'referral'] }),
    });
    const screening = await signAsAuthor(await screeningRecord(author.deviceId, caseNumber), authorKey);
    const visit = await welcomeVisitRecord(author.deviceId, caseNumber);
    const referral = await signAsAuthor(
      await referralRecord(author.deviceId, caseNumber, { sourceRecordId: visit.id, offerIds: [PARTNER_OFFER] }),
      authorKey,
    );
    const pushed = await pushAsTablet(a, author, [consent, screening, visit, referral]);
    expect(pushResponseSchema.parse(pushed.json()).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);

    // The screening, and the referral itself (a partner sees it only once a second person checked it).
    const approvals = [await review(screening, approverKey), await review(referral, approverKey)];
    const submitOn = async (instance: FastifyInstance) => {
      const response = await instance.inject({
        method: 'POST',
        url: '/api/reviews',
        headers: bearer(approver.token),
        payload: { deviceId: approver.deviceId, reviews: approvals },
      });
      expect(response.statusCode).toBe(200);
      return submitReviewsResponseSchema.parse(response.json()).results;
    };
    const onB = await submitOn(b);
    expect(onB.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    expect(await submitOn(a)).toEqual(onB);
    const [approved] = await db.query<{ approvals: number }>(
      'SELECT count(*)::int AS approvals FROM records WHERE id = $1 AND approved_at IS NOT NULL',
      [screening.id],
    );
    expect(approved?.approvals).toBe(1);

    const lookUp = async (instance: FastifyInstance) => {
      const partner = await login(instance, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
      const response = await instance.inject({
        method: 'POST',
        url: '/api/partner/referrals/lookup',
        headers: bearer(partner.token),
        payload: { caseNumber },
      });
      expect(response.statusCode).toBe(200);
      return partnerReferralListSchema.parse(response.json());
    };
    const seenOnA = await lookUp(a);
    expect(seenOnA.referrals.map((r) => r.offerId)).toEqual([PARTNER_OFFER]);
    expect(await lookUp(b)).toEqual(seenOnA);
  }, 120_000);

  it('counts wrong passwords on either instance against one account', async () => {
    const username = `two.instances.${randomUUID().slice(0, 8)}`;
    const password = 'the-right-password-2026';
    await db.query(
      `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
       SELECT $1, municipality_id, organisation_id, $2, 'Two instances', $3, ARRAY['fieldworker']
         FROM staff_accounts WHERE username = $4`,
      [randomUUID(), username, await hashPassword(password), DEMO_FIELDWORKER.username],
    );
    const signIn = (instance: FastifyInstance, pass: string) =>
      instance.inject({ method: 'POST', url: '/api/session', payload: { username, password: pass } });
    // Three wrong on A, two on B: neither instance alone has seen five.
    for (const instance of [a, a, a, b, b]) expect((await signIn(instance, 'wrong-password')).statusCode).toBe(401);
    const refused = await signIn(b, password);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  }, 60_000);

  it('lets a push in flight commit and answer when the instance is told to stop (SIGTERM)', async () => {
    const session = await signInOnTablet(b, db, DEMO_FIELDWORKER);
    const records = await Promise.all(Array.from({ length: 500 }, () => homeContactRecord(session.deviceId)));
    const child = children[1] as ChildProcess;
    const exited = new Promise<number | null>((r) =>
      child.once('exit', (code) => {
        r(code);
      }),
    );
    let signalledAt = 0;
    const answer = pushAsTablet(b, session, records).then((response) => ({ response, answeredAt: Date.now() }));
    // The request is on its way and being worked on; then the stop signal.
    await new Promise((r) => setTimeout(r, 30));
    signalledAt = Date.now();
    child.kill('SIGTERM');
    const { response, answeredAt } = await answer;
    expect(answeredAt).toBeGreaterThan(signalledAt);
    expect(response.statusCode).toBe(200);
    expect(pushResponseSchema.parse(response.json()).results.every((r) => r.outcome === 'accepted')).toBe(true);
    expect(await exited).toBe(0);
    const [row] = await db.query<{ stored: number }>(
      `SELECT count(*)::int AS stored FROM records WHERE id::text IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(records.map((r) => r.id))],
    );
    expect(row?.stored).toBe(500);
    // A new connection after the stop is refused: the process is gone.
    await expect(fetch(`http://127.0.0.1:${String(ports[1])}/api/health/live`)).rejects.toThrow();
  }, 60_000);
});
