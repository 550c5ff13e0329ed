// Push: idempotent by id + revision, one answer on retry, per-record rejection,
// hostile input answered with 4xx and nothing written, tenant from the session.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PUSH_BODY_BYTES,
  SYNC_PROTOCOL_VERSION,
  deviceConfigSchema,
  errorEnvelopeSchema,
  pushResponseSchema,
} from '../../../../src/shared/protocol';
import type { PushResponse, Role } from '../../../../src/shared/protocol';
import { createStaffAccount } from '../../../../src/server/services/auth-service';
import { uuidv7 } from '../../../../src/shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import {
  bearer,
  buildTestApp,
  countAllRecords,
  countRecords,
  homeContactContent,
  homeContactRecord,
  login,
  pushBody,
  seedDemo,
  seedOtherMunicipality,
} from '../../helpers/test-app';

describeEachDatabase('sync routes', ({ db }) => {
  let app: FastifyInstance;
  let token: string;
  let accountId: string;
  const deviceId = uuidv7();

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
    const session = await login(app);
    token = session.token;
    accountId = session.user.id;
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
      expect(config.homeSites.map((s) => s.label)).toEqual([
        'Kita Sonnenblume',
        'Familienzentrum Nord',
        'Grundschule am Park',
      ]);
      expect(config.security).toEqual({ autoLockMinutes: 5, maxUnlockAttempts: 10, retentionDaysAfterSync: 0 });
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
        const session = await login(app, username, password);
        const record = await homeContactRecord(deviceId);
        const response = await app.inject({
          method: 'POST',
          url: '/api/sync/push',
          headers: bearer(session.token),
          payload: pushBody(deviceId, [record]),
        });
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
                case_number, content_hash, content FROM records WHERE id = $1`,
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
          content: record.content,
        },
      ]);
      const audit = await db().query<{ action: string; actor_id: string }>(
        'SELECT action, actor_id FROM audit_log WHERE object_id = $1',
        [record.id],
      );
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
      expect(await countRecords(db(), records.map((r) => r.id))).toBe(2);
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
      expect(await countRecords(db(), records.map((r) => r.id))).toBe(2);
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
      const rows = await db().query<{ content_hash: string; content: unknown }>(
        'SELECT content_hash, content FROM records WHERE id = $1',
        [original.id],
      );
      expect(rows).toEqual([{ content_hash: original.contentHash, content: original.content }]);
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
      await expectNothingWritten(
        () => pushJson({ protocolVersion: SYNC_PROTOCOL_VERSION - 1, deviceId, batch: [] }),
        426,
        'clientTooOld',
      );
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
      await expectNothingWritten(() => push('{"protocolVersion": 1, "records": [', { 'content-type': 'application/json' }), 400, 'malformedJson');
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
      await expectNothingWritten(
        () => pushJson({ ...pushBody(deviceId, [record]), padding }),
        413,
        'payloadTooLarge',
      );
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
      await expectNothingWritten(
        () => push(json, { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'unsupportedMediaType',
      );
    });
  });

  describe('tenants', () => {
    it('files a record under the pushing user’s municipality and keeps ids from crossing tenants', async () => {
      const other = await seedOtherMunicipality(db());
      const otherSession = await login(app, other.username, other.password);
      const otherDevice = uuidv7();
      const record = await homeContactRecord(otherDevice);
      const accepted = await app.inject({
        method: 'POST',
        url: '/api/sync/push',
        headers: bearer(otherSession.token),
        payload: pushBody(otherDevice, [record]),
      });
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
      });
    });
  });
});
