// Short-lived access tokens, rotating refresh tokens with reuse detection,
// sign-out ending the whole sign-in. Time moves by an injected clock.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema, loginResponseSchema } from '@shared/protocol';
import type { LoginResponse } from '@shared/protocol';
import { hashToken } from '@server/services/secret-hash';
import { describeEachDatabase } from '../../helpers/databases';
import { bearer, buildTestApp, login, seedDemo, testClock } from '../../helpers/test-app';

describeEachDatabase('access and refresh tokens', ({ db }) => {
  let app: FastifyInstance;
  const clock = testClock();
  const MINUTE = 60_000;

  const me = (token: string) => app.inject({ method: 'GET', url: '/api/session', headers: bearer(token) });
  const refresh = (refreshToken: string, deviceId?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/session/refresh',
      payload: deviceId === undefined ? { refreshToken } : { refreshToken, deviceId },
    });
  const refreshOk = async (refreshToken: string): Promise<LoginResponse> => {
    const response = await refresh(refreshToken);
    expect(response.statusCode).toBe(200);
    return loginResponseSchema.parse(response.json());
  };
  const revokedAt = async (table: 'sessions' | 'refresh_tokens', token: string): Promise<unknown> => {
    const [row] = await db().query<{ revoked_at: unknown }>(`SELECT revoked_at FROM ${table} WHERE token_hash = $1`, [hashToken(token)]);
    if (!row) throw new Error('token row missing');
    return row.revoked_at;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('expires the access token after 15 minutes; the refresh token still gets a new one', async () => {
    const session = await login(app);
    expect(Date.parse(session.expiresAt) - clock.now().getTime()).toBe(15 * MINUTE);
    // A sign-in without a tablet (the office) ends after 12 hours: its refresh token never outlives that.
    expect(Date.parse(session.refreshExpiresAt) - clock.now().getTime()).toBe(12 * 60 * MINUTE);
    clock.advance(14 * MINUTE);
    expect((await me(session.token)).statusCode).toBe(200);
    clock.advance(2 * MINUTE);
    const expired = await me(session.token);
    expect(expired.statusCode).toBe(401);
    expect(errorEnvelopeSchema.parse(expired.json()).error.reason).toBe('unauthorized');

    const renewed = await refreshOk(session.refreshToken);
    expect(renewed.user).toEqual(session.user);
    expect(renewed.token).not.toBe(session.token);
    expect(renewed.refreshToken).not.toBe(session.refreshToken);
    expect((await me(renewed.token)).statusCode).toBe(200);
  });

  it('honours a shorter access-token lifetime given to buildApp', async () => {
    const short = buildTestApp(db(), { clock: clock.now, tokenTtl: { accessMs: 1_000 } });
    try {
      const session = await login(short);
      expect(Date.parse(session.expiresAt) - clock.now().getTime()).toBe(1_000);
      clock.advance(1_001);
      expect((await short.inject({ method: 'GET', url: '/api/session', headers: bearer(session.token) })).statusCode).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('rotates the refresh token: the used one is revoked and only the newest works', async () => {
    const first = await login(app);
    const second = await refreshOk(first.refreshToken);
    expect(await revokedAt('refresh_tokens', first.refreshToken)).not.toBeNull();
    expect(await revokedAt('refresh_tokens', second.refreshToken)).toBeNull();
    const third = await refreshOk(second.refreshToken);
    expect((await me(third.token)).statusCode).toBe(200);
    // Only hashes are stored.
    const stored = JSON.stringify(await db().query('SELECT * FROM refresh_tokens'));
    for (const token of [first.refreshToken, second.refreshToken, third.refreshToken]) expect(stored).not.toContain(token);
  });

  it('treats reuse of a revoked refresh token as theft: the whole family is revoked', async () => {
    const first = await login(app);
    const second = await refreshOk(first.refreshToken);
    const third = await refreshOk(second.refreshToken);
    const other = await login(app); // another sign-in of the same person is not touched

    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(errorEnvelopeSchema.parse(replay.json()).error.reason).toBe('unauthorized');

    expect((await me(third.token)).statusCode).toBe(401);
    expect((await me(second.token)).statusCode).toBe(401);
    expect((await refresh(third.refreshToken)).statusCode).toBe(401);
    expect((await me(other.token)).statusCode).toBe(200);
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
    const [audit] = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'session.refreshTokenReused' AND actor_id = $1`,
      [first.user.id],
    );
    expect(audit?.n).toBeGreaterThanOrEqual(1);
  });

  it('rejects unknown, malformed and expired refresh tokens', async () => {
    for (const refreshToken of ['x'.repeat(43), 'short', 'a b']) {
      expect((await refresh(refreshToken)).statusCode).toBe(401);
    }
    expect((await refresh('')).statusCode).toBe(400);
    const session = await login(app);
    clock.advance(7 * 24 * 60 * MINUTE + 1);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
  });

  it('signs out the access token and its refresh family', async () => {
    const first = await login(app);
    const second = await refreshOk(first.refreshToken);
    const logout = await app.inject({ method: 'DELETE', url: '/api/session', headers: bearer(second.token) });
    expect(logout.statusCode).toBe(204);
    expect((await me(second.token)).statusCode).toBe(401);
    expect((await me(first.token)).statusCode).toBe(401);
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    expect(await revokedAt('refresh_tokens', second.refreshToken)).not.toBeNull();
    expect(await revokedAt('sessions', first.token)).not.toBeNull();
  });
});
