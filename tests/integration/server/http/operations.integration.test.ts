// What the municipality's IT watches and what the machines in front ask:
// Prometheus metrics behind a token (with no names, case numbers or paths with
// ids in them), liveness apart from readiness, readiness saying no while the
// database does not answer or the instance drains, 503 + Retry-After under
// overload, and a request id on every answer.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import type { Database } from '@server/db/database';
import { Lifecycle } from '@server/http/health-routes';
import { DEMO_PARTNER_ACCOUNT } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  homeContactRecord,
  login,
  newCaseNumber,
  pushBody,
  seedDemo,
  signInOnTablet,
} from '../../helpers/test-app';

const TOKEN = 'metrics-token-of-at-least-32-characters';

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** A database whose every query fails, as when PostgreSQL is down. */
function unreachable(db: Database): Database {
  const broken: Database = {
    ...db,
    query: () => Promise.reject(new Error('connection refused')),
    exec: () => Promise.reject(new Error('connection refused')),
    // The server works as the application role: its handle must be the broken one too.
    forApplication: () => broken,
  };
  return broken;
}

describeEachDatabase('operations: metrics, health, overload', ({ db }) => {
  let app: FastifyInstance;
  const lifecycle = new Lifecycle();

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { metricsToken: TOKEN, lifecycle });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const scrape = () => app.inject({ method: 'GET', url: '/metrics', headers: bearer(TOKEN) });

  it('answers /metrics only with the token', async () => {
    for (const headers of [{}, bearer('wrong-token-wrong-token-wrong-token'), { authorization: TOKEN }]) {
      const refused = await app.inject({ method: 'GET', url: '/metrics', headers });
      expect(refused.statusCode).toBe(401);
      expect(refused.body).not.toContain('lotse_');
    }
    const scraped = await scrape();
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    expect(scraped.body).toContain('lotse_http_request_duration_seconds_bucket');
    expect(scraped.body).toContain('lotse_process_cpu_seconds_total');
  });

  it('does not exist without a token, and refuses a token too short to guard it', async () => {
    const plain = buildTestApp(db());
    expect((await plain.inject({ method: 'GET', url: '/metrics', headers: bearer(TOKEN) })).statusCode).toBe(404);
    await plain.close();
    expect(() => buildTestApp(db(), { metricsToken: 'short' })).toThrow(/at least 32/);
  });

  it('counts refused sign-ins, pushed records by outcome and partner look-ups — without names, case numbers or ids', async () => {
    const before = (await scrape()).body;
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: DEMO_COORDINATOR.username, password: 'not-the-password' },
    });
    expect(wrong.statusCode).toBe(401);

    const tablet = await signInOnTablet(app, db());
    const record = await homeContactRecord(tablet.deviceId);
    const bad = { ...(await homeContactRecord(tablet.deviceId)), contentHash: 'sha256-wrong' };
    const pushed = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: bearer(tablet.token),
      payload: pushBody(tablet.deviceId, [record, bad]),
    });
    expect(pushed.statusCode).toBe(200);

    const caseNumber = newCaseNumber();
    const partner = await login(app, DEMO_PARTNER_ACCOUNT.username, DEMO_PARTNER_ACCOUNT.password);
    const lookup = await app.inject({
      method: 'POST',
      url: '/api/partner/referrals/lookup',
      headers: bearer(partner.token),
      payload: { caseNumber },
    });
    expect(lookup.statusCode).toBe(200);
    const after = (await scrape()).body;

    const delta = (name: string, labels: string) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('lotse_session_refusals_total', 'kind="signIn",status="401"')).toBe(1);
    expect(delta('lotse_partner_lookups_total', 'result="notFound"')).toBe(1);
    expect(delta('lotse_push_records_total', 'outcome="accepted",reason="none"')).toBe(1);
    expect(delta('lotse_push_records_total', 'outcome="rejected"')).toBe(1);
    expect(after).toContain('route="/api/sync/push"');
    for (const secret of [DEMO_COORDINATOR.username, 'not-the-password', record.id, tablet.deviceId, tablet.token, caseNumber]) {
      expect(after).not.toContain(secret);
    }
  });

  it('keeps liveness apart from readiness, and readiness says no while the database is down or the instance drains', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });

    const down = buildTestApp(unreachable(db()));
    const notReady = await down.inject({ method: 'GET', url: '/api/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'databaseUnavailable' });
    expect((await down.inject({ method: 'GET', url: '/api/health/live' })).statusCode).toBe(200);
    await down.close();

    const draining = new Lifecycle();
    const leaving = buildTestApp(db(), { lifecycle: draining });
    draining.startDraining();
    const answer = await leaving.inject({ method: 'GET', url: '/api/health/ready' });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({ status: 'draining' });
    expect(answer.headers['retry-after']).toBe('5');
    await leaving.close();
  });

  it('turns work away with 503, Retry-After and the API envelope when overloaded, but still answers liveness', async () => {
    // Any heap in use is "too much": the instance is overloaded from its first sample on.
    const busy = buildTestApp(db(), {
      overload: { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 1, retryAfterSeconds: 7, sampleIntervalMs: 10 },
    });
    await busy.ready();
    await new Promise((r) => setTimeout(r, 50));
    const refused = await busy.inject({ method: 'POST', url: '/api/session', payload: { username: 'a', password: 'b' } });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('7');
    expect(errorEnvelopeSchema.parse(refused.json()).error.reason).toBe('unavailable');
    expect((await busy.inject({ method: 'GET', url: '/api/health/live' })).statusCode).toBe(200);
    await busy.close();
  });

  it('gives every answer a request id, taking a well-formed one from the proxy and replacing anything else', async () => {
    const own = await app.inject({ method: 'GET', url: '/api/health/live' });
    expect(own.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const fromProxy = await app.inject({ method: 'GET', url: '/api/health/live', headers: { 'x-request-id': 'a1b2c3d4e5f60718' } });
    expect(fromProxy.headers['x-request-id']).toBe('a1b2c3d4e5f60718');
    const hostile = await app.inject({ method: 'GET', url: '/api/health/live', headers: { 'x-request-id': 'x"\n{"injected":true}' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
