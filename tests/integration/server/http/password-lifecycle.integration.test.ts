// Password lifecycle (M4): staff change their own password (current one first; other sign-ins
// end), an admin's reset issues a one-time password that only lets its holder set their own and
// expires after 72 h, and every new password passes the strength rule. Refusals are 4xx with a
// reason, audited, and change nothing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema, loginResponseSchema } from '@shared/protocol';
import type { LoginResponse } from '@shared/protocol';
import { passwordResetResponseSchema } from '@shared/password-api';
import { staffAccountSchema } from '@shared/staff-api';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, bearer, buildTestApp, enrollTablet, login, seedDemo, seedOtherMunicipality, testClock } from '../../helpers/test-app';

describeEachDatabase('password lifecycle', ({ db }) => {
  let app: FastifyInstance;
  let admin: LoginResponse;
  const clock = testClock();

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const signIn = (username: string, password: string, extra: object = {}) =>
    app.inject({ method: 'POST', url: '/api/session', payload: { username, password, ...extra } });
  const reason = (response: { json: () => unknown }): string => errorEnvelopeSchema.parse(response.json()).error.reason;
  const audited = async (action: string, objectId: string | null = null): Promise<number> => {
    const [row] = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR object_id = $2)',
      [action, objectId],
    );
    return row?.n ?? 0;
  };
  const passwordHash = async (id: string): Promise<string> => {
    const [row] = await db().query<{ password_hash: string }>('SELECT password_hash FROM staff_accounts WHERE id = $1', [id]);
    return row?.password_hash ?? '';
  };
  /** A new account (created by the admin) and its first password. */
  const newStaff = async (roles: string[] = ['coordinator']): Promise<{ id: string; username: string; password: string }> => {
    const username = `staff.${uuidv7().slice(-12)}`;
    const password = `erstes-kennwort-${uuidv7().slice(-10)}`;
    const response = await call(admin.token, 'POST', '/api/admin/staff', {
      username,
      displayName: 'Neue Kollegin',
      organisationId: 'home-projekt-demo',
      roles,
      password,
    });
    expect(response.statusCode).toBe(201);
    return { id: staffAccountSchema.parse(response.json()).id, username, password };
  };
  const reset = async (id: string): Promise<string> => {
    const response = await call(admin.token, 'POST', `/api/admin/staff/${id}/password-reset`);
    expect(response.statusCode).toBe(200);
    return passwordResetResponseSchema.parse(response.json()).oneTimePassword;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now, loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    await app.ready();
    admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
  });
  afterAll(async () => {
    await app.close();
  });

  it('changes a password with the current one, ends the other sign-ins and keeps this one', async () => {
    const staff = await newStaff();
    const other = await login(app, staff.username, staff.password);
    const mine = await login(app, staff.username, staff.password);
    const newPassword = 'Kaffeetasse am Fenster 2027';

    const response = await call(mine.token, 'POST', '/api/session/password', { currentPassword: staff.password, newPassword });
    expect(response.statusCode).toBe(204);

    expect((await signIn(staff.username, staff.password)).statusCode).toBe(401);
    expect((await signIn(staff.username, newPassword)).statusCode).toBe(200);
    // The other sign-in ended: its access token and its refresh token.
    expect((await call(other.token, 'GET', '/api/session')).statusCode).toBe(401);
    const refreshed = await app.inject({ method: 'POST', url: '/api/session/refresh', payload: { refreshToken: other.refreshToken } });
    expect(refreshed.statusCode).toBe(401);
    // This one goes on.
    expect((await call(mine.token, 'GET', '/api/devices')).statusCode).toBe(200);
    expect(await audited('password.changed', staff.id)).toBe(1);
    // Neither password appears anywhere in the audit log.
    const [leak] = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE concat_ws(' ', action, object_id, actor_id) LIKE '%' || $1 || '%'",
      [newPassword],
    );
    expect(leak?.n).toBe(0);
  });

  it('refuses a wrong current password (403, counted as a failed sign-in) and changes nothing', async () => {
    const staff = await newStaff();
    const session = await login(app, staff.username, staff.password);
    const before = await passwordHash(staff.id);

    const response = await call(session.token, 'POST', '/api/session/password', {
      currentPassword: 'nicht-das-richtige-kennwort',
      newPassword: 'Kaffeetasse am Fenster 2027',
    });
    expect(response.statusCode).toBe(403);
    expect(reason(response)).toBe('wrongPassword');
    expect(await passwordHash(staff.id)).toBe(before);
    expect(await audited('password.changeRefusedWrongPassword', staff.id)).toBe(1);
    const [limit] = await db().query<{ failures: number }>('SELECT failures FROM sign_in_limits WHERE subject = $1', [
      `account:${staff.id}`,
    ]);
    expect(limit?.failures).toBe(1);
  });

  it('refuses weak, common and too short new passwords with the rule they failed, and changes nothing', async () => {
    const staff = await newStaff();
    const session = await login(app, staff.username, staff.password);
    const before = await passwordHash(staff.id);
    const cases: [string, string][] = [
      ['qwerty123456', 'passwordCommon'],
      ['Passwort12345', 'passwordWeak'],
      [`${staff.username}2026`, 'passwordWeak'],
    ];
    for (const [newPassword, problem] of cases) {
      const response = await call(session.token, 'POST', '/api/session/password', { currentPassword: staff.password, newPassword });
      expect(response.statusCode, newPassword).toBe(400);
      const error = errorEnvelopeSchema.parse(response.json()).error;
      expect(error.reason).toBe('weakPassword');
      expect(error.issues).toEqual([{ path: 'newPassword', message: problem }]);
    }
    const short = await call(session.token, 'POST', '/api/session/password', { currentPassword: staff.password, newPassword: 'kurz' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('passwordTooShort');
    expect(await passwordHash(staff.id)).toBe(before);
    expect(await audited('password.changeRefusedWeak', staff.id)).toBe(cases.length);
  });

  it('refuses a weak first password when the admin creates an account', async () => {
    const username = `weak.${uuidv7().slice(-12)}`;
    const response = await call(admin.token, 'POST', '/api/admin/staff', {
      username,
      displayName: 'Schwaches Kennwort',
      organisationId: 'home-projekt-demo',
      roles: ['fieldworker'],
      password: '1q2w3e4r5t6y',
    });
    expect(response.statusCode).toBe(400);
    expect(reason(response)).toBe('weakPassword');
    expect(await db().query('SELECT 1 FROM staff_accounts WHERE username = $1', [username])).toHaveLength(0);
    expect(await audited('staff.createRefusedWeakPassword')).toBeGreaterThanOrEqual(1);
  });

  it("resets to a one-time password: the person's sessions end, and it only lets them set their own", async () => {
    const staff = await newStaff();
    const before = await login(app, staff.username, staff.password);
    const oneTimePassword = await reset(staff.id);
    expect(await audited('staff.passwordReset', staff.id)).toBe(1);

    expect((await call(before.token, 'GET', '/api/session')).statusCode).toBe(401);
    expect((await signIn(staff.username, staff.password)).statusCode).toBe(401);

    const signedIn = await signIn(staff.username, oneTimePassword);
    expect(signedIn.statusCode).toBe(200);
    const restricted = loginResponseSchema.parse(signedIn.json());
    expect(restricted.mustChangePassword).toBe(true);

    // Every route but who-am-I, sign-out and the password change refuses this session.
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    const allowed = ['GET /api/session', 'DELETE /api/session', 'POST /api/session/password'];
    let refused = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (operation.security === undefined || allowed.includes(name)) continue;
        const url = path.replace(/\{[^}]+\}/g, uuidv7());
        const response = await call(restricted.token, method.toUpperCase() as 'GET', url, method === 'get' ? undefined : {});
        expect(response.statusCode, name).toBe(403);
        expect(reason(response), name).toBe('passwordChangeRequired');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(30);
    expect((await call(restricted.token, 'GET', '/api/session')).statusCode).toBe(200);

    // Setting their own password opens the roles' routes again, on this session too.
    const newPassword = 'Regenschirm im Flur vergessen';
    const changed = await call(restricted.token, 'POST', '/api/session/password', { currentPassword: oneTimePassword, newPassword });
    expect(changed.statusCode).toBe(204);
    expect((await call(restricted.token, 'GET', '/api/devices')).statusCode).toBe(200);
    const normal = loginResponseSchema.parse((await signIn(staff.username, newPassword)).json());
    expect(normal.mustChangePassword).toBeUndefined();
    expect((await signIn(staff.username, oneTimePassword)).statusCode).toBe(401);
  });

  it('gives a one-time password no tablet binding and no escrow key', async () => {
    const staff = await newStaff(['fieldworker']);
    const oneTimePassword = await reset(staff.id);
    const tablet = await enrollTablet(db(), staff.username);
    const response = await signIn(staff.username, oneTimePassword, { deviceId: tablet.device.deviceId, deviceSecret: tablet.deviceSecret });
    expect(response.statusCode).toBe(200);
    const session = loginResponseSchema.parse(response.json());
    expect(session.deviceEscrowKey).toBeUndefined();
    expect(session.mustChangePassword).toBe(true);
    const [row] = await db().query<{ device_id: string | null }>(
      'SELECT device_id::text AS device_id FROM sessions WHERE account_id = $1 AND revoked_at IS NULL',
      [staff.id],
    );
    expect(row?.device_id).toBeNull();
  });

  it('lets a one-time password expire after 72 hours: 401 passwordExpired, audited, its session ends too', async () => {
    const staff = await newStaff();
    const oneTimePassword = await reset(staff.id);
    const restricted = loginResponseSchema.parse((await signIn(staff.username, oneTimePassword)).json());
    clock.advance(72 * 60 * 60 * 1000 + 1000);
    try {
      const response = await signIn(staff.username, oneTimePassword);
      expect(response.statusCode).toBe(401);
      expect(reason(response)).toBe('passwordExpired');
      expect(await audited('session.oneTimePasswordExpired')).toBeGreaterThanOrEqual(1);
      const refreshed = await app.inject({
        method: 'POST',
        url: '/api/session/refresh',
        payload: { refreshToken: restricted.refreshToken },
      });
      expect(refreshed.statusCode).toBe(401);
      // A wrong password is still just "wrong": expiry is told only to whoever knows the one-time password.
      const wrong = await signIn(staff.username, 'falsches-kennwort-123');
      expect(reason(wrong)).toBe('unauthorized');
    } finally {
      clock.advance(-(72 * 60 * 60 * 1000 + 1000));
    }
  });

  it("refuses an admin's reset of their own password (409) and of another municipality's account (404)", async () => {
    const own = await call(admin.token, 'POST', `/api/admin/staff/${admin.user.id}/password-reset`);
    expect(own.statusCode).toBe(409);
    expect(await audited('staff.passwordResetRefusedSelf', admin.user.id)).toBe(1);
    const other = await seedOtherMunicipality(db());
    const [foreign] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [other.username]);
    const before = await passwordHash(foreign?.id ?? '');
    const response = await call(admin.token, 'POST', `/api/admin/staff/${foreign?.id ?? ''}/password-reset`);
    expect(response.statusCode).toBe(404);
    expect(await passwordHash(foreign?.id ?? '')).toBe(before);
  });
});
