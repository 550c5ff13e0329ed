// The database sign-in limits: a forged X-Forwarded-For does not reset them, one
// address spraying usernames is stopped, a municipality under attack from many
// addresses slows every failing account without locking anyone out, two instances
// share one count, an admin lifts a lock, and every failure and refusal leaves an
// audit row without secrets.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@server/services/auth-service';
import { DEFAULT_SIGN_IN_LIMITS } from '@server/services/sign-in-limits';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo, testClock } from '../../helpers/test-app';

const PASSWORD = 'the-right-password-2026';
/** The in-memory per-route limiter is set out of the way: these tests are about the database limits. */
const NO_MEMORY_LIMIT = { max: 10_000, timeWindowMs: 60_000 };

describeEachDatabase('sign-in limits', ({ db }) => {
  let passwordHash: string;

  beforeAll(async () => {
    await seedDemo(db());
    passwordHash = await hashPassword(PASSWORD);
  });

  /** A fresh account in the demo municipality, so tests do not share counts. */
  async function newAccount(): Promise<{ id: string; username: string }> {
    const id = randomUUID();
    const username = `limits.${id.slice(0, 8)}`;
    await db().query(
      `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
       SELECT $1, municipality_id, organisation_id, $2, 'Limits test', $3, ARRAY['fieldworker']
         FROM staff_accounts WHERE username = $4`,
      [id, username, passwordHash, DEMO_FIELDWORKER.username],
    );
    return { id, username };
  }

  const signIn = (app: FastifyInstance, username: string, password: string, forwardedFor?: string) =>
    app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username, password },
      ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
    });

  let apps: FastifyInstance[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  function app(options: Parameters<typeof buildTestApp>[1] = {}): FastifyInstance {
    const built = buildTestApp(db(), { loginRateLimit: NO_MEMORY_LIMIT, ...options });
    apps = [...apps, built];
    return built;
  }

  it('refuses the right password after 30 wrong ones from ever-changing forwarded addresses', async () => {
    const account = await newAccount();
    // A frozen clock: the attempts come faster than the first delay runs out, however slow this machine is.
    const behindProxy = app({ trustProxy: 1, clock: testClock().now });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push((await signIn(behindProxy, account.username, `wrong-${i}`, `203.0.113.${i + 1}`)).statusCode);
    }
    expect(statuses.slice(0, DEFAULT_SIGN_IN_LIMITS.accountDelayAfter)).toEqual(
      Array<number>(DEFAULT_SIGN_IN_LIMITS.accountDelayAfter).fill(401),
    );
    expect(statuses.slice(DEFAULT_SIGN_IN_LIMITS.accountDelayAfter).every((status) => status === 429)).toBe(true);
    const right = await signIn(behindProxy, account.username, PASSWORD, '198.51.100.7');
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({ error: { reason: 'rateLimited' } });
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('locks an account after repeated failures until an admin unlocks it, and audits it all without secrets', async () => {
    const account = await newAccount();
    const clock = testClock();
    const timed = app({ clock: clock.now, trustProxy: 1 });
    // Waiting out every delay: the failures still add up to a lock.
    for (let i = 0; i < DEFAULT_SIGN_IN_LIMITS.accountLockAfter; i++) {
      expect((await signIn(timed, account.username, `wrong-${i}`, '192.0.2.44')).statusCode).toBe(401);
      clock.advance(DEFAULT_SIGN_IN_LIMITS.accountMaxDelayMs + 1_000);
    }
    clock.advance(24 * 60 * 60_000);
    const locked = await signIn(timed, account.username, PASSWORD, '192.0.2.44');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeUndefined();

    const adminSession = await login(timed, DEMO_ADMIN.username, DEMO_ADMIN.password);
    const unlock = await timed.inject({
      method: 'POST',
      url: `/api/admin/staff/${account.id}/unlock-sign-in`,
      headers: bearer(adminSession.token),
    });
    expect(unlock.statusCode).toBe(204);
    expect((await signIn(timed, account.username, PASSWORD, '192.0.2.44')).statusCode).toBe(200);

    const rows = await db().query<{ action: string; actor_id: string | null; object_id: string | null }>(
      `SELECT action, actor_id, object_id FROM audit_log
        WHERE actor_id = $1 OR object_id = $1 ORDER BY id`,
      [account.id],
    );
    const actions = rows.map((row) => row.action);
    expect(actions.filter((action) => action === 'session.signInFailed')).toHaveLength(DEFAULT_SIGN_IN_LIMITS.accountLockAfter - 1);
    expect(actions).toContain('session.accountLocked');
    expect(actions).toContain('session.refusedAccountLocked');
    expect(actions).toContain('session.accountUnlocked');
    expect(actions.at(-1)).toBe('session.created');
    // The client address is recorded on the failures; no password appears anywhere.
    for (const row of rows.filter((r) => r.action.startsWith('session.signIn') || r.action.includes('Locked'))) {
      if (row.action !== 'session.accountUnlocked') expect(row.object_id).toBe('192.0.2.44');
    }
    expect(JSON.stringify(rows)).not.toContain('wrong-');
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it('stops one address spraying one password across many usernames', async () => {
    const accounts = await Promise.all(Array.from({ length: 8 }, () => newAccount()));
    const spraying = app({ signInLimits: { ...DEFAULT_SIGN_IN_LIMITS, addressMaxFailures: 12 } });
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const account of accounts) statuses.push((await signIn(spraying, account.username, `Winter2026!${round}`)).statusCode);
    }
    expect(statuses.slice(0, 12).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(12).every((status) => status === 429)).toBe(true);
    // Even a right password from that address waits out the window.
    const [first] = accounts;
    expect((await signIn(spraying, first?.username ?? '', PASSWORD)).statusCode).toBe(429);
  });

  /** A municipality of its own (its count is not shared with the other tests): an admin and `count` fieldworkers. */
  async function newMunicipality(count: number): Promise<{ id: string; admin: string; staff: string[] }> {
    const id = `limits-${randomBytes(4).toString('hex')}`;
    await db().query('INSERT INTO municipalities (id, name) VALUES ($1, $2)', [id, 'Limits town']);
    await db().query("INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $1, 'HOME Limits', 'home-project')", [id]);
    const usernames = Array.from({ length: count + 1 }, (_, i) => `${id}.${i === 0 ? 'admin' : `staff${i}`}`);
    for (const [i, username] of usernames.entries()) {
      await db().query(
        `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
         VALUES ($1, $2, $2, $3, 'Limits test', $4, $5)`,
        [randomUUID(), id, username, passwordHash, i === 0 ? ['admin'] : ['fieldworker']],
      );
    }
    const [admin = '', ...staff] = usernames;
    return { id, admin, staff };
  }

  it('slows every failing account of a municipality under attack from many addresses, but lets right passwords in', async () => {
    const town = await newMunicipality(12);
    const clock = testClock();
    const policy = { ...DEFAULT_SIGN_IN_LIMITS, municipalityMaxFailures: 10 };
    const attacked = app({ trustProxy: 1, clock: clock.now, signInLimits: policy });
    const staff = (i: number): string => town.staff[i] ?? '';
    // One guess per account, each from an address of its own: neither the account nor the address limit sees anything.
    const first: number[] = [];
    for (let i = 0; i < 10; i++) first.push((await signIn(attacked, staff(i), `Winter2026!${i}`, `203.0.113.${i + 1}`)).statusCode);
    expect(first).toEqual(Array<number>(10).fill(401));

    // From now on an account that failed waits before its next attempt is even checked — a right password too.
    const again = await signIn(attacked, staff(0), 'Sommer2026!', '198.51.100.1');
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(policy.municipalityBaseDelayMs / 1000 - 1);
    expect((await signIn(attacked, staff(1), PASSWORD, '198.51.100.2')).statusCode).toBe(429);
    // A new guess at an account that had not failed is checked once (401), then that account waits too.
    expect((await signIn(attacked, staff(10), 'Herbst2026!', '198.51.100.3')).statusCode).toBe(401);
    expect((await signIn(attacked, staff(10), PASSWORD, '198.51.100.3')).statusCode).toBe(429);

    // Nobody is locked out: the admin and an account that has not failed sign in with their passwords.
    expect((await signIn(attacked, town.admin, PASSWORD, '192.0.2.10')).statusCode).toBe(200);
    expect((await signIn(attacked, staff(11), PASSWORD, '192.0.2.11')).statusCode).toBe(200);
    // Another municipality is not slowed by this one's attack.
    const calm = (await newMunicipality(1)).staff[0] ?? '';
    expect((await signIn(attacked, calm, 'wrong-once', '192.0.2.12')).statusCode).toBe(401);
    expect((await signIn(attacked, calm, PASSWORD, '192.0.2.12')).statusCode).toBe(200);

    const reached = await db().query<{ actor_id: string; object_id: string }>(
      "SELECT actor_id, object_id FROM audit_log WHERE municipality_id = $1 AND action = 'security.signIn.municipalityLimitReached'",
      [town.id],
    );
    expect(reached).toHaveLength(1);
    expect(reached[0]?.object_id).toBe('203.0.113.10');

    // Once the wait is over, the account's right password gets in again.
    clock.advance(policy.municipalityBaseDelayMs + 1_000);
    expect((await signIn(attacked, staff(0), PASSWORD, '198.51.100.1')).statusCode).toBe(200);
  });

  it('shares the count between two instances on one database', async () => {
    const account = await newAccount();
    const clock = testClock();
    const one = app({ trustProxy: 1, clock: clock.now });
    const two = app({ trustProxy: 1, clock: clock.now });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const instance = i % 2 === 0 ? one : two;
      statuses.push((await signIn(instance, account.username, `wrong-${i}`, `198.51.100.${i + 1}`)).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await signIn(one, account.username, PASSWORD, '198.51.100.99')).statusCode).toBe(429);
    expect((await signIn(two, account.username, PASSWORD, '198.51.100.98')).statusCode).toBe(429);
  });
});
