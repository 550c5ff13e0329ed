// Push: idempotent by id + revision, one answer on retry, per-record rejection,
// hostile input answered with 4xx and nothing written, tenant from the session.
import { withoutFamilyTexts } from '@server/services/offer-service';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PUSH_BODY_BYTES,
  SYNC_PROTOCOL_VERSION,
  deviceConfigSchema,
  errorEnvelopeSchema,
  pushResponseSchema,
  withdrawalsResponseSchema,
} from '@shared/protocol';
import { offerCatalogResponseSchema } from '@shared/offers';
import type { Offer } from '@shared/offers';
import type { PushResponse, Role, SessionUser } from '@shared/protocol';
import { OFFERS_TABLET_ONLY_MESSAGE, PUSH_TABLET_ONLY_MESSAGE, WITHDRAWALS_TABLET_ONLY_MESSAGE } from '@server/http/sync-routes';
import { DEMO_DISTRICTS, DEMO_EMERGENCY_CONTACTS, DEMO_OFFERS } from '@server/db/demo-seed';
import { insertOffer } from '@server/services/offer-service';
import { createStaffAccount } from '@server/services/staff-accounts';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import {
  storedRecordContents,
  DEMO_ADMIN,
  DEMO_APPROVER,
  bearer,
  buildTestApp,
  countAllRecords,
  countRecords,
  homeContactContent,
  homeContactRecord,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  enrollTablet,
  login,
  pushAsTablet,
  pushBody,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
} from '../../helpers/test-app';
import type { TabletSession } from '../../helpers/test-app';
import { SyncService } from '@server/services/sync-service';
import { ServiceError } from '@server/services/service-error';

