// Tablet enrollment (coordinator/admin only), status with the tablet's secret
// (and the deactivated people it must forget), revocation ending sessions and
// keys, device-bound sign-in only with the tablet's secret and only for tablet
// roles, signing keys (read by tablet roles, enrolled only on the bound tablet).
import { escrowKeyPlace, installedServerKeys, openText } from '@server/services/content-seal';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, loginResponseSchema } from '@shared/protocol';
import { deviceListSchema, deviceStatusResponseSchema, enrollDeviceResponseSchema, signingKeySchema } from '@shared/staff-api';
import type { DeviceStatus, EnrollDeviceResponse, SigningKey } from '@shared/staff-api';
import { uuidv7 } from '@shared/ids';
import { toBase64Url } from '@shared/crypto/bytes';
import { createStaffAccount } from '@server/services/staff-accounts';
import { hashToken } from '@server/services/secret-hash';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  enrollDevice,
  login,
  loginOnTablet,
  newSigningPublicKey,
  seedDemo,
  seedOtherMunicipality,
} from '../../helpers/test-app';

describeEachDatabase('devices and signing keys', ({ db }) => {
  let app: FastifyInstance;
  let coordinator: string;
  let fieldworker: string;

  const statusAnswer = async (deviceId: string, deviceSecret: string) => {
    const response = await app.inject({ method: 'POST', url: '/api/devices/status', payload: { deviceId, deviceSecret } });
    expect(response.statusCode).toBe(200);
    return deviceStatusResponseSchema.parse(response.json());
  };
  const status = async (deviceId: string, deviceSecret: string): Promise<DeviceStatus> =>
    (await statusAnswer(deviceId, deviceSecret)).status;
  const signIn = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/session', payload });
  const refresh = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/session/refresh', payload });
  const me = (token: string) => app.inject({ method: 'GET', url: '/api/session', headers: bearer(token) });
  const FIELDWORKER = { username: DEMO_FIELDWORKER.username, password: DEMO_FIELDWORKER.password };
  /** A fresh account of Demo-Stadt with these roles. */
  const newAccount = async (roles: ('partner' | 'admin' | 'fieldworker')[]) => {
    const username = `acct.${roles.join('-')}.${uuidv7().slice(-8)}`;
    const password = `${username}-password`;
    const id = await createStaffAccount(db(), {
      municipalityId: 'demo-stadt',
      organisationId: 'home-projekt-demo',
      username,
      displayName: 'Probe',
      password,
      roles,
    });
    return { id, username, password };
  };
  const revoke = (token: string, deviceId: string) =>
    app.inject({ method: 'POST', url: `/api/devices/${deviceId}/revoke`, headers: bearer(token) });
  const enrollKey = (token: string, deviceId: string, publicKey: string) =>
    app.inject({ method: 'POST', url: '/api/staff/keys', headers: bearer(token), payload: { deviceId, publicKey } });

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    await app.ready();
    coordinator = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    fieldworker = (await login(app)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  describe('enrollment', () => {
    it('lets a coordinator enroll a tablet into their municipality and organisation', async () => {
      const deviceId = uuidv7();
      const response = await app.inject({
        method: 'POST',
        url: '/api/devices',
        headers: bearer(coordinator),
        payload: { deviceId, label: 'Station 3, Tablet 2' },
      });
      expect(response.statusCode).toBe(201);
      const body = enrollDeviceResponseSchema.parse(response.json());
      expect(body.device).toMatchObject({
        deviceId,
        municipalityId: 'demo-stadt',
        organisationId: 'home-projekt-demo',
        label: 'Station 3, Tablet 2',
        revokedAt: null,
      });
      expect(Buffer.from(body.deviceSecret, 'base64url')).toHaveLength(32);
      expect(Buffer.from(body.deviceEscrowKey, 'base64url')).toHaveLength(32);
      const [row] = await db().query<{ secret_hash: string; escrow_key: string; seal_key_id: string | null }>(
        'SELECT secret_hash, escrow_key, seal_key_id FROM devices WHERE id = $1',
        [deviceId],
      );
      expect(row?.secret_hash).toBe(hashToken(body.deviceSecret));
      expect(JSON.stringify(row)).not.toContain(body.deviceSecret);
      // The escrow key is kept sealed under the server key (services/content-seal.ts), never clear.
      expect(JSON.stringify(row)).not.toContain(body.deviceEscrowKey);
      expect(row?.seal_key_id).toBe(installedServerKeys().active.keyId);
      expect(openText(row?.escrow_key ?? '', row?.seal_key_id ?? '', escrowKeyPlace('demo-stadt', deviceId))).toBe(body.deviceEscrowKey);

      const again = await app.inject({
        method: 'POST',
        url: '/api/devices',
        headers: bearer(coordinator),
        payload: { deviceId, label: 'Zweiter Versuch' },
      });
      expect(again.statusCode).toBe(409);
      expect(errorEnvelopeSchema.parse(again.json()).error.reason).toBe('conflict');
    });

    it('lets an admin enroll, but not fieldworkers, approvers or strangers', async () => {
      const admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
      expect((await enrollDevice(app, admin.token)).device.organisationId).toBe('home-projekt-demo');
      const approver = await login(app, DEMO_APPROVER.username, DEMO_APPROVER.password);
      for (const headers of [bearer(fieldworker), bearer(approver.token)]) {
        const deviceId = uuidv7();
        for (const request of [
          { method: 'POST' as const, url: '/api/devices', payload: { deviceId, label: 'Nein' } },
          { method: 'GET' as const, url: '/api/devices' },
          { method: 'POST' as const, url: `/api/devices/${deviceId}/revoke` },
        ]) {
          const response = await app.inject({ ...request, headers });
          expect(response.statusCode).toBe(403);
          expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('forbidden');
        }
        expect(await db().query('SELECT 1 FROM devices WHERE id = $1', [deviceId])).toHaveLength(0);
      }
      const anonymous = await app.inject({ method: 'POST', url: '/api/devices', payload: { deviceId: uuidv7(), label: 'x' } });
      expect(anonymous.statusCode).toBe(401);
    });

    it('lists the municipality’s tablets only', async () => {
      const other = await seedOtherMunicipality(db());
      await db().query(`UPDATE staff_accounts SET roles = '{coordinator}' WHERE username = $1`, [other.username]);
      const theirs = await enrollDevice(app, (await login(app, other.username, other.password)).token);
      const ours = await enrollDevice(app, coordinator);
      const response = await app.inject({ method: 'GET', url: '/api/devices', headers: bearer(coordinator) });
      expect(response.statusCode).toBe(200);
      const { devices } = deviceListSchema.parse(response.json());
      const ids = devices.map((d) => d.deviceId);
      expect(ids).toContain(ours.device.deviceId);
      expect(ids).not.toContain(theirs.device.deviceId);
      expect(devices.every((d) => d.municipalityId === 'demo-stadt')).toBe(true);
      // The coordinator reads the organisation's name, not its id (the office tablets table shows it).
      const [organisation] = await db().query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [
        ours.device.organisationId,
      ]);
      expect(organisation?.name).not.toBe(ours.device.organisationId);
      expect(devices.find((d) => d.deviceId === ours.device.deviceId)?.organisationName).toBe(organisation?.name);
      expect(response.body).not.toContain(ours.deviceSecret);
      expect(response.body).not.toContain(ours.deviceEscrowKey);
    });
  });

  describe('status, sign-in and revocation', () => {
    let device: EnrollDeviceResponse;
    beforeAll(async () => {
      device = await enrollDevice(app, coordinator);
    });

    it('answers active with the right secret, unknown with a wrong one or an unknown tablet', async () => {
      expect(await status(device.device.deviceId, device.deviceSecret)).toBe('active');
      expect(await status(device.device.deviceId, toBase64Url(new Uint8Array(32)))).toBe('unknown');
      expect(await status(uuidv7(), device.deviceSecret)).toBe('unknown');
    });

    it('binds a sign-in on an active tablet with its secret and hands out its escrow key', async () => {
      const session = await loginOnTablet(app, device);
      expect(session.deviceEscrowKey).toBe(device.deviceEscrowKey);
      const [row] = await db().query<{ device_id: string | null }>(
        'SELECT device_id::text AS device_id FROM sessions WHERE token_hash = $1',
        [hashToken(session.token)],
      );
      expect(row?.device_id).toBe(device.device.deviceId);
      // The refreshed session stays bound and carries the key again: the tablet proves itself again.
      const proof = { deviceId: device.device.deviceId, deviceSecret: device.deviceSecret };
      const refreshed = await refresh({ refreshToken: session.refreshToken, ...proof });
      expect(refreshed.statusCode).toBe(200);
      const renewed = loginResponseSchema.parse(refreshed.json());
      expect(renewed.deviceEscrowKey).toBe(device.deviceEscrowKey);
      // A bound sign-in cannot be carried over to another tablet id: refused, and the sign-in ends.
      const moved = await refresh({ refreshToken: renewed.refreshToken, deviceId: uuidv7(), deviceSecret: device.deviceSecret });
      expect(moved.statusCode).toBe(401);
      expect((await me(renewed.token)).statusCode).toBe(401);
      expect((await refresh({ refreshToken: renewed.refreshToken, ...proof })).statusCode).toBe(401);
    });

    it('refuses a sign-in naming a tablet without its secret or with a wrong one: 401 like a wrong password, no key', async () => {
      const before = await db().query('SELECT token_hash FROM sessions');
      const wrongPassword = await signIn({ ...FIELDWORKER, password: 'wrong-password' });
      expect(wrongPassword.statusCode).toBe(401);
      const expected = errorEnvelopeSchema.parse(wrongPassword.json());
      for (const proof of [
        { deviceId: device.device.deviceId },
        { deviceId: device.device.deviceId, deviceSecret: toBase64Url(new Uint8Array(32)) },
        // Another tablet's secret proves nothing about this one.
        { deviceId: device.device.deviceId, deviceSecret: (await enrollDevice(app, coordinator)).deviceSecret },
        // A tablet never enrolled: no unbound fallback any more.
        { deviceId: uuidv7(), deviceSecret: device.deviceSecret },
      ]) {
        const response = await signIn({ ...FIELDWORKER, ...proof });
        expect(response.statusCode).toBe(401);
        // The same answer as a wrong password: nothing tells which part was wrong, and no escrow key.
        expect(errorEnvelopeSchema.parse(response.json())).toEqual(expected);
        expect(response.body).not.toContain(device.deviceEscrowKey);
      }
      expect(await db().query('SELECT token_hash FROM sessions')).toHaveLength(before.length);
      // Right password, no proof of the tablet: audited for the admin.
      const [audited] = await db().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log a JOIN staff_accounts s ON s.id = a.actor_id
          WHERE a.action = 'session.refusedDeviceProof' AND s.username = $1`,
        [DEMO_FIELDWORKER.username],
      );
      expect(audited?.n).toBeGreaterThanOrEqual(4);
    });

    it('counts sign-ins with a missing or wrong tablet secret against the login rate limit', async () => {
      const limited = buildTestApp(db(), { loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
      try {
        const attempt = (deviceSecret?: string) =>
          limited.inject({
            method: 'POST',
            url: '/api/session',
            payload: { ...FIELDWORKER, deviceId: device.device.deviceId, ...(deviceSecret === undefined ? {} : { deviceSecret }) },
          });
        expect((await attempt()).statusCode).toBe(401);
        expect((await attempt(toBase64Url(new Uint8Array(32)))).statusCode).toBe(401);
        expect((await attempt('A'.repeat(43))).statusCode).toBe(401);
        // Even the right secret is now refused until the window ends.
        const blocked = await attempt(device.deviceSecret);
        expect(blocked.statusCode).toBe(429);
        expect(errorEnvelopeSchema.parse(blocked.json()).error.reason).toBe('rateLimited');
      } finally {
        await limited.close();
      }
    });

    it('never binds an unbound sign-in on refresh: naming a tablet there is 401', async () => {
      const unbound = await login(app);
      expect(unbound.deviceEscrowKey).toBeUndefined();
      for (const payload of [
        { deviceId: device.device.deviceId, deviceSecret: device.deviceSecret },
        { deviceId: device.device.deviceId },
      ]) {
        const response = await refresh({ refreshToken: unbound.refreshToken, ...payload });
        expect(response.statusCode).toBe(401);
        expect(response.body).not.toContain(device.deviceEscrowKey);
      }
      const rows = await db().query<{ device_id: string | null }>(
        `SELECT device_id::text AS device_id FROM refresh_tokens
          WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
        [hashToken(unbound.refreshToken)],
      );
      expect(rows.map((r) => r.device_id)).toEqual([null]);
      // The refused attempt consumed nothing: without a tablet it still renews, unbound.
      const renewed = await refresh({ refreshToken: unbound.refreshToken });
      expect(renewed.statusCode).toBe(200);
      expect(loginResponseSchema.parse(renewed.json()).deviceEscrowKey).toBeUndefined();
    });

    it('refuses a bound sign-in’s refresh without its tablet’s secret and ends that sign-in', async () => {
      for (const payload of [
        {},
        { deviceId: device.device.deviceId },
        { deviceId: device.device.deviceId, deviceSecret: toBase64Url(new Uint8Array(32)) },
      ]) {
        const session = await loginOnTablet(app, device);
        const response = await refresh({ refreshToken: session.refreshToken, ...payload });
        expect(response.statusCode).toBe(401);
        expect(response.body).not.toContain(device.deviceEscrowKey);
        // A refresh token turning up without its tablet is presumed stolen: the whole sign-in is revoked.
        expect((await me(session.token)).statusCode).toBe(401);
        const retry = await refresh({
          refreshToken: session.refreshToken,
          deviceId: device.device.deviceId,
          deviceSecret: device.deviceSecret,
        });
        expect(retry.statusCode).toBe(401);
      }
    });

    it('binds only tablet roles: partner- and admin-only accounts get an unbound session without escrow key', async () => {
      for (const account of [await newAccount(['partner']), await newAccount(['admin']), DEMO_ADMIN]) {
        const session = await loginOnTablet(app, device, account);
        expect(session.deviceEscrowKey).toBeUndefined();
        const [row] = await db().query<{ device_id: string | null }>('SELECT device_id FROM sessions WHERE token_hash = $1', [
          hashToken(session.token),
        ]);
        expect(row?.device_id).toBeNull();
        // Nor later, on refresh.
        const refreshed = await refresh({ refreshToken: session.refreshToken });
        expect(refreshed.statusCode).toBe(200);
        expect(loginResponseSchema.parse(refreshed.json()).deviceEscrowKey).toBeUndefined();
      }
      // A partner who is also a fieldworker works with case data on the tablet.
      const both = await newAccount(['partner', 'fieldworker']);
      expect((await loginOnTablet(app, device, both)).deviceEscrowKey).toBe(device.deviceEscrowKey);
      // A bound sign-in whose person lost every tablet role since gets no key on refresh.
      const demoted = await newAccount(['fieldworker']);
      const bound = await loginOnTablet(app, device, demoted);
      expect(bound.deviceEscrowKey).toBe(device.deviceEscrowKey);
      await db().query(`UPDATE staff_accounts SET roles = '{partner}' WHERE id = $1`, [demoted.id]);
      const refreshed = await refresh({
        refreshToken: bound.refreshToken,
        deviceId: device.device.deviceId,
        deviceSecret: device.deviceSecret,
      });
      expect(refreshed.statusCode).toBe(401);
      expect(refreshed.body).not.toContain(device.deviceEscrowKey);
    });

    it('refuses a sign-in naming another municipality’s tablet, even with its secret', async () => {
      const other = await seedOtherMunicipality(db());
      await db().query(`UPDATE staff_accounts SET roles = '{coordinator}' WHERE username = $1`, [other.username]);
      const theirs = await enrollDevice(app, (await login(app, other.username, other.password)).token);
      const response = await signIn({ ...FIELDWORKER, deviceId: theirs.device.deviceId, deviceSecret: theirs.deviceSecret });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain(theirs.deviceEscrowKey);
      expect(await db().query('SELECT 1 FROM sessions WHERE device_id = $1', [theirs.device.deviceId])).toHaveLength(0);
    });

    it('tells an active tablet which people who signed in on it were deactivated since', async () => {
      const tablet = await enrollDevice(app, coordinator);
      const elsewhere = await enrollDevice(app, coordinator);
      const signedIn = await newAccount(['fieldworker']);
      const keyOnly = await newAccount(['fieldworker']);
      const onlyElsewhere = await newAccount(['fieldworker']);
      const stillActive = await newAccount(['fieldworker']);
      const neverHere = await newAccount(['fieldworker']);
      await loginOnTablet(app, tablet, signedIn);
      await loginOnTablet(app, tablet, stillActive);
      await loginOnTablet(app, elsewhere, onlyElsewhere);
      // A signing key on this tablet alone (its sessions long gone) also counts as having been here.
      const keySession = await loginOnTablet(app, tablet, keyOnly);
      expect((await enrollKey(keySession.token, tablet.device.deviceId, await newSigningPublicKey())).statusCode).toBe(201);
      await db().query('DELETE FROM sessions WHERE account_id = $1', [keyOnly.id]);
      expect(await statusAnswer(tablet.device.deviceId, tablet.deviceSecret)).toEqual({ status: 'active', deactivatedAccountIds: [] });

      const admin = (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token;
      for (const account of [signedIn, keyOnly, onlyElsewhere, neverHere]) {
        const patched = await app.inject({
          method: 'PATCH',
          url: `/api/admin/staff/${account.id}`,
          headers: bearer(admin),
          payload: { active: false },
        });
        expect(patched.statusCode).toBe(200);
      }
      const answer = await statusAnswer(tablet.device.deviceId, tablet.deviceSecret);
      expect(answer.status).toBe('active');
      expect([...answer.deactivatedAccountIds].sort()).toEqual([signedIn.id, keyOnly.id].sort());
      expect((await statusAnswer(elsewhere.device.deviceId, elsewhere.deviceSecret)).deactivatedAccountIds).toEqual([onlyElsewhere.id]);
      // Nothing for a wrong secret, and nothing once the tablet is revoked (it wipes itself anyway).
      expect(await statusAnswer(tablet.device.deviceId, toBase64Url(new Uint8Array(32)))).toEqual({
        status: 'unknown',
        deactivatedAccountIds: [],
      });
      expect((await revoke(coordinator, tablet.device.deviceId)).statusCode).toBe(204);
      expect(await statusAnswer(tablet.device.deviceId, tablet.deviceSecret)).toEqual({
        status: 'revoked',
        deactivatedAccountIds: [],
      });
    });

    it('revokes a tablet: its sessions, refresh tokens and signing keys end; sign-in there gets 403 deviceRevoked', async () => {
      const bound = await loginOnTablet(app, device);
      const key = await enrollKey(bound.token, device.device.deviceId, await newSigningPublicKey());
      expect(key.statusCode).toBe(201);
      const unbound = await login(app);

      expect((await revoke(coordinator, device.device.deviceId)).statusCode).toBe(204);
      expect(await status(device.device.deviceId, device.deviceSecret)).toBe('revoked');
      // Still 'unknown' with a wrong secret: revocation is told only to the tablet itself.
      expect(await status(device.device.deviceId, toBase64Url(new Uint8Array(32)))).toBe('unknown');

      expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(bound.token) })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(unbound.token) })).statusCode).toBe(200);
      const refreshed = await refresh({
        refreshToken: bound.refreshToken,
        deviceId: device.device.deviceId,
        deviceSecret: device.deviceSecret,
      });
      // The tablet hears why (it wipes itself), not a reuse alarm (review finding L4).
      expect(refreshed.statusCode).toBe(403);
      expect(errorEnvelopeSchema.parse(refreshed.json()).error.reason).toBe('deviceRevoked');
      const keyId = signingKeySchema.parse(key.json()).keyId;
      const [keyRow] = await db().query<{ revoked_at: unknown }>('SELECT revoked_at FROM signing_keys WHERE id = $1', [keyId]);
      expect(keyRow?.revoked_at).not.toBeNull();

      const proof = { deviceId: device.device.deviceId, deviceSecret: device.deviceSecret };
      const revokedSignIn = await signIn({ ...FIELDWORKER, ...proof });
      expect(revokedSignIn.statusCode).toBe(403);
      expect(errorEnvelopeSchema.parse(revokedSignIn.json()).error.reason).toBe('deviceRevoked');
      // A wrong password, or no proof of the tablet, on a revoked tablet is still just 401
      // (revocation is told only to someone holding both the password and the tablet's secret).
      expect((await signIn({ ...FIELDWORKER, password: 'wrong-password', ...proof })).statusCode).toBe(401);
      expect((await signIn({ ...FIELDWORKER, deviceId: device.device.deviceId })).statusCode).toBe(401);
      // Revoking again is harmless (also with the empty JSON body the office UI sends); an unknown tablet is 404.
      const again = await app.inject({
        method: 'POST',
        url: `/api/devices/${device.device.deviceId}/revoke`,
        headers: bearer(coordinator),
        payload: {},
      });
      expect(again.statusCode).toBe(204);
      expect((await revoke(coordinator, uuidv7())).statusCode).toBe(404);
      expect((await revoke(coordinator, 'not-a-uuid')).statusCode).toBe(400);
    });

    it('rate-limits status checks per IP', async () => {
      const limited = buildTestApp(db(), { deviceStatusRateLimit: { max: 3, timeWindowMs: 60_000 } });
      try {
        const check = () =>
          limited.inject({
            method: 'POST',
            url: '/api/devices/status',
            payload: { deviceId: device.device.deviceId, deviceSecret: device.deviceSecret },
          });
        for (let i = 0; i < 3; i++) expect((await check()).statusCode).toBe(200);
        const blocked = await check();
        expect(blocked.statusCode).toBe(429);
        expect(errorEnvelopeSchema.parse(blocked.json()).error.reason).toBe('rateLimited');
      } finally {
        await limited.close();
      }
    });
  });

  describe('signing keys', () => {
    let device: EnrollDeviceResponse;
    /** The fieldworker signed in ON `device`: the only kind of session that enrolls a key for it. */
    let onTablet: string;
    beforeAll(async () => {
      device = await enrollDevice(app, coordinator);
      onTablet = (await loginOnTablet(app, device)).token;
    });

    it('rejects anything but an ECDSA P-256 SPKI public key with 400', async () => {
      const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
      const rsa = await crypto.subtle.generateKey(
        { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        true,
        ['sign', 'verify'],
      );
      const spki = async (key: CryptoKey) => toBase64Url(new Uint8Array(await crypto.subtle.exportKey('spki', key)));
      const before = await db().query('SELECT id FROM signing_keys');
      for (const publicKey of [
        'garbage',
        toBase64Url(new Uint8Array(91)),
        await spki(p384.publicKey),
        await spki(rsa.publicKey),
        'not base64url!',
      ]) {
        const response = await enrollKey(onTablet, device.device.deviceId, publicKey);
        expect(response.statusCode).toBe(400);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('invalidRequest');
      }
      expect(await db().query('SELECT id FROM signing_keys')).toHaveLength(before.length);
    });

    it('enrolls one active key per person and tablet; a new key revokes the previous', async () => {
      const firstKey = await newSigningPublicKey();
      const first = await enrollKey(onTablet, device.device.deviceId, firstKey);
      expect(first.statusCode).toBe(201);
      const firstBody = signingKeySchema.parse(first.json());
      expect(firstBody).toMatchObject({ deviceId: device.device.deviceId, publicKey: firstKey, revokedAt: null });

      const second = await enrollKey(onTablet, device.device.deviceId, await newSigningPublicKey());
      expect(second.statusCode).toBe(201);
      const secondBody = signingKeySchema.parse(second.json());

      // The tablet roles read the public keys (approvers verify with them), bound to a tablet or not.
      const approver = await login(app, DEMO_APPROVER.username, DEMO_APPROVER.password);
      const list = await app.inject({ method: 'GET', url: '/api/staff/keys', headers: bearer(approver.token) });
      expect(list.statusCode).toBe(200);
      const keys = new Map(list.json<{ keys: SigningKey[] }>().keys.map((k) => [k.keyId, signingKeySchema.parse(k)] as const));
      expect(keys.get(firstBody.keyId)?.revokedAt).not.toBeNull();
      expect(keys.get(secondBody.keyId)?.revokedAt).toBeNull();
      const active = [...keys.values()].filter(
        (k) => k.accountId === firstBody.accountId && k.deviceId === device.device.deviceId && k.revokedAt === null,
      );
      expect(active).toHaveLength(1);
      for (const token of [fieldworker, coordinator]) {
        expect((await app.inject({ method: 'GET', url: '/api/staff/keys', headers: bearer(token) })).statusCode).toBe(200);
      }
    });

    it('does not list the keys to partner- or admin-only sessions (403)', async () => {
      const partner = await newAccount(['partner']);
      const adminOnly = await newAccount(['admin']);
      for (const account of [partner, adminOnly, DEMO_ADMIN]) {
        const { token } = await login(app, account.username, account.password);
        const response = await app.inject({ method: 'GET', url: '/api/staff/keys', headers: bearer(token) });
        expect(response.statusCode).toBe(403);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('forbidden');
        expect(response.body).not.toContain(device.device.deviceId);
      }
      expect((await app.inject({ method: 'GET', url: '/api/staff/keys' })).statusCode).toBe(401);
    });

    it('enrolls a key only from a session bound to that same tablet (else 403, nothing stored)', async () => {
      const before = await db().query('SELECT id FROM signing_keys');
      const otherTablet = await enrollDevice(app, coordinator);
      const partner = await newAccount(['partner']);
      const attempts = [
        // A plain browser session, for this tablet or any.
        { token: fieldworker, deviceId: device.device.deviceId },
        { token: fieldworker, deviceId: uuidv7() },
        // Signed in on this tablet, but naming another one (enrolled or not).
        { token: onTablet, deviceId: otherTablet.device.deviceId },
        { token: onTablet, deviceId: uuidv7() },
        // A partner signed in on the tablet (not bound), and an admin.
        { token: (await loginOnTablet(app, device, partner)).token, deviceId: device.device.deviceId },
        { token: (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token, deviceId: device.device.deviceId },
      ];
      for (const { token, deviceId } of attempts) {
        const response = await enrollKey(token, deviceId, await newSigningPublicKey());
        expect(response.statusCode).toBe(403);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('forbidden');
      }
      expect(await db().query('SELECT id FROM signing_keys')).toHaveLength(before.length);
      const anonymous = await app.inject({
        method: 'POST',
        url: '/api/staff/keys',
        payload: { deviceId: device.device.deviceId, publicKey: await newSigningPublicKey() },
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('ends key enrollment with the tablet: a revoked tablet’s sessions are no longer signed in (401)', async () => {
      const revoked = await enrollDevice(app, coordinator);
      const session = await loginOnTablet(app, revoked);
      expect((await revoke(coordinator, revoked.device.deviceId)).statusCode).toBe(204);
      const response = await enrollKey(session.token, revoked.device.deviceId, await newSigningPublicKey());
      expect(response.statusCode).toBe(401);
      expect(await db().query('SELECT 1 FROM signing_keys WHERE device_id = $1', [revoked.device.deviceId])).toHaveLength(0);
    });
  });
});
