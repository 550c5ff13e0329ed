// Sign in, who-am-I, sign out; one answer for unknown user and wrong password; rate limit.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema, loginResponseSchema, sessionUserSchema } from '@shared/protocol';
import { hashToken } from '@server/services/secret-hash';
import { DEFAULT_SIGN_IN_LIMITS } from '@server/services/sign-in-limits';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo } from '../../helpers/test-app';

const LENIENT_SIGN_IN_LIMITS = { ...DEFAULT_SIGN_IN_LIMITS, accountDelayAfter: 1000, accountLockAfter: 1000 };

describeEachDatabase('session routes', ({ db }) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    await seedDemo(db());
    // The timing tests below fail sign-ins on purpose; the database limits have their own test file.
    app = buildTestApp(db(), { signInLimits: LENIENT_SIGN_IN_LIMITS });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('signs in with the demo account and stores only the token hash', async () => {
    const before = Date.now();
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: DEMO_FIELDWORKER.username, password: DEMO_FIELDWORKER.password },
    });
    expect(response.statusCode).toBe(200);
    const body = loginResponseSchema.parse(response.json());
    expect(body.user).toMatchObject({ roles: ['fieldworker'], municipalityId: 'demo-stadt' });
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    const ttl = Date.parse(body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(14.9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    const refreshTtl = Date.parse(body.refreshExpiresAt) - before;
    // Signed in without a tablet (the office): the sign-in, and so its refresh token, ends after 12 hours.
    expect(refreshTtl).toBeGreaterThan(11.99 * 3600_000);
    expect(refreshTtl).toBeLessThanOrEqual(12 * 3600_000 + 5_000);
    expect(body.officeLockMinutes).toBe(15);
    expect(Buffer.from(body.refreshToken, 'base64url')).toHaveLength(32);
    expect(body.deviceEscrowKey).toBeUndefined();

    const stored = await db().query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.map((s) => s.token_hash)).toContain(hashToken(body.token));
    expect(JSON.stringify(stored)).not.toContain(body.token);
    const refresh = await db().query<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens');
    expect(refresh.map((r) => r.token_hash)).toContain(hashToken(body.refreshToken));
    expect(JSON.stringify(refresh)).not.toContain(body.refreshToken);
    const hashes = await db().query<{ password_hash: string }>('SELECT password_hash FROM staff_accounts');
    for (const { password_hash } of hashes) expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const wrongPassword = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: DEMO_FIELDWORKER.username, password: 'not-the-password' },
    });
    const unknownUser = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'nobody.here', password: 'not-the-password' },
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownUser.statusCode).toBe(401);
    expect(errorEnvelopeSchema.parse(wrongPassword.json()).error.reason).toBe('unauthorized');
    expect(unknownUser.body).toBe(wrongPassword.body);
  });

  it('spends comparable time on unknown users and wrong passwords', async () => {
    const time = async (username: string): Promise<number> => {
      const start = performance.now();
      await app.inject({ method: 'POST', url: '/api/session', payload: { username, password: 'wrong-password' } });
      return performance.now() - start;
    };
    // Warm-up (the decoy hash is computed lazily once), then medians of a few tries.
    await time('warm.up');
    const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(DEMO_FIELDWORKER.username));
      unknown.push(await time(`ghost.${i}`));
    }
    // Both run one argon2id verification (~tens of ms); without the decoy an unknown user returns in ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknown)).toBeLessThan(median(known) * 3);
  });

  it('returns the signed-in user and rejects the token after sign-out', async () => {
    const { token, user } = await login(app);
    const me = await app.inject({ method: 'GET', url: '/api/session', headers: bearer(token) });
    expect(me.statusCode).toBe(200);
    expect(sessionUserSchema.parse(me.json())).toEqual(user);

    const logout = await app.inject({ method: 'DELETE', url: '/api/session', headers: bearer(token) });
    expect(logout.statusCode).toBe(204);

    for (const [method, url] of [
      ['GET', '/api/session'],
      ['GET', '/api/sync/config'],
      ['DELETE', '/api/session'],
    ] as const) {
      const after = await app.inject({ method, url, headers: bearer(token) });
      expect(after.statusCode).toBe(401);
      expect(errorEnvelopeSchema.parse(after.json()).error.reason).toBe('unauthorized');
    }
    const revoked = await db().query<{ revoked_at: Date | null }>('SELECT revoked_at FROM sessions WHERE token_hash = $1', [
      hashToken(token),
    ]);
    expect(revoked[0]?.revoked_at).not.toBeNull();
  });

  it('rejects missing, malformed, unknown and expired tokens', async () => {
    const { token } = await login(app);
    await db().query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [hashToken(token)]);
    for (const headers of [{}, { authorization: 'Bearer' }, { authorization: 'Basic abc' }, bearer('x'.repeat(43)), bearer(token)]) {
      const response = await app.inject({ method: 'GET', url: '/api/session', headers });
      expect(response.statusCode).toBe(401);
    }
  });

  it('rejects a sign-in body that does not match the schema', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username: 'home.partner', password: 'x', remember: true },
    });
    expect(response.statusCode).toBe(400);
    const { error } = errorEnvelopeSchema.parse(response.json());
    expect(error.reason).toBe('invalidRequest');
    expect(JSON.stringify(error)).not.toContain('remember');
  });

  it('rate-limits sign-in attempts per IP and username with 429 rateLimited', async () => {
    // This test is about the in-memory per-route limiter: the database limits (their own test file) are set out of its way.
    const limited = buildTestApp(db(), { signInLimits: LENIENT_SIGN_IN_LIMITS });
    try {
      const attempt = (username: string, password = 'wrong-password') =>
        limited.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
      for (let i = 0; i < 10; i++) expect((await attempt(DEMO_FIELDWORKER.username)).statusCode).toBe(401);
      const blocked = await attempt(DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password);
      expect(blocked.statusCode).toBe(429);
      expect(errorEnvelopeSchema.parse(blocked.json()).error.reason).toBe('rateLimited');
      expect(blocked.headers['retry-after']).toBeDefined();
      expect(blocked.headers['cache-control']).toBe('no-store');
      // Another username from the same IP is counted separately.
      expect((await attempt('coordinator', 'demo-coord-2026')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