describeEachDatabase('sync routes', ({ db }) => {
  let app: FastifyInstance;
  let token: string;
  let accountId: string;
  let user: SessionUser;
  /** The tablet the fieldworker's session is signed in on; every push names it. */
  let deviceId: string;

  const push = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...bearer(token), ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const pushJson = (payload: unknown) => push(payload, { 'content-type': 'application/json' });

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    const session = await signInOnTablet(app, db());
    token = session.token;
    accountId = session.user.id;
    user = session.user;
    deviceId = session.deviceId;
  });
  afterAll(async () => {
    await app.close();
  });

  describe('config', () => {
    it('gives the device its municipality and home sites', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(token) });
      expect(response.statusCode).toBe(200);
      const config = deviceConfigSchema.parse(response.json());
      expect(config.protocolVersion).toBe(SYNC_PROTOCOL_VERSION);
      expect(config.municipality).toEqual({ id: 'demo-stadt', name: 'Demo-Stadt' });
      expect(config.homeSites.map((s) => s.label)).toEqual(['Kita Sonnenblume', 'Familienzentrum Nord', 'Grundschule am Park']);
      expect(config.security).toEqual({ autoLockMinutes: 5, maxUnlockAttempts: 10, retentionDaysAfterSync: 0 });
    });

    it('gives the districts and the emergency contacts, in their order', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(token) });
      const config = deviceConfigSchema.parse(response.json());
      expect(config.districts).toEqual([
        { id: 'nord', label: 'Nord' },
        { id: 'sued', label: 'Süd' },
        { id: 'mitte', label: 'Mitte' },
        { id: 'hafen', label: 'Hafen' },
      ]);
      expect(config.districts).toEqual(DEMO_DISTRICTS);
      expect(config.emergencyContacts).toEqual([
        { label: 'Polizei / Notruf', phone: '110' },
        { label: 'Rettungsdienst', phone: '112' },
        { label: 'ASD Demo-Stadt (Demo-Nummer)', phone: '0000 111111' },
        { label: 'Kinderschutz-Rufbereitschaft (Demo-Nummer)', phone: '0000 222222' },
      ]);
      expect(config.emergencyContacts).toEqual(DEMO_EMERGENCY_CONTACTS);
      // Every number but the nationwide 110/112 is a marked demo number.
      for (const contact of config.emergencyContacts.slice(2)) {
        expect(contact.label).toContain('Demo-Nummer');
        expect(contact.phone).toMatch(/^0000 /);
      }
    });

    it('takes the security settings from municipality_settings, defaults when the row is missing', async () => {
      const other = await seedOtherMunicipality(db());
      const otherSession = await login(app, other.username, other.password);
      await db().query(
        `UPDATE municipality_settings SET auto_lock_minutes = 3, max_unlock_attempts = 6, retention_days_after_sync = 2
          WHERE municipality_id = 'demo-stadt'`,
      );
      try {
        const own = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(token) });
        expect(deviceConfigSchema.parse(own.json()).security).toEqual({
          autoLockMinutes: 3,
          maxUnlockAttempts: 6,
          retentionDaysAfterSync: 2,
        });
        // The other municipality has no settings row: defaults, not the demo town's values.
        const theirs = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(otherSession.token) });
        expect(deviceConfigSchema.parse(theirs.json()).security).toEqual({
          autoLockMinutes: 5,
          maxUnlockAttempts: 10,
          retentionDaysAfterSync: 0,
        });
      } finally {
        await db().query(
          `UPDATE municipality_settings SET auto_lock_minutes = 5, max_unlock_attempts = 10, retention_days_after_sync = 0
            WHERE municipality_id = 'demo-stadt'`,
        );
      }
    });
  });

  describe('roles', () => {
    it('lets fieldworker, approver and coordinator push, but not partner- or admin-only accounts', async () => {
      const organisationId = 'home-projekt-demo';
      const suffix = uuidv7().slice(-8);
      const accounts = [
        { roles: ['partner'] as Role[], status: 403 },
        { roles: ['admin'] as Role[], status: 403 },
        { roles: ['approver'] as Role[], status: 200 },
        { roles: ['coordinator'] as Role[], status: 200 },
      ];
      for (const [index, account] of accounts.entries()) {
        const username = `push.${index}.${suffix}`;
        const password = `push-role-${suffix}-pw`;
        await createStaffAccount(db(), {
          municipalityId: 'demo-stadt',
          organisationId,
          username,
          displayName: 'Rollenprobe',
          password,
          roles: account.roles,
        });
        // On a tablet of their own: a 403 here is about the role (partner- and admin-only
        // accounts get no binding and no escrow key even there).
        const session = await signInOnTablet(app, db(), { username, password }, { unbound: account.status === 403 });
        const record = await homeContactRecord(session.deviceId);
        const response = await pushAsTablet(app, session, [record]);
        expect(response.statusCode, account.roles.join()).toBe(account.status);
        if (account.status === 403) {
          expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('forbidden');
          expect(await countRecords(db(), [record.id])).toBe(0);
        } else {
          expect(await countRecords(db(), [record.id])).toBe(1);
        }
      }
    });
  });

  describe('push', () => {
    it('stores a valid record once, with server time, author and tenant from the session', async () => {
      const record = await homeContactRecord(deviceId);
      const before = Date.now();
      const response = await pushJson(pushBody(deviceId, [record]));
      expect(response.statusCode).toBe(200);
      const body = pushResponseSchema.parse(response.json());
      expect(body.results).toEqual([
        { id: record.id, revision: 1, outcome: 'accepted', status: 200, receivedAt: expect.any(String) as string },
      ]);
      expect(Date.parse(body.results[0]?.receivedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);

      const rows = await db().query(
        `SELECT municipality_id, author_id, device_id::text AS device_id, kind, schema_version, form_version,
                case_number, content_hash FROM records WHERE id = $1`,
        [record.id],
      );
      expect(rows).toEqual([
        {
          municipality_id: 'demo-stadt',
          author_id: accountId,
          device_id: deviceId,
          kind: 'homeContact',
          schema_version: 1,
          form_version: '2026.1',
          case_number: null,
          content_hash: record.contentHash,
        },
      ]);
      expect(await storedRecordContents(db(), record.id)).toEqual([{ revision: 1, content: record.content }]);
      const audit = await db().query<{ action: string; actor_id: string }>('SELECT action, actor_id FROM audit_log WHERE object_id = $1', [
        record.id,
      ]);
      expect(audit).toEqual([{ action: 'record.received', actor_id: accountId }]);
    });

    it('answers a retried push identically, receivedAt included, and keeps one row', async () => {
      const records = [await homeContactRecord(deviceId), await homeContactRecord(deviceId)];
      const first = await pushJson(pushBody(deviceId, records));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await pushJson(pushBody(deviceId, records));
      expect(first.statusCode).toBe(200);
      expect(second.statusCode).toBe(200);
      const strip = (r: PushResponse) => r.results;
      expect(strip(second.json<PushResponse>())).toEqual(strip(first.json<PushResponse>()));
      expect(
        await countRecords(
          db(),
          records.map((r) => r.id),
        ),
      ).toBe(2);
      const audit = await db().query('SELECT 1 FROM audit_log WHERE object_id = $1', [records[0]?.id]);
      expect(audit).toHaveLength(1);
    });

    it('stores one row when the same push arrives twice at once', async () => {
      const records = [await homeContactRecord(deviceId), await homeContactRecord(deviceId)];
      const responses = await Promise.all([
        pushJson(pushBody(deviceId, records)),
        pushJson(pushBody(deviceId, records)),
        pushJson(pushBody(deviceId, records)),
      ]);
      for (const response of responses) expect(response.statusCode).toBe(200);
      const [a, b, c] = responses.map((r) => r.json<PushResponse>().results);
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(
        await countRecords(
          db(),
          records.map((r) => r.id),
        ),
      ).toBe(2);
    });

    it('stores a new revision of a known record as its own row', async () => {
      const first = await homeContactRecord(deviceId);
      const second = await homeContactRecord(deviceId, {
        id: first.id,
        revision: 2,
        content: homeContactContent({ topics: ['money'] }),
      });
      expect((await pushJson(pushBody(deviceId, [first]))).statusCode).toBe(200);
      expect((await pushJson(pushBody(deviceId, [second]))).statusCode).toBe(200);
      expect(await countRecords(db(), [first.id])).toBe(2);
    });

    it('answers 409 revisionConflict for the same id + revision with other content, row unchanged', async () => {
      const original = await homeContactRecord(deviceId);
      expect((await pushJson(pushBody(deviceId, [original]))).statusCode).toBe(200);
      const changed = await homeContactRecord(deviceId, {
        id: original.id,
        content: homeContactContent({ mediatorPresent: true }),
      });
      const response = await pushJson(pushBody(deviceId, [changed]));
      expect(response.statusCode).toBe(409);
      const body = pushResponseSchema.parse(response.json());
      expect(body.results).toEqual([
        expect.objectContaining({ id: original.id, revision: 1, outcome: 'rejected', status: 409, reason: 'revisionConflict' }),
      ]);
      expect(body.results[0]?.receivedAt).toBeUndefined();
      const rows = await db().query<{ content_hash: string }>('SELECT content_hash FROM records WHERE id = $1', [original.id]);
      expect(rows).toEqual([{ content_hash: original.contentHash }]);
      expect(await storedRecordContents(db(), original.id)).toEqual([{ revision: original.revision, content: original.content }]);
    });

    it('stores the valid records of a batch and rejects the invalid one with 422 and issues', async () => {
      const good = [await homeContactRecord(deviceId), await homeContactRecord(deviceId)];
      const bad = {
        ...(await homeContactRecord(deviceId)),
        content: { ...homeContactContent(), topics: [], familyName: 'Mustermann' },
      };
      const response = await pushJson(pushBody(deviceId, [good[0], bad, good[1]]));
      expect(response.statusCode).toBe(200);
      const body = pushResponseSchema.parse(response.json());
      expect(body.results.map((r) => [r.outcome, r.status])).toEqual([
        ['accepted', 200],
        ['rejected', 422],
        ['accepted', 200],
      ]);
      const rejected = body.results[1];
      expect(rejected).toMatchObject({ id: bad.id, revision: 1, reason: 'invalidRecord' });
      expect(rejected?.issues?.map((i) => i.path).sort()).toEqual(['content', 'content.topics']);
      // Never echo what was submitted: neither the unknown key nor its value.
      expect(response.body).not.toContain('Mustermann');
      expect(response.body).not.toContain('familyName');
      expect(await countRecords(db(), [...good.map((r) => r.id), bad.id])).toBe(2);
    });

    it('rejects a record whose content hash does not match its content', async () => {
      const record = { ...(await homeContactRecord(deviceId)), contentHash: 'a'.repeat(64) };
      const response = await pushJson(pushBody(deviceId, [record]));
      expect(response.statusCode).toBe(422);
      expect(pushResponseSchema.parse(response.json()).results[0]).toMatchObject({ status: 422, reason: 'hashMismatch' });
      expect(await countRecords(db(), [record.id])).toBe(0);
    });

    it('rejects a record from a device other than the pushing one', async () => {
      const record = await homeContactRecord(uuidv7());
      const response = await pushJson(pushBody(deviceId, [record]));
      expect(response.statusCode).toBe(422);
      expect(pushResponseSchema.parse(response.json()).results[0]).toMatchObject({
        reason: 'invalidRecord',
        issues: [{ path: 'deviceId', message: 'deviceIdMismatch' }],
      });
      expect(await countRecords(db(), [record.id])).toBe(0);
    });

    it('answers 422 when nothing is accepted and not everything is a conflict', async () => {
      const original = await homeContactRecord(deviceId);
      await pushJson(pushBody(deviceId, [original]));
      const conflict = await homeContactRecord(deviceId, { id: original.id, content: homeContactContent({ language: 'ar' }) });
      const response = await pushJson(pushBody(deviceId, [conflict, { kind: 'homeContact' }]));
      expect(response.statusCode).toBe(422);
      const body = pushResponseSchema.parse(response.json());
      expect(body.results.map((r) => r.status)).toEqual([409, 422]);
      expect(body.results[1]).toMatchObject({ id: null, revision: null });
    });
  });

  describe('hostile or broken requests', () => {
    const expectNothingWritten = async (call: () => Promise<{ statusCode: number; body: string }>, status: number, reason: string) => {
      const before = await countAllRecords(db());
      const response = await call();
      expect(response.statusCode).toBe(status);
      expect(errorEnvelopeSchema.parse(JSON.parse(response.body)).error.reason).toBe(reason);
      expect(await countAllRecords(db())).toBe(before);
    };

    it('401 without a session', async () => {
      const record = await homeContactRecord(deviceId);
      await expectNothingWritten(
        () =>
          app.inject({
            method: 'POST',
            url: '/api/sync/push',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(pushBody(deviceId, [record])),
          }),
        401,
        'unauthorized',
      );
    });

    it('426 clientTooOld for an older protocol version, even if the body shape changed since', async () => {
      await expectNothingWritten(() => pushJson({ protocolVersion: SYNC_PROTOCOL_VERSION - 1, deviceId, batch: [] }), 426, 'clientTooOld');
    });

    it('400 invalidRequest for a protocol version newer than the server', async () => {
      const record = await homeContactRecord(deviceId);
      await expectNothingWritten(
        () => pushJson({ ...pushBody(deviceId, [record]), protocolVersion: SYNC_PROTOCOL_VERSION + 1 }),
        400,
        'invalidRequest',
      );
    });

    it('400 malformedJson for broken JSON', async () => {
      await expectNothingWritten(
        () => push('{"protocolVersion": 1, "records": [', { 'content-type': 'application/json' }),
        400,
        'malformedJson',
      );
      await expectNothingWritten(() => push('', { 'content-type': 'application/json' }), 400, 'malformedJson');
    });

    it('400 malformedJson for prototype-poisoning keys', async () => {
      await expectNothingWritten(
        () => push('{"protocolVersion":1,"__proto__":{"admin":true},"records":[]}', { 'content-type': 'application/json' }),
        400,
        'malformedJson',
      );
    });

    it('400 invalidRequest with issues for an unknown top-level field, e.g. a municipality', async () => {
      const record = await homeContactRecord(deviceId);
      const before = await countAllRecords(db());
      const response = await pushJson({ ...pushBody(deviceId, [record]), municipalityId: 'other-town' });
      expect(response.statusCode).toBe(400);
      const { error } = errorEnvelopeSchema.parse(response.json());
      expect(error.reason).toBe('invalidRequest');
      expect(error.issues).toEqual([{ path: '', message: 'unrecognizedKeys' }]);
      expect(response.body).not.toContain('other-town');
      expect(await countAllRecords(db())).toBe(before);
    });

    it('400 invalidRequest for wrong types and an empty or oversized batch', async () => {
      const record = await homeContactRecord(deviceId);
      await expectNothingWritten(() => pushJson({ protocolVersion: '1', deviceId, records: [record] }), 400, 'invalidRequest');
      await expectNothingWritten(() => pushJson({ protocolVersion: 1, deviceId: 'tablet-7', records: [record] }), 400, 'invalidRequest');
      await expectNothingWritten(() => pushJson({ protocolVersion: 1, deviceId, records: record }), 400, 'invalidRequest');
      await expectNothingWritten(() => pushJson({ protocolVersion: 1, deviceId, records: [] }), 400, 'invalidRequest');
      await expectNothingWritten(() => pushJson([record]), 400, 'invalidRequest');
      await expectNothingWritten(
        () => pushJson({ protocolVersion: 1, deviceId, records: Array.from({ length: 501 }, () => ({})) }),
        400,
        'invalidRequest',
      );
    });

    it('rejects a record with wrong field types or unknown content fields as invalidRecord', async () => {
      const record = await homeContactRecord(deviceId);
      const wrongTypes = { ...record, id: uuidv7(), revision: '1', content: { ...record.content, mediatorPresent: 'no' } };
      const extraField = { ...record, id: uuidv7(), content: { ...record.content, street: 'Hauptstraße 1' } };
      const response = await pushJson(pushBody(deviceId, [wrongTypes, extraField]));
      expect(response.statusCode).toBe(422);
      const body = pushResponseSchema.parse(response.json());
      expect(body.results.map((r) => r.reason)).toEqual(['invalidRecord', 'invalidRecord']);
      expect(body.results[0]?.issues?.map((i) => i.path).sort()).toEqual(['content.mediatorPresent', 'revision']);
      expect(response.body).not.toContain('Hauptstra');
      expect(await countRecords(db(), [wrongTypes.id, extraField.id])).toBe(0);
    });

    it('413 payloadTooLarge above the push body limit', async () => {
      const record = await homeContactRecord(deviceId);
      const padding = 'x'.repeat(MAX_PUSH_BODY_BYTES);
      await expectNothingWritten(() => pushJson({ ...pushBody(deviceId, [record]), padding }), 413, 'payloadTooLarge');
    });

    it('survives 10,000 levels of nesting, top level and inside a record', async () => {
      const depth = 10_000;
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      await expectNothingWritten(() => push(nested, { 'content-type': 'application/json' }), 400, 'invalidRequest');
      const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const inRecord = `{"protocolVersion":1,"deviceId":"${deviceId}","records":[{"id":"${uuidv7()}","content":${deepObject}}]}`;
      const before = await countAllRecords(db());
      const response = await push(inRecord, { 'content-type': 'application/json' });
      expect(response.statusCode).toBe(422);
      expect(pushResponseSchema.parse(response.json()).results[0]?.reason).toBe('invalidRecord');
      expect(await countAllRecords(db())).toBe(before);
      const poisoned = `{"protocolVersion":1,"deviceId":"${deviceId}","records":[{"constructor":${deepObject}}]}`;
      const poisonedResponse = await push(poisoned, { 'content-type': 'application/json' });
      expect(poisonedResponse.statusCode).toBeGreaterThanOrEqual(400);
      expect(poisonedResponse.statusCode).toBeLessThan(500);
    });

    it('415 unsupportedMediaType for a body that is not JSON', async () => {
      const record = await homeContactRecord(deviceId);
      const json = JSON.stringify(pushBody(deviceId, [record]));
      await expectNothingWritten(() => push(json, { 'content-type': 'text/plain' }), 415, 'unsupportedMediaType');
      await expectNothingWritten(() => push(json, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupportedMediaType');
    });
  });

  describe('tablet binding (push and withdrawals only from an enrolled tablet signed in on it)', () => {
    const expectRefused = (response: { statusCode: number; body: string }, status: number, reason: string, message?: string) => {
      expect(response.statusCode).toBe(status);
      const { error } = errorEnvelopeSchema.parse(JSON.parse(response.body));
      expect(error.reason).toBe(reason);
      if (message !== undefined) expect(error.message).toBe(message);
    };
    const receivedAudits = async (): Promise<number> => {
      const [row] = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'record.received'`);
      return row?.n ?? 0;
    };

    it('refuses push from a session not signed in on a tablet with 403 forbidden; nothing written', async () => {
      const other = await seedOtherMunicipality(db());
      const theirTablet = await enrollTablet(db(), other.username);
      // Naming a tablet never enrolled, or another municipality's (even with its secret), is no sign-in at all.
      for (const payload of [
        { deviceId: uuidv7(), deviceSecret: theirTablet.deviceSecret },
        { deviceId: theirTablet.device.deviceId, deviceSecret: theirTablet.deviceSecret },
      ]) {
        const { username, password } = DEMO_FIELDWORKER;
        const refused = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password, ...payload } });
        expect(refused.statusCode).toBe(401);
      }
      // A sign-in that is not bound: no tablet (a plain browser).
      const sessions = [await login(app)];
      const before = await countAllRecords(db());
      const receivedBefore = await receivedAudits();
      for (const session of sessions) {
        expect(session.deviceEscrowKey).toBeUndefined();
        // Naming an enrolled tablet of the municipality (the fieldworker's own), a made-up one, or theirs.
        for (const named of [deviceId, uuidv7(), theirTablet.device.deviceId]) {
          const record = await homeContactRecord(named);
          expectRefused(
            await pushAsTablet(app, { token: session.token, deviceId: named }, [record]),
            403,
            'forbidden',
            PUSH_TABLET_ONLY_MESSAGE,
          );
          expect(await countRecords(db(), [record.id])).toBe(0);
        }
      }
      // Refused before the body is read: a broken body is 403 too, not 400.
      const broken = await app.inject({
        method: 'POST',
        url: '/api/sync/push',
        headers: { ...bearer(sessions[0]?.token ?? ''), 'content-type': 'application/json' },
        payload: '{"protocolVersion": 1, "records": [',
      });
      expectRefused(broken, 403, 'forbidden');
      expect(await countAllRecords(db())).toBe(before);
      expect(await receivedAudits()).toBe(receivedBefore);
    });

    it('refuses push naming another tablet than the one the session is signed in on with 403; nothing written', async () => {
      // Another enrolled, active tablet of the same municipality.
      const second = await enrollTablet(db());
      const secondId = second.device.deviceId;
      const before = await countAllRecords(db());
      // The body and its records name the other tablet.
      const asSecond = await homeContactRecord(secondId);
      expectRefused(await pushAsTablet(app, { token, deviceId }, [asSecond], secondId), 403, 'forbidden', PUSH_TABLET_ONLY_MESSAGE);
      // The body names the other tablet, the records this one.
      const asOwn = await homeContactRecord(deviceId);
      expectRefused(await pushAsTablet(app, { token, deviceId }, [asOwn], secondId), 403, 'forbidden', PUSH_TABLET_ONLY_MESSAGE);
      // Someone signed in on the second tablet cannot push in the name of the first.
      const coordinator = await signInOnTablet(app, db(), DEMO_COORDINATOR, { deviceId: uuidv7() });
      expectRefused(await pushAsTablet(app, coordinator, [asOwn], deviceId), 403, 'forbidden', PUSH_TABLET_ONLY_MESSAGE);
      expect(await countRecords(db(), [asSecond.id, asOwn.id])).toBe(0);
      expect(await countAllRecords(db())).toBe(before);
      // On its own tablet the same record is accepted.
      expect((await pushAsTablet(app, { token, deviceId }, [asOwn])).statusCode).toBe(200);
    });

    it('answers 401 once the tablet is revoked: authentication ends its sessions; nothing written', async () => {
      const tablet: TabletSession = await signInOnTablet(app, db());
      expect((await pushAsTablet(app, tablet, [await homeContactRecord(tablet.deviceId)])).statusCode).toBe(200);
      const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
      const revoked = await app.inject({
        method: 'POST',
        url: `/api/devices/${tablet.deviceId}/revoke`,
        headers: bearer(coordinator.token),
      });
      expect(revoked.statusCode).toBe(204);
      const record = await homeContactRecord(tablet.deviceId);
      const before = await countAllRecords(db());
      expectRefused(await pushAsTablet(app, tablet, [record]), 401, 'unauthorized');
      const pulled = await app.inject({ method: 'GET', url: '/api/sync/withdrawals', headers: bearer(tablet.token) });
      expectRefused(pulled, 401, 'unauthorized');
      expect(await countRecords(db(), [record.id])).toBe(0);
      expect(await countAllRecords(db())).toBe(before);
    });

    it('re-checks the tablet inside the push transaction: revoked after authentication, nothing is written', async () => {
      const device = await enrollTablet(db());
      const tabletId = device.device.deviceId;
      // As if the revocation committed between the session check and the write.
      await db().query('UPDATE devices SET revoked_at = now() WHERE id = $1', [tabletId]);
      const record = await homeContactRecord(tabletId);
      const sync = new SyncService(db());
      const refused = sync.push(user, { deviceId: tabletId, records: [record] });
      await expect(refused).rejects.toBeInstanceOf(ServiceError);
      await expect(refused).rejects.toMatchObject({ statusCode: 401, reason: 'unauthorized' });
      // An unknown tablet is refused alike.
      const unknownId = uuidv7();
      const unknownRecord = await homeContactRecord(unknownId);
      await expect(sync.push(user, { deviceId: unknownId, records: [unknownRecord] })).rejects.toMatchObject({ statusCode: 401 });
      expect(await countRecords(db(), [record.id, unknownRecord.id])).toBe(0);
    });

    it('lists withdrawals only on a tablet, but gives the config to any session of the municipality', async () => {
      const unbound = await login(app);
      const pulled = await app.inject({ method: 'GET', url: '/api/sync/withdrawals', headers: bearer(unbound.token) });
      expectRefused(pulled, 403, 'forbidden', WITHDRAWALS_TABLET_ONLY_MESSAGE);
      expect(pulled.body).not.toMatch(/caseNumber/);
      const onTablet = await app.inject({ method: 'GET', url: '/api/sync/withdrawals', headers: bearer(token) });
      expect(onTablet.statusCode).toBe(200);
      withdrawalsResponseSchema.parse(onTablet.json());

      const unboundConfig = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(unbound.token) });
      const boundConfig = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(token) });
      expect(unboundConfig.statusCode).toBe(200);
      expect(deviceConfigSchema.parse(unboundConfig.json()).municipality).toEqual(
        deviceConfigSchema.parse(boundConfig.json()).municipality,
      );
    });
  });

  describe('tenants', () => {
    it('files a record under the pushing user’s municipality and keeps ids from crossing tenants', async () => {
      const other = await seedOtherMunicipality(db());
      const otherSession = await signInOnTablet(app, db(), other);
      const record = await homeContactRecord(otherSession.deviceId);
      const accepted = await pushAsTablet(app, otherSession, [record]);
      expect(accepted.statusCode).toBe(200);
      const rows = await db().query<{ municipality_id: string }>('SELECT municipality_id FROM records WHERE id = $1', [record.id]);
      expect(rows).toEqual([{ municipality_id: other.municipalityId }]);

      // The same id from Demo-Stadt, identical content or a new revision: a conflict that reveals nothing.
      const sameFromDemo = await homeContactRecord(deviceId, { id: record.id, content: record.content });
      const nextFromDemo = await homeContactRecord(deviceId, { id: record.id, revision: 2 });
      const response = await pushJson(pushBody(deviceId, [sameFromDemo, nextFromDemo]));
      expect(response.statusCode).toBe(409);
      const results = pushResponseSchema.parse(response.json()).results;
      expect(results.map((r) => r.reason)).toEqual(['revisionConflict', 'revisionConflict']);
      expect(response.body).not.toContain(other.municipalityId);
      expect(await countRecords(db(), [record.id])).toBe(1);

      // The other municipality's config shows its own data only.
      const config = await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(otherSession.token) });
      expect(deviceConfigSchema.parse(config.json())).toMatchObject({
        municipality: { id: other.municipalityId },
        homeSites: [],
        districts: [],
        emergencyContacts: [],
      });
    });
  });

  describe('offer catalogue', () => {
    const pull = (sessionToken: string) => app.inject({ method: 'GET', url: '/api/sync/offers', headers: bearer(sessionToken) });
    const extraOffer = (id: string, overrides: Partial<Offer> = {}): Offer => ({
      id,
      name: `Testangebot ${id}`,
      organisation: 'Testträger (fiktiv)',
      type: 'elterncafe',
      agePhases: ['baby'],
      fields: ['social'],
      districts: ['nord'],
      languages: ['de', 'uk'],
      cost: 'kostenlos',
      address: 'Demo-Straße 99',
      phone: '0000 999999',
      hours: '',
      whatToBring: '',
      ...overrides,
    });

    it('gives a tablet the seeded catalogue by name, valid against the shared schema', async () => {
      const response = await pull(token);
      expect(response.statusCode).toBe(200);
      const catalog = offerCatalogResponseSchema.parse(response.json());
      expect(catalog.version).toMatch(/^[0-9a-f]{32}$/);
      expect(Date.parse(catalog.serverTime)).not.toBeNaN();
      expect(catalog.offers).toHaveLength(DEMO_OFFERS.length);
      const byName = [...DEMO_OFFERS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // Asked without the family-texts feature (an older tablet): no directions, no texts in other languages.
      expect(catalog.offers).toEqual(byName.map(withoutFamilyTexts));
      // Arrays survive the round trip through text[]: an offer for the whole municipality, one for two districts.
      expect(catalog.offers.find((o) => o.id === 'asd-demo')?.districts).toEqual([]);
      expect(catalog.offers.find((o) => o.id === 'kinderarztpraxis-hafen')?.districts).toEqual(['hafen', 'mitte']);
    });

    it('keeps its version while nothing changes and changes it on an added, changed or removed offer', async () => {
      const versionNow = async (): Promise<string> => offerCatalogResponseSchema.parse((await pull(token)).json()).version;
      const first = await versionNow();
      expect(await versionNow()).toBe(first);
      try {
        await insertOffer(db(), 'demo-stadt', extraOffer('versioned'));
        const added = await versionNow();
        expect(added).not.toBe(first);
        await insertOffer(db(), 'demo-stadt', extraOffer('versioned', { hours: 'Fr 10–12 Uhr' }));
        const changed = await versionNow();
        expect(changed).not.toBe(added);
        expect(changed).not.toBe(first);
      } finally {
        await db().query(`DELETE FROM offers WHERE municipality_id = 'demo-stadt' AND id = 'versioned'`);
      }
      expect(await versionNow()).toBe(first);
    });

    it('leaves out a stored offer the shared schema no longer accepts, instead of failing the pull', async () => {
      await insertOffer(db(), 'demo-stadt', extraOffer('outdated'));
      try {
        await db().query(`UPDATE offers SET type = 'noLongerKnown' WHERE municipality_id = 'demo-stadt' AND id = 'outdated'`);
        const response = await pull(token);
        expect(response.statusCode).toBe(200);
        const catalog = offerCatalogResponseSchema.parse(response.json());
        expect(catalog.offers.map((o) => o.id)).not.toContain('outdated');
        expect(catalog.offers).toHaveLength(DEMO_OFFERS.length);
      } finally {
        await db().query(`DELETE FROM offers WHERE municipality_id = 'demo-stadt' AND id = 'outdated'`);
      }
    });

    it('shows each municipality only its own offers', async () => {
      const other = await seedOtherMunicipality(db());
      await insertOffer(db(), other.municipalityId, extraOffer('theirs-only', { name: 'Nur in der anderen Stadt' }));
      const otherSession = await signInOnTablet(app, db(), other);
      const theirs = offerCatalogResponseSchema.parse((await pull(otherSession.token)).json());
      expect(theirs.offers.map((o) => o.id)).toEqual(['theirs-only']);
      const own = await pull(token);
      expect(offerCatalogResponseSchema.parse(own.json()).offers.map((o) => o.id)).not.toContain('theirs-only');
      expect(own.body).not.toContain('Nur in der anderen Stadt');
      // An empty catalogue is a valid answer too.
      const third = await seedOtherMunicipality(db());
      const thirdSession = await signInOnTablet(app, db(), third);
      expect(offerCatalogResponseSchema.parse((await pull(thirdSession.token)).json()).offers).toEqual([]);
    });

    it('is for tablet roles signed in on a tablet only: 401 without a session, 403 in a browser or for office roles', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/sync/offers' })).statusCode).toBe(401);
      const refused = (response: { statusCode: number; body: string }, message?: string) => {
        expect(response.statusCode).toBe(403);
        const { error } = errorEnvelopeSchema.parse(JSON.parse(response.body));
        expect(error.reason).toBe('forbidden');
        if (message !== undefined) expect(error.message).toBe(message);
        expect(response.body).not.toContain('offers');
      };
      // The fieldworker without a tablet (a plain browser).
      refused(await pull((await login(app)).token), OFFERS_TABLET_ONLY_MESSAGE);
      // An admin-only account, in a browser and signed in on a tablet (an unbound session).
      refused(await pull((await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token));
      refused(await pull((await signInOnTablet(app, db(), DEMO_ADMIN, { unbound: true })).token));
      // Approver and coordinator on a tablet get it.
      for (const account of [DEMO_APPROVER, DEMO_COORDINATOR]) {
        const session = await signInOnTablet(app, db(), account);
        expect((await pull(session.token)).statusCode).toBe(200);
      }
    });
  });
});
