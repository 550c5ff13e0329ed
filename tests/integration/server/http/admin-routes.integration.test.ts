// The admin's organisations and staff: own municipality only, admin role only,
// duplicates 409, no self-lockout, deactivation revokes every credential, audited.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import type { LoginResponse } from '@shared/protocol';
import { organisationListSchema, organisationSchema, signingKeySchema, staffAccountSchema, staffListSchema } from '@shared/staff-api';
import type { StaffAccount } from '@shared/staff-api';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  enrollDevice,
  login,
  newSigningPublicKey,
  seedDemo,
} from '../../helpers/test-app';

describeEachDatabase('admin routes', ({ db }) => {
  let app: FastifyInstance;
  let admin: LoginResponse;

  const call = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const createStaff = async (overrides: Record<string, unknown> = {}): Promise<{ account: StaffAccount; password: string }> => {
    const password = `initial-${uuidv7().slice(-12)}`;
    const response = await call(admin.token, 'POST', '/api/admin/staff', {
      username: `staff.${uuidv7().slice(-12)}`,
      displayName: 'Neue Kollegin',
      organisationId: 'home-projekt-demo',
      roles: ['fieldworker'],
      password,
      ...overrides,
    });
    expect(response.statusCode).toBe(201);
    return { account: staffAccountSchema.parse(response.json()), password };
  };
  const auditCount = async (action: string, objectId: string): Promise<number> => {
    const [row] = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND object_id = $2 AND actor_id = $3',
      [action, objectId, admin.user.id],
    );
    return row?.n ?? 0;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    await app.ready();
    admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses every admin route to non-admins (403) and strangers (401)', async () => {
    const others = await Promise.all([
      login(app),
      login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password),
      login(app, DEMO_APPROVER.username, DEMO_APPROVER.password),
    ]);
    const requests = [
      ['GET', '/api/admin/organisations', undefined],
      ['POST', '/api/admin/organisations', { id: 'nope-org', name: 'Nein', kind: 'clinic' }],
      ['GET', '/api/admin/staff', undefined],
      [
        'POST',
        '/api/admin/staff',
        {
          username: 'nope.user',
          displayName: 'N',
          organisationId: 'home-projekt-demo',
          roles: ['admin'],
          password: 'long-enough-password',
        },
      ],
      ['PATCH', `/api/admin/staff/${admin.user.id}`, { active: false }],
    ] as const;
    for (const { token } of others) {
      for (const [method, url, payload] of requests) {
        const response = await call(token, method, url, payload);
        expect(response.statusCode, `${method} ${url}`).toBe(403);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('forbidden');
      }
    }
    for (const [method, url, payload] of requests) {
      expect((await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) })).statusCode).toBe(401);
    }
    expect(await db().query(`SELECT 1 FROM organisations WHERE id = 'nope-org'`)).toHaveLength(0);
    expect(await db().query(`SELECT 1 FROM staff_accounts WHERE username = 'nope.user'`)).toHaveLength(0);
    expect(await db().query('SELECT active FROM staff_accounts WHERE id = $1', [admin.user.id])).toEqual([{ active: true }]);
  });

  describe('organisations', () => {
    it('creates and lists organisations of the own municipality; a duplicate id is 409', async () => {
      const created = await call(admin.token, 'POST', '/api/admin/organisations', {
        id: 'familienhebammen',
        name: 'Familienhebammen Demo',
        kind: 'family-support',
      });
      expect(created.statusCode).toBe(201);
      expect(organisationSchema.parse(created.json())).toEqual({
        id: 'familienhebammen',
        municipalityId: 'demo-stadt',
        name: 'Familienhebammen Demo',
        kind: 'family-support',
      });
      expect(await auditCount('organisation.created', 'familienhebammen')).toBe(1);

      const duplicate = await call(admin.token, 'POST', '/api/admin/organisations', {
        id: 'familienhebammen',
        name: 'Nochmal',
        kind: 'clinic',
      });
      expect(duplicate.statusCode).toBe(409);
      expect(errorEnvelopeSchema.parse(duplicate.json()).error.reason).toBe('conflict');

      const list = organisationListSchema.parse((await call(admin.token, 'GET', '/api/admin/organisations')).json());
      expect(list.organisations.map((o) => o.id).sort()).toEqual(['familienhebammen', 'fruehe-hilfen-demo', 'home-projekt-demo']);
    });

    it('rejects unknown kinds and bad ids with 400', async () => {
      for (const payload of [
        { id: 'ok-id', name: 'X', kind: 'secret-service' },
        { id: 'Bad Id', name: 'X', kind: 'clinic' },
        { id: 'ok-id', name: '   ', kind: 'clinic' },
      ]) {
        const response = await call(admin.token, 'POST', '/api/admin/organisations', payload);
        expect(response.statusCode).toBe(400);
      }
      expect(await db().query(`SELECT 1 FROM organisations WHERE id = 'ok-id'`)).toHaveLength(0);
    });
  });

  describe('staff', () => {
    it('creates a staff account with an argon2id hash, who can then sign in; the audit log holds no password', async () => {
      const { account, password } = await createStaff({ roles: ['fieldworker', 'approver'] });
      expect(account).toMatchObject({
        municipalityId: 'demo-stadt',
        organisationId: 'home-projekt-demo',
        roles: ['fieldworker', 'approver'],
        active: true,
      });
      const [row] = await db().query<{ password_hash: string }>('SELECT password_hash FROM staff_accounts WHERE id = $1', [account.id]);
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      expect((await login(app, account.username, password)).user.id).toBe(account.id);
      expect(await auditCount('staff.created', account.id)).toBe(1);
      const audit = JSON.stringify(await db().query('SELECT * FROM audit_log'));
      expect(audit).not.toContain(password);

      const list = staffListSchema.parse((await call(admin.token, 'GET', '/api/admin/staff')).json());
      expect(list.staff.map((s) => s.id)).toContain(account.id);
      expect(list.staff.every((s) => s.municipalityId === 'demo-stadt')).toBe(true);
      expect(JSON.stringify(list)).not.toContain('argon2');
    });

    it('answers 409 for a taken username, 404 for an organisation outside the municipality, 400 for a short password', async () => {
      const taken = await call(admin.token, 'POST', '/api/admin/staff', {
        username: 'coordinator',
        displayName: 'Doppelt',
        organisationId: 'home-projekt-demo',
        roles: ['fieldworker'],
        password: 'long-enough-password',
      });
      expect(taken.statusCode).toBe(409);
      expect(errorEnvelopeSchema.parse(taken.json()).error.reason).toBe('conflict');

      await db().query(`INSERT INTO municipalities (id, name) VALUES ('nachbarstadt', 'Nachbarstadt') ON CONFLICT DO NOTHING`);
      await db().query(
        `INSERT INTO organisations (id, municipality_id, name, kind) VALUES ('nachbar-org', 'nachbarstadt', 'N', 'clinic')
         ON CONFLICT DO NOTHING`,
      );
      for (const organisationId of ['nachbar-org', 'no-such-org']) {
        const response = await call(admin.token, 'POST', '/api/admin/staff', {
          username: `spy.${organisationId}`,
          displayName: 'Spion',
          organisationId,
          roles: ['admin'],
          password: 'long-enough-password',
        });
        expect(response.statusCode).toBe(404);
        expect(response.body).toBe((await call(admin.token, 'GET', '/api/nothing-here')).body);
      }
      const short = await call(admin.token, 'POST', '/api/admin/staff', {
        username: 'short.pw',
        displayName: 'Kurz',
        organisationId: 'home-projekt-demo',
        roles: ['fieldworker'],
        password: 'short',
      });
      expect(short.statusCode).toBe(400);
      expect(short.body).not.toContain('"short"');
      expect(await db().query(`SELECT 1 FROM staff_accounts WHERE username LIKE 'spy.%' OR username = 'short.pw'`)).toHaveLength(0);
    });

    it('updates name and roles; the new roles apply to live sessions at once', async () => {
      const { account, password } = await createStaff();
      const session = await login(app, account.username, password);
      const patched = await call(admin.token, 'PATCH', `/api/admin/staff/${account.id}`, {
        displayName: 'Umbenannt',
        roles: ['partner'],
      });
      expect(patched.statusCode).toBe(200);
      expect(staffAccountSchema.parse(patched.json())).toMatchObject({ displayName: 'Umbenannt', roles: ['partner'] });
      const me = await app.inject({ method: 'GET', url: '/api/session', headers: bearer(session.token) });
      expect(me.json<{ roles: string[] }>().roles).toEqual(['partner']);
      expect(await auditCount('staff.rolesChanged', account.id)).toBe(1);
      expect((await call(admin.token, 'PATCH', `/api/admin/staff/${account.id}`, {})).statusCode).toBe(400);
      expect((await call(admin.token, 'PATCH', '/api/admin/staff/no-such-id', { displayName: 'X' })).statusCode).toBe(404);
    });

    it('deactivation revokes sessions, refresh tokens and signing keys; sign-in is refused', async () => {
      const { account, password } = await createStaff();
      const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
      const device = await enrollDevice(app, coordinator.token);
      const session = await login(app, account.username, password, device.device.deviceId, device.deviceSecret);
      expect(session.deviceEscrowKey).toBe(device.deviceEscrowKey);
      const key = await app.inject({
        method: 'POST',
        url: '/api/staff/keys',
        headers: bearer(session.token),
        payload: { deviceId: device.device.deviceId, publicKey: await newSigningPublicKey() },
      });
      expect(key.statusCode).toBe(201);
      const second = await login(app, account.username, password);

      const response = await call(admin.token, 'PATCH', `/api/admin/staff/${account.id}`, { active: false });
      expect(response.statusCode).toBe(200);
      expect(staffAccountSchema.parse(response.json()).active).toBe(false);

      for (const token of [session.token, second.token]) {
        expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(token) })).statusCode).toBe(401);
      }
      for (const refreshToken of [session.refreshToken, second.refreshToken]) {
        const refreshed = await app.inject({ method: 'POST', url: '/api/session/refresh', payload: { refreshToken } });
        expect(refreshed.statusCode).toBe(401);
      }
      const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { username: account.username, password } });
      expect(signIn.statusCode).toBe(401);
      const keyId = signingKeySchema.parse(key.json()).keyId;
      const [keyRow] = await db().query<{ revoked_at: unknown }>('SELECT revoked_at FROM signing_keys WHERE id = $1', [keyId]);
      expect(keyRow?.revoked_at).not.toBeNull();
      const live = await db().query(
        `SELECT 1 FROM sessions WHERE account_id = $1 AND revoked_at IS NULL
         UNION ALL SELECT 1 FROM refresh_tokens WHERE account_id = $1 AND revoked_at IS NULL`,
        [account.id],
      );
      expect(live).toHaveLength(0);
      expect(await auditCount('staff.deactivated', account.id)).toBe(1);
      // The tablet the person signed in on learns it at its next status check and deletes their key slot.
      const status = async () =>
        (
          await app.inject({
            method: 'POST',
            url: '/api/devices/status',
            payload: { deviceId: device.device.deviceId, deviceSecret: device.deviceSecret },
          })
        ).json<{ status: string; deactivatedAccountIds: string[] }>();
      expect(await status()).toEqual({ status: 'active', deactivatedAccountIds: [account.id] });

      // Reactivated, the person signs in again (old tokens stay dead).
      expect((await call(admin.token, 'PATCH', `/api/admin/staff/${account.id}`, { active: true })).statusCode).toBe(200);
      expect((await status()).deactivatedAccountIds).not.toContain(account.id);
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(session.token) })).statusCode).toBe(401);
      expect((await login(app, account.username, password)).user.id).toBe(account.id);
    });

    it('refuses to let an admin deactivate themself or drop their own admin role (409)', async () => {
      for (const payload of [{ active: false }, { roles: ['coordinator'] }, { roles: ['coordinator'], active: true }]) {
        const response = await call(admin.token, 'PATCH', `/api/admin/staff/${admin.user.id}`, payload);
        expect(response.statusCode).toBe(409);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('conflict');
      }
      const [row] = await db().query<{ roles: string[]; active: boolean }>('SELECT roles, active FROM staff_accounts WHERE id = $1', [
        admin.user.id,
      ]);
      expect(row).toEqual({ roles: ['admin'], active: true });
      // Renaming oneself and keeping the admin role is fine.
      const ok = await call(admin.token, 'PATCH', `/api/admin/staff/${admin.user.id}`, { roles: ['admin', 'coordinator'] });
      expect(ok.statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(admin.token) })).statusCode).toBe(200);
      await call(admin.token, 'PATCH', `/api/admin/staff/${admin.user.id}`, { roles: ['admin'] });
    });
  });
});
