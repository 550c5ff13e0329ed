// Tablet enrollment (coordinator/admin only), status with the tablet's secret,
// revocation ending sessions and keys, device-bound sign-in, signing keys.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelopeSchema, loginResponseSchema } from '../../../../src/shared/protocol';
import {
  deviceListSchema,
  deviceStatusResponseSchema,
  enrollDeviceResponseSchema,
  signingKeySchema,
} from '../../../../src/shared/staff-api';
import type { DeviceStatus, EnrollDeviceResponse, SigningKey } from '../../../../src/shared/staff-api';
import { uuidv7 } from '../../../../src/shared/ids';
import { toBase64Url } from '../../../../src/shared/crypto/bytes';
import { hashToken } from '../../../../src/server/services/auth-service';
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
  newSigningPublicKey,
  seedDemo,
  seedOtherMunicipality,
} from '../../helpers/test-app';

describeEachDatabase('devices and signing keys', ({ db }) => {
  let app: FastifyInstance;
  let coordinator: string;
  let fieldworker: string;

  const status = async (deviceId: string, deviceSecret: string): Promise<DeviceStatus> => {
    const response = await app.inject({ method: 'POST', url: '/api/devices/status', payload: { deviceId, deviceSecret } });
    expect(response.statusCode).toBe(200);
    return deviceStatusResponseSchema.parse(response.json()).status;
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
      const [row] = await db().query<{ secret_hash: string; escrow_key: string }>(
        'SELECT secret_hash, escrow_key FROM devices WHERE id = $1',
        [deviceId],
      );
      expect(row?.secret_hash).toBe(hashToken(body.deviceSecret));
      expect(JSON.stringify(row)).not.toContain(body.deviceSecret);
      expect(row?.escrow_key).toBe(body.deviceEscrowKey);

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

    it('binds a sign-in on an active tablet and hands out its escrow key', async () => {
      const session = await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password, device.device.deviceId);
      expect(session.deviceEscrowKey).toBe(device.deviceEscrowKey);
      const [row] = await db().query<{ device_id: string | null }>(
        'SELECT device_id::text AS device_id FROM sessions WHERE token_hash = $1',
        [hashToken(session.token)],
      );
      expect(row?.device_id).toBe(device.device.deviceId);
      // The refreshed session stays bound and carries the key again.
      const refreshed = await app.inject({
        method: 'POST',
        url: '/api/session/refresh',
        payload: { refreshToken: session.refreshToken },
      });
      const renewed = loginResponseSchema.parse(refreshed.json());
      expect(renewed.deviceEscrowKey).toBe(device.deviceEscrowKey);
      // A bound sign-in cannot be carried over to another tablet id.
      const moved = await app.inject({
        method: 'POST',
        url: '/api/session/refresh',
        payload: { refreshToken: renewed.refreshToken, deviceId: uuidv7() },
      });
      expect(moved.statusCode).toBe(401);
      // Not for a sign-in naming an unknown tablet, or another municipality's.
      const unknown = await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password, uuidv7());
      expect(unknown.deviceEscrowKey).toBeUndefined();
    });

    it('gives no escrow key for another municipality’s tablet', async () => {
      const other = await seedOtherMunicipality(db());
      await db().query(`UPDATE staff_accounts SET roles = '{coordinator}' WHERE username = $1`, [other.username]);
      const theirs = await enrollDevice(app, (await login(app, other.username, other.password)).token);
      const session = await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password, theirs.device.deviceId);
      expect(session.deviceEscrowKey).toBeUndefined();
      const [row] = await db().query<{ device_id: string | null }>('SELECT device_id FROM sessions WHERE token_hash = $1', [
        hashToken(session.token),
      ]);
      expect(row?.device_id).toBeNull();
    });

    it('revokes a tablet: its sessions, refresh tokens and signing keys end; sign-in there gets 403 deviceRevoked', async () => {
      const bound = await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password, device.device.deviceId);
      const key = await enrollKey(bound.token, device.device.deviceId, await newSigningPublicKey());
      expect(key.statusCode).toBe(201);
      const unbound = await login(app);

      expect((await revoke(coordinator, device.device.deviceId)).statusCode).toBe(204);
      expect(await status(device.device.deviceId, device.deviceSecret)).toBe('revoked');
      // Still 'unknown' with a wrong secret: revocation is told only to the tablet itself.
      expect(await status(device.device.deviceId, toBase64Url(new Uint8Array(32)))).toBe('unknown');

      expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(bound.token) })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: bearer(unbound.token) })).statusCode).toBe(200);
      const refreshed = await app.inject({
        method: 'POST',
        url: '/api/session/refresh',
        payload: { refreshToken: bound.refreshToken },
      });
      expect(refreshed.statusCode).toBe(401);
      const keyId = signingKeySchema.parse(key.json()).keyId;
      const [keyRow] = await db().query<{ revoked_at: unknown }>('SELECT revoked_at FROM signing_keys WHERE id = $1', [keyId]);
      expect(keyRow?.revoked_at).not.toBeNull();

      const signIn = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: DEMO_FIELDWORKER.username, password: DEMO_FIELDWORKER.password, deviceId: device.device.deviceId },
      });
      expect(signIn.statusCode).toBe(403);
      expect(errorEnvelopeSchema.parse(signIn.json()).error.reason).toBe('deviceRevoked');
      // A wrong password on a revoked tablet is still just 401 (nothing learned without the password).
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { username: DEMO_FIELDWORKER.username, password: 'wrong-password', deviceId: device.device.deviceId },
      });
      expect(wrong.statusCode).toBe(401);
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
    beforeAll(async () => {
      device = await enrollDevice(app, coordinator);
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
        const response = await enrollKey(fieldworker, device.device.deviceId, publicKey);
        expect(response.statusCode).toBe(400);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('invalidRequest');
      }
      expect(await db().query('SELECT id FROM signing_keys')).toHaveLength(before.length);
    });

    it('enrolls one active key per person and tablet; a new key revokes the previous', async () => {
      const firstKey = await newSigningPublicKey();
      const first = await enrollKey(fieldworker, device.device.deviceId, firstKey);
      expect(first.statusCode).toBe(201);
      const firstBody = signingKeySchema.parse(first.json());
      expect(firstBody).toMatchObject({ deviceId: device.device.deviceId, publicKey: firstKey, revokedAt: null });

      const second = await enrollKey(fieldworker, device.device.deviceId, await newSigningPublicKey());
      expect(second.statusCode).toBe(201);
      const secondBody = signingKeySchema.parse(second.json());

      // Everyone in the municipality reads the public keys (approvers verify with them).
      const approver = await login(app, DEMO_APPROVER.username, DEMO_APPROVER.password);
      const list = await app.inject({ method: 'GET', url: '/api/staff/keys', headers: bearer(approver.token) });
      expect(list.statusCode).toBe(200);
      const keys = new Map(
        list.json<{ keys: SigningKey[] }>().keys.map((k) => [k.keyId, signingKeySchema.parse(k)] as const),
      );
      expect(keys.get(firstBody.keyId)?.revokedAt).not.toBeNull();
      expect(keys.get(secondBody.keyId)?.revokedAt).toBeNull();
      const active = [...keys.values()].filter(
        (k) => k.accountId === firstBody.accountId && k.deviceId === device.device.deviceId && k.revokedAt === null,
      );
      expect(active).toHaveLength(1);
    });

    it('refuses unknown and revoked tablets', async () => {
      const unknown = await enrollKey(fieldworker, uuidv7(), await newSigningPublicKey());
      expect(unknown.statusCode).toBe(404);
      const revoked = await enrollDevice(app, coordinator);
      expect((await revoke(coordinator, revoked.device.deviceId)).statusCode).toBe(204);
      const response = await enrollKey(fieldworker, revoked.device.deviceId, await newSigningPublicKey());
      expect(response.statusCode).toBe(403);
      expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('deviceRevoked');
      expect((await app.inject({ method: 'GET', url: '/api/staff/keys' })).statusCode).toBe(401);
    });
  });
});
