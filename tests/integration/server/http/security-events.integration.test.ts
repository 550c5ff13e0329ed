// Failed and refused sign-ins, refreshes and tablet proofs are audit entries with the
// client address (checklist 22, 25): under the account when one was named, server-wide
// ('*') when not — and never with the typed username, a password or a token.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { SERVER_WIDE_AUDIT } from '@server/services/audit';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo, signInOnTablet, testClock } from '../../helpers/test-app';

interface AuditRow {
  municipality_id: string;
  actor_id: string | null;
  action: string;
  object_id: string | null;
}

describeEachDatabase('security audit of failed sign-ins, refreshes and tablet proofs', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { trustProxy: 1, clock: clock.now, loginRateLimit: { max: 10_000, timeWindowMs: 60_000 } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (url: string, payload: object, address: string) =>
    app.inject({ method: 'POST', url, payload, headers: { 'x-forwarded-for': address } });
  const rowsFrom = (address: string) =>
    db().query<AuditRow>('SELECT municipality_id, actor_id, action, object_id FROM audit_log WHERE object_id = $1 ORDER BY id', [address]);

  it('audits a refresh with an unknown token server-wide and an expired one under its account, with the address', async () => {
    const unknownToken = randomBytes(32).toString('base64url');
    expect((await post('/api/session/refresh', { refreshToken: unknownToken }, '203.0.113.71')).statusCode).toBe(401);
    expect(await rowsFrom('203.0.113.71')).toEqual([
      { municipality_id: SERVER_WIDE_AUDIT, actor_id: null, action: 'session.refreshFailed', object_id: '203.0.113.71' },
    ]);

    // On a tablet, whose sign-in lasts 14 days: a refresh token unused for 8 days has expired on its own.
    const session = await signInOnTablet(app, db());
    clock.advance(8 * 24 * 60 * 60_000);
    const proof = { deviceId: session.deviceId, deviceSecret: session.device.deviceSecret };
    expect((await post('/api/session/refresh', { refreshToken: session.refreshToken, ...proof }, '203.0.113.72')).statusCode).toBe(401);
    expect(await rowsFrom('203.0.113.72')).toEqual([
      {
        municipality_id: session.user.municipalityId,
        actor_id: session.user.id,
        action: 'session.refreshFailed',
        object_id: '203.0.113.72',
      },
    ]);
    const all = JSON.stringify(await db().query('SELECT * FROM audit_log'));
    expect(all).not.toContain(unknownToken);
    expect(all).not.toContain(session.refreshToken);
  });

  it('audits a tablet proof that fails, at sign-in and at refresh, with the address', async () => {
    const tablet = await signInOnTablet(app, db());
    const wrongSecret = randomBytes(32).toString('base64url');
    const signIn = await post(
      '/api/session',
      { username: DEMO_FIELDWORKER.username, password: DEMO_FIELDWORKER.password, deviceId: tablet.deviceId, deviceSecret: wrongSecret },
      '203.0.113.73',
    );
    expect(signIn.statusCode).toBe(401);
    const refresh = await post(
      '/api/session/refresh',
      { refreshToken: tablet.refreshToken, deviceId: tablet.deviceId, deviceSecret: wrongSecret },
      '203.0.113.74',
    );
    expect(refresh.statusCode).toBe(401);
    const expected = (address: string): AuditRow => ({
      municipality_id: tablet.user.municipalityId,
      actor_id: tablet.user.id,
      action: 'session.refusedDeviceProof',
      object_id: address,
    });
    expect(await rowsFrom('203.0.113.73')).toEqual([expected('203.0.113.73')]);
    expect(await rowsFrom('203.0.113.74')).toEqual([expected('203.0.113.74')]);
    expect(JSON.stringify(await db().query('SELECT * FROM audit_log'))).not.toContain(wrongSecret);
  });

  it('audits a sign-in with an unknown username server-wide, without the typed name', async () => {
    const typed = `nobody.${randomBytes(4).toString('hex')}`;
    expect((await post('/api/session', { username: typed, password: 'Winter2026!' }, '203.0.113.75')).statusCode).toBe(401);
    expect(await rowsFrom('203.0.113.75')).toEqual([
      { municipality_id: SERVER_WIDE_AUDIT, actor_id: null, action: 'session.signInUnknownUser', object_id: '203.0.113.75' },
    ]);
    const all = JSON.stringify(await db().query('SELECT * FROM audit_log'));
    expect(all).not.toContain(typed);
    expect(all).not.toContain('Winter2026!');
  });

  it('audits every refused request through one hook: a missing role under the account, a missing sign-in server-wide', async () => {
    const fieldworker = await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password);
    const forbidden = await app.inject({
      method: 'GET',
      url: '/api/office/referrals/follow-up',
      headers: { ...bearer(fieldworker.token), 'x-forwarded-for': '203.0.113.76' },
    });
    expect(forbidden.statusCode).toBe(403);
    const unsigned = await app.inject({ method: 'GET', url: '/api/admin/audit/export', headers: { 'x-forwarded-for': '203.0.113.77' } });
    expect(unsigned.statusCode).toBe(401);
    const byObject = (objectId: string) =>
      db().query<AuditRow>('SELECT municipality_id, actor_id, action, object_id FROM audit_log WHERE object_id = $1', [objectId]);
    // The hook writes after the answer has gone out (onResponse): wait for the entry, not a fixed time.
    await vi.waitFor(async () => {
      expect(await byObject('203.0.113.76 GET /api/office/referrals/follow-up')).toHaveLength(1);
      expect(await byObject('203.0.113.77 GET /api/admin/audit/export')).toHaveLength(1);
    });
    expect(await byObject('203.0.113.76 GET /api/office/referrals/follow-up')).toEqual([
      {
        municipality_id: fieldworker.user.municipalityId,
        actor_id: fieldworker.user.id,
        action: 'security.denied.forbidden',
        object_id: '203.0.113.76 GET /api/office/referrals/follow-up',
      },
    ]);
    expect(await byObject('203.0.113.77 GET /api/admin/audit/export')).toEqual([
      {
        municipality_id: SERVER_WIDE_AUDIT,
        actor_id: null,
        action: 'security.denied.unauthorized',
        object_id: '203.0.113.77 GET /api/admin/audit/export',
      },
    ]);
    // A route's own, more specific entry is not repeated by the hook (the unknown username above).
    expect(await byObject('203.0.113.75 POST /api/session')).toEqual([]);
  });
});
