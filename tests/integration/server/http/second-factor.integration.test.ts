// The second factor of office sign-ins: set up at first sign-in for a role that requires it
// (admin always), a code per time step accepted once, recovery codes once each, wrong and
// replayed codes counted under the sign-in limits and audited, the pending token opening
// nothing else, the admin's per-role policy and reset, and tablet sign-ins left as they are.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '@server/services/auth-service';
import { DEFAULT_SIGN_IN_LIMITS } from '@server/services/sign-in-limits';
import type { LoginResponse } from '@shared/protocol';
import type { SecondFactorConfirmResponse, SecondFactorEnrolment, SecondFactorPending } from '@shared/second-factor';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_FIELDWORKER, bearer, buildTestApp, enrollTablet, login, seedDemo, testClock, totpCode } from '../../helpers/test-app';

const PASSWORD = 'second-factor-password-2026';
const NO_MEMORY_LIMIT = { max: 10_000, timeWindowMs: 60_000 };
const STEP_MS = 30_000;

describeEachDatabase('second factor', ({ db }) => {
  let passwordHash: string;
  let apps: FastifyInstance[] = [];

  beforeAll(async () => {
    await seedDemo(db());
    passwordHash = await hashPassword(PASSWORD);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  /** An app on a clock the test moves: time steps are under the test's control. Starts mid-step. */
  function appWithClock(options: Parameters<typeof buildTestApp>[1] = {}) {
    const clock = testClock(Math.floor(Date.now() / STEP_MS) * STEP_MS + 10_000);
    const app = buildTestApp(db(), { loginRateLimit: NO_MEMORY_LIMIT, clock: clock.now, ...options });
    apps = [...apps, app];
    return { app, clock };
  }

  async function newAccount(roles: string[]): Promise<{ id: string; username: string }> {
    const id = randomUUID();
    const username = `twofactor.${id.slice(0, 8)}`;
    await db().query(
      `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
       SELECT $1, municipality_id, organisation_id, $2, 'Second factor test', $3, $4::text[]
         FROM staff_accounts WHERE username = $5`,
      [id, username, passwordHash, roles, DEMO_FIELDWORKER.username],
    );
    return { id, username };
  }

  const signIn = (app: FastifyInstance, username: string, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/api/session', payload: { username, password: PASSWORD, ...extra } });
  const verify = (app: FastifyInstance, pendingToken: string, code: string) =>
    app.inject({ method: 'POST', url: '/api/session/second-factor', payload: { pendingToken, code } });
  const startEnrolment = (app: FastifyInstance, pendingToken: string) =>
    app.inject({ method: 'POST', url: '/api/session/second-factor/enrolment', payload: { pendingToken } });
  const confirm = (app: FastifyInstance, pendingToken: string, code: string) =>
    app.inject({ method: 'POST', url: '/api/session/second-factor/enrolment/confirm', payload: { pendingToken, code } });

  async function pending(app: FastifyInstance, username: string): Promise<SecondFactorPending> {
    const response = await signIn(app, username);
    expect(response.statusCode).toBe(200);
    const body = response.json<SecondFactorPending & { token?: string }>();
    expect(body.token).toBeUndefined();
    return body;
  }

  /** Signs in and sets up an authenticator at `at`; the secret and recovery codes. */
  async function enrol(
    app: FastifyInstance,
    username: string,
    at: Date,
  ): Promise<{ secret: string; recoveryCodes: string[]; session: LoginResponse }> {
    const due = await pending(app, username);
    expect(due.secondFactor).toBe('enrol');
    const { secret } = (await startEnrolment(app, due.pendingToken)).json<SecondFactorEnrolment>();
    const confirmed = await confirm(app, due.pendingToken, totpCode(secret, at));
    expect(confirmed.statusCode).toBe(200);
    const { session, recoveryCodes } = confirmed.json<SecondFactorConfirmResponse>();
    return { secret, recoveryCodes, session };
  }

  async function auditCount(accountId: string, action: string): Promise<number> {
    const [row] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = $2', [
      accountId,
      action,
    ]);
    return row?.n ?? 0;
  }
  async function sessionsOf(accountId: string): Promise<number> {
    const [row] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE account_id = $1', [accountId]);
    return row?.n ?? 0;
  }

  it('leads an admin to enrolment right after the password; nothing else opens until a current code confirms it', async () => {
    const { app, clock } = appWithClock();
    const admin = await newAccount(['admin']);
    const due = await pending(app, admin.username);
    expect(due.secondFactor).toBe('enrol');
    // The pending token is no session: every other API refuses it.
    for (const [method, url] of [
      ['GET', '/api/session'],
      ['GET', '/api/admin/staff'],
      ['GET', '/api/admin/second-factors'],
      ['GET', '/api/devices'],
    ] as const) {
      expect((await app.inject({ method, url, headers: bearer(due.pendingToken) })).statusCode).toBe(401);
    }
    // Nor is it a code check: a 'verify' route with an enrolment token is refused.
    expect((await verify(app, due.pendingToken, '123456')).statusCode).toBe(401);

    const started = await startEnrolment(app, due.pendingToken);
    expect(started.statusCode).toBe(200);
    const { secret, otpauthUri } = started.json<SecondFactorEnrolment>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Lotse:/);

    // A wrong code: 401 with its reason, nothing enrolled, no session.
    const wrongCode = totpCode(secret, new Date(clock.now().getTime() + 10 * STEP_MS));
    const wrong = await confirm(app, due.pendingToken, wrongCode);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ error: { reason: string } }>().error.reason).toBe('secondFactorWrong');
    expect(await db().query('SELECT 1 FROM second_factors WHERE account_id = $1', [admin.id])).toHaveLength(0);
    expect(await sessionsOf(admin.id)).toBe(0);
    // A malformed one: 400 with its reason, audited.
    const malformed = await confirm(app, due.pendingToken, 'abc');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ error: { reason: string } }>().error.reason).toBe('secondFactorMalformed');
    expect(await auditCount(admin.id, 'security.secondFactor.malformedCode')).toBe(1);

    const confirmed = await confirm(app, due.pendingToken, totpCode(secret, clock.now()));
    expect(confirmed.statusCode).toBe(200);
    const { session, recoveryCodes } = confirmed.json<SecondFactorConfirmResponse>();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(session.token) })).statusCode).toBe(200);
    // Recovery codes are kept only hashed; the pending token is used up.
    const stored = await db().query<{ code_hash: string }>('SELECT code_hash FROM second_factor_recovery_codes WHERE account_id = $1', [
      admin.id,
    ]);
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]?.replace('-', ''));
    expect((await confirm(app, due.pendingToken, totpCode(secret, clock.now()))).statusCode).toBe(401);
    expect(await auditCount(admin.id, 'secondFactor.enrolled')).toBe(1);
    expect(await auditCount(admin.id, 'security.secondFactor.wrongCode')).toBe(1);
    // The secret is never sent again: not to the admin overview, not on a new sign-in.
    const overview = await app.inject({ method: 'GET', url: '/api/admin/second-factors', headers: bearer(session.token) });
    expect(overview.body).not.toContain(secret);
    clock.advance(STEP_MS);
    const next = await pending(app, admin.username);
    expect(next.secondFactor).toBe('verify');
    expect(JSON.stringify(next)).not.toContain(secret);
  });

  it('accepts a current code once: the same time step used twice is refused as replayed, and nothing changes', async () => {
    const { app, clock } = appWithClock();
    const admin = await newAccount(['admin']);
    const { secret } = await enrol(app, admin.username, clock.now());
    clock.advance(STEP_MS);
    const code = totpCode(secret, clock.now());

    const first = await pending(app, admin.username);
    const accepted = await verify(app, first.pendingToken, code);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json<LoginResponse>().user.id).toBe(admin.id);
    const sessionsBefore = await sessionsOf(admin.id);

    const second = await pending(app, admin.username);
    const replayed = await verify(app, second.pendingToken, code);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json<{ error: { reason: string } }>().error.reason).toBe('secondFactorReplayed');
    expect(await sessionsOf(admin.id)).toBe(sessionsBefore);
    expect(await auditCount(admin.id, 'security.secondFactor.replayedCode')).toBe(1);
    // The previous step's code (inside the clock window) is older than the one used: refused too.
    expect((await verify(app, second.pendingToken, totpCode(secret, new Date(clock.now().getTime() - STEP_MS)))).statusCode).toBe(401);
    // The next time step's code is fine.
    clock.advance(STEP_MS);
    expect((await verify(app, second.pendingToken, totpCode(secret, clock.now()))).statusCode).toBe(200);
    // No code is ever written to the audit log.
    const objects = await db().query<{ object_id: string | null }>('SELECT object_id FROM audit_log WHERE actor_id = $1', [admin.id]);
    expect(JSON.stringify(objects)).not.toContain(code);
  });

  it('takes each recovery code once, instead of a code of the app', async () => {
    const { app } = appWithClock();
    const admin = await newAccount(['admin']);
    const { recoveryCodes } = await enrol(app, admin.username, new Date(Date.now()));
    const recoveryCode = recoveryCodes[3] ?? '';

    const first = await pending(app, admin.username);
    // Typed in lower case and without the hyphen, as a person might.
    const used = await verify(app, first.pendingToken, recoveryCode.toLowerCase().replace('-', ''));
    expect(used.statusCode).toBe(200);
    expect(await auditCount(admin.id, 'secondFactor.recoveryCodeUsed')).toBe(1);

    const again = await pending(app, admin.username);
    const reused = await verify(app, again.pendingToken, recoveryCode);
    expect(reused.statusCode).toBe(401);
    expect(reused.json<{ error: { reason: string } }>().error.reason).toBe('secondFactorWrong');
    // Another unused one still works.
    expect((await verify(app, again.pendingToken, recoveryCodes[4] ?? '')).statusCode).toBe(200);
    const [left] = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM second_factor_recovery_codes WHERE account_id = $1 AND used_at IS NULL',
      [admin.id],
    );
    expect(left?.n).toBe(8);
  });

  it('counts wrong codes under the sign-in limits: the account locks, and the right password alone does not reset the count', async () => {
    const { app, clock } = appWithClock({ signInLimits: { ...DEFAULT_SIGN_IN_LIMITS, accountDelayAfter: 100, accountLockAfter: 4 } });
    const admin = await newAccount(['admin']);
    const { secret } = await enrol(app, admin.username, clock.now());
    clock.advance(STEP_MS);
    const wrongCode = totpCode(secret, new Date(clock.now().getTime() + 20 * STEP_MS));
    for (let attempt = 0; attempt < 2; attempt++) {
      const due = await pending(app, admin.username);
      // Two wrong codes per pending sign-in, then the password again (which must not reset the count).
      for (let i = 0; i < 2; i++) expect((await verify(app, due.pendingToken, wrongCode)).statusCode).toBe(401);
    }
    // Four wrong codes: the account is locked — the right password and the right code are refused.
    const locked = await signIn(app, admin.username);
    expect(locked.statusCode).toBe(429);
    const [row] = await db().query<{ locked_at: unknown }>('SELECT locked_at FROM sign_in_limits WHERE subject = $1', [
      `account:${admin.id}`,
    ]);
    expect(row?.locked_at).not.toBeNull();
    expect(await auditCount(admin.id, 'security.secondFactor.wrongCode')).toBe(4);
  });

  it('ends a pending sign-in after five wrong codes: the right code then needs the password again', async () => {
    const { app, clock } = appWithClock();
    const admin = await newAccount(['admin']);
    const { secret } = await enrol(app, admin.username, clock.now());
    clock.advance(STEP_MS);
    const due = await pending(app, admin.username);
    const wrongCode = totpCode(secret, new Date(clock.now().getTime() + 20 * STEP_MS));
    for (let i = 0; i < 5; i++) expect((await verify(app, due.pendingToken, wrongCode)).statusCode).toBe(401);
    const late = await verify(app, due.pendingToken, totpCode(secret, clock.now()));
    expect(late.statusCode).toBe(401);
    expect(late.json<{ error: { reason: string } }>().error.reason).toBe('unauthorized');
    expect(await auditCount(admin.id, 'security.secondFactor.challengeEnded')).toBe(1);
  });

  it('requires the second factor per role as the admin sets it; admin always; tablet sign-ins keep their device-bound sign-in', async () => {
    const { app } = appWithClock();
    const admin = await newAccount(['admin']);
    const adminSession = (await enrol(app, admin.username, new Date(Date.now()))).session;
    const coordinator = await newAccount(['coordinator']);
    const partner = await newAccount(['partner']);

    // Default: admin only.
    expect((await signIn(app, coordinator.username)).json<{ token?: string }>().token).toBeDefined();
    const put = (requiredRoles: unknown, token = adminSession.token) =>
      app.inject({ method: 'PUT', url: '/api/admin/second-factors/policy', headers: bearer(token), payload: { requiredRoles } });

    // Admin cannot be switched off, and bad input changes nothing.
    const withoutAdmin = await put(['coordinator']);
    expect(withoutAdmin.statusCode).toBe(400);
    expect((await put(['admin', 'fieldworker'])).statusCode).toBe(400);
    expect((await put([])).statusCode).toBe(400);
    const overview = await app.inject({ method: 'GET', url: '/api/admin/second-factors', headers: bearer(adminSession.token) });
    expect(overview.json<{ requiredRoles: string[] }>().requiredRoles).toEqual(['admin']);
    // Only admins set it.
    const coordinatorSession = (await signIn(app, coordinator.username)).json<LoginResponse>();
    expect((await put(['admin', 'coordinator'], coordinatorSession.token)).statusCode).toBe(403);

    const set = await put(['admin', 'coordinator']);
    expect(set.statusCode).toBe(200);
    expect(set.json<{ requiredRoles: string[] }>().requiredRoles).toEqual(['admin', 'coordinator']);
    expect(await auditCount(admin.id, 'secondFactor.policyChanged')).toBe(1);

    // The coordinator must enrol now; the partner still signs in with the password alone.
    const due = await pending(app, coordinator.username);
    expect(due.secondFactor).toBe('enrol');
    expect((await app.inject({ method: 'GET', url: '/api/office/offers', headers: bearer(due.pendingToken) })).statusCode).toBe(401);
    expect((await signIn(app, partner.username)).json<{ token?: string }>().token).toBeDefined();

    // On an enrolled tablet the coordinator's sign-in is bound to it: the tablet is the possession factor.
    const tablet = await enrollTablet(db(), coordinator.username);
    const onTablet = await signIn(app, coordinator.username, { deviceId: tablet.device.deviceId, deviceSecret: tablet.deviceSecret });
    expect(onTablet.statusCode).toBe(200);
    expect(onTablet.json<LoginResponse>().deviceEscrowKey).toBe(tablet.deviceEscrowKey);
    // Naming the tablet without its secret gets neither a session nor a way around the code.
    const noProof = await signIn(app, coordinator.username, { deviceId: tablet.device.deviceId });
    expect(noProof.statusCode).toBe(401);

    // Switching the coordinator requirement off again: back to password only for them.
    expect((await put(['admin'])).statusCode).toBe(200);
    expect((await signIn(app, coordinator.username)).json<{ token?: string }>().token).toBeDefined();
  });

  it('lets an admin reset another account’s second factor (audited), never their own', async () => {
    const { app, clock } = appWithClock();
    const admin = await newAccount(['admin']);
    const other = await newAccount(['admin', 'coordinator']);
    const adminSession = (await enrol(app, admin.username, clock.now())).session;
    await enrol(app, other.username, clock.now());
    clock.advance(STEP_MS);
    expect((await pending(app, other.username)).secondFactor).toBe('verify');

    const reset = (id: string) =>
      app.inject({ method: 'POST', url: `/api/admin/staff/${id}/second-factor/reset`, headers: bearer(adminSession.token) });
    expect((await reset(admin.id)).statusCode).toBe(403);
    expect((await reset('no-such-account')).statusCode).toBe(404);
    expect((await reset(other.id)).statusCode).toBe(204);
    const [row] = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = 'secondFactor.reset' AND object_id = $2",
      [admin.id, other.id],
    );
    expect(row?.n).toBe(1);
    // The other admin sets up a new one at the next sign-in; the old recovery codes are gone.
    expect((await pending(app, other.username)).secondFactor).toBe('enrol');
    expect(await db().query('SELECT 1 FROM second_factor_recovery_codes WHERE account_id = $1', [other.id])).toHaveLength(0);
    // The own factor is untouched.
    expect((await pending(app, admin.username)).secondFactor).toBe('verify');
  });

  it('gives the demo admin the quick start: enrol at first sign-in, then sign in with a code', async () => {
    const { app } = appWithClock();
    const session = await login(app, 'admin', 'demo-admin-2026');
    expect(session.user.roles).toContain('admin');
  });
});
