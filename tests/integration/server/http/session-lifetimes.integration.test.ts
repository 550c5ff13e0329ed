// How long a sign-in lasts: a refresh ends the earlier access tokens (on every backend instance,
// the state is in the database), no sign-in outlives the municipality's absolute lifetime however
// often it is renewed (12 hours in the office, 14 days on a tablet by default), and a tablet's
// refresh after its revocation is told 'deviceRevoked' instead of raising a theft alarm.
// Time moves by an injected clock.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, loginResponseSchema } from '@shared/protocol';
import type { LoginResponse } from '@shared/protocol';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, bearer, buildTestApp, login, seedDemo, signInOnTablet, testClock } from '../../helpers/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describeEachDatabase('session lifetimes', ({ db }) => {
  let app: FastifyInstance;
  /** A second backend instance on the same database, as behind a load balancer. */
  let otherInstance: FastifyInstance;
  const clock = testClock();
  const limits = { loginRateLimit: { max: 1000, timeWindowMs: 60_000 }, refreshRateLimit: { max: 1000, timeWindowMs: 60_000 } };

  const me = (token: string, instance: FastifyInstance = app) =>
    instance.inject({ method: 'GET', url: '/api/session', headers: bearer(token) });
  const refresh = (payload: { refreshToken: string; deviceId?: string; deviceSecret?: string }) =>
    app.inject({ method: 'POST', url: '/api/session/refresh', payload, remoteAddress: '203.0.113.9' });
  const refreshOk = async (payload: { refreshToken: string; deviceId?: string; deviceSecret?: string }): Promise<LoginResponse> => {
    const response = await refresh(payload);
    expect(response.statusCode, response.body).toBe(200);
    return loginResponseSchema.parse(response.json());
  };
  const audited = async (action: string, actorId: string): Promise<{ object_id: string | null }[]> =>
    db().query<{ object_id: string | null }>('SELECT object_id FROM audit_log WHERE action = $1 AND actor_id = $2', [action, actorId]);
  const putSettings = async (token: string, changes: Record<string, unknown>) => {
    const current = await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(token) });
    expect(current.statusCode).toBe(200);
    return app.inject({
      method: 'PUT',
      url: '/api/admin/settings',
      headers: bearer(token),
      payload: { ...current.json<object>(), ...changes },
    });
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now, ...limits });
    otherInstance = buildTestApp(db(), { clock: clock.now, ...limits });
    await Promise.all([app.ready(), otherInstance.ready()]);
  });
  afterAll(async () => {
    await Promise.all([app.close(), otherInstance.close()]);
  });

  describe('a refresh ends the earlier access tokens', () => {
    it('refuses the old access token at once, on this and on another backend instance', async () => {
      const first = await login(app);
      expect((await me(first.token, otherInstance)).statusCode).toBe(200);
      const renewed = await refreshOk({ refreshToken: first.refreshToken });
      for (const instance of [app, otherInstance]) {
        const old = await me(first.token, instance);
        expect(old.statusCode).toBe(401);
        expect(errorEnvelopeSchema.parse(old.json()).error.reason).toBe('unauthorized');
        expect((await me(renewed.token, instance)).statusCode).toBe(200);
      }
    });

    it("leaves the same person's other sign-ins alone", async () => {
      const office = await login(app);
      const other = await login(app);
      await refreshOk({ refreshToken: office.refreshToken });
      expect((await me(other.token)).statusCode).toBe(200);
    });
  });

  describe('absolute lifetime', () => {
    it('ends an office sign-in after 12 hours however often it is renewed: 401 sessionExpired, audited with the address', async () => {
      const start = clock.now().getTime();
      let session = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
      expect(session.officeLockMinutes).toBe(15);
      // Renewed every 14 minutes, as an office in use does.
      while (clock.now().getTime() + 14 * MINUTE < start + 12 * HOUR) {
        clock.advance(14 * MINUTE);
        session = await refreshOk({ refreshToken: session.refreshToken });
        // No token outlives the sign-in.
        expect(Date.parse(session.expiresAt)).toBeLessThanOrEqual(start + 12 * HOUR);
        expect(Date.parse(session.refreshExpiresAt)).toBeLessThanOrEqual(start + 12 * HOUR);
      }
      clock.advance(start + 12 * HOUR - clock.now().getTime());
      const refused = await refresh({ refreshToken: session.refreshToken });
      expect(refused.statusCode).toBe(401);
      expect(errorEnvelopeSchema.parse(refused.json()).error.reason).toBe('sessionExpired');
      expect(await audited('session.lifetimeEnded', session.user.id)).toEqual([{ object_id: '203.0.113.9' }]);
      // The sign-in is over: its refresh token is revoked, not merely refused.
      const again = await refresh({ refreshToken: session.refreshToken });
      expect(again.statusCode).toBe(401);
      // A fresh sign-in with the password works.
      expect((await me((await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token)).statusCode).toBe(200);
    });

    it('ends a tablet sign-in after 14 days, not before', async () => {
      const tablet = await signInOnTablet(app, db());
      expect(tablet.officeLockMinutes).toBeUndefined();
      const proof = { deviceId: tablet.deviceId, deviceSecret: tablet.device.deviceSecret };
      let session: LoginResponse = tablet;
      for (let day = 1; day < 14; day += 1) {
        clock.advance(DAY);
        session = await refreshOk({ refreshToken: session.refreshToken, ...proof });
      }
      clock.advance(DAY);
      const refused = await refresh({ refreshToken: session.refreshToken, ...proof });
      expect(refused.statusCode).toBe(401);
      expect(errorEnvelopeSchema.parse(refused.json()).error.reason).toBe('sessionExpired');
      expect(await audited('session.lifetimeEnded', tablet.user.id)).toHaveLength(1);
    });

    it("applies the municipality's shorter office lifetime to running sign-ins; a longer one waits for a second admin", async () => {
      const admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
      const running = await login(app);
      expect((await putSettings(admin.token, { officeSessionHours: 1, officeLockMinutes: 5 })).statusCode).toBe(200);
      expect(await audited('settings.safeguardChangeProposed', admin.user.id)).toEqual([]);
      expect((await login(app)).officeLockMinutes).toBe(5);
      clock.advance(50 * MINUTE);
      const renewed = await refreshOk({ refreshToken: running.refreshToken });
      expect(Date.parse(renewed.expiresAt) - clock.now().getTime()).toBe(10 * MINUTE);
      clock.advance(10 * MINUTE);
      const refused = await refresh({ refreshToken: renewed.refreshToken });
      expect(errorEnvelopeSchema.parse(refused.json()).error.reason).toBe('sessionExpired');

      const fresh = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
      // Longer sign-ins weaken a safeguard: held for another admin, the values in force stay.
      expect((await putSettings(fresh.token, { officeSessionHours: 24, officeLockMinutes: 60, tabletSessionDays: 30 })).statusCode).toBe(
        202,
      );
      expect(await audited('settings.safeguardChangeProposed', admin.user.id)).toHaveLength(1);
      const pending = await app.inject({ method: 'GET', url: '/api/admin/settings/safeguard-changes', headers: bearer(fresh.token) });
      expect(pending.json<{ pending: { proposed: unknown; current: unknown } }>().pending).toMatchObject({
        proposed: { officeSessionHours: 24, officeLockMinutes: 60, tabletSessionDays: 30 },
        current: { officeSessionHours: 1, officeLockMinutes: 5, tabletSessionDays: 14 },
      });
      expect((await login(app)).officeLockMinutes).toBe(5);
      // Out of bounds: refused with a reason, nothing changed.
      const tooLong = await putSettings(fresh.token, { officeSessionHours: 25 });
      expect(tooLong.statusCode).toBe(400);
      const after = await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(fresh.token) });
      expect(after.json<{ officeSessionHours: number }>().officeSessionHours).toBe(1);
    });
  });

  describe('refresh after the tablet was revoked', () => {
    it('answers 403 deviceRevoked and audits a refusal, not a stolen token', async () => {
      const admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
      const tablet = await signInOnTablet(app, db());
      const revoke = await app.inject({
        method: 'POST',
        url: `/api/devices/${tablet.deviceId}/revoke`,
        headers: bearer(admin.token),
        payload: {},
      });
      expect(revoke.statusCode).toBeLessThan(300);
      const refused = await refresh({
        refreshToken: tablet.refreshToken,
        deviceId: tablet.deviceId,
        deviceSecret: tablet.device.deviceSecret,
      });
      expect(refused.statusCode).toBe(403);
      expect(errorEnvelopeSchema.parse(refused.json()).error.reason).toBe('deviceRevoked');
      expect(await audited('session.refreshTokenReused', tablet.user.id)).toEqual([]);
      expect(await audited('session.refusedRevokedDevice', tablet.user.id)).toEqual([{ object_id: '203.0.113.9' }]);
      // Without the tablet's proof nothing is told about the tablet.
      const unproven = await refresh({ refreshToken: tablet.refreshToken, deviceId: tablet.deviceId });
      expect(unproven.statusCode).toBe(401);
      expect(errorEnvelopeSchema.parse(unproven.json()).error.reason).toBe('unauthorized');
    });
  });
});
