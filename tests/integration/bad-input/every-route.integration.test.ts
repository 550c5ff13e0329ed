// Bad input against EVERY route of the OpenAPI document (issue 9): the routes
// are read from /api/openapi.json, so a route added later is covered without
// touching this file. Each is called by nobody, a fieldworker signed in on a
// tablet, a coordinator and an admin, with malformed JSON, a body that is not
// JSON, wrong types in every property, an unknown field, a 10 MB body, 10,000
// levels of nesting; and, as every caller the route admits, SQL / script
// injection strings in every string field, path and query parameter. Always a 4xx with a reason (or, for an injection
// string a route may legitimately store, a 2xx that stored it as-is) — never a
// 5xx, never a write for a refused request, never the submitted string echoed
// in an error; the server stays up. Other municipalities' ids are the tenant
// sweep's job (tests/integration/server/tenant-isolation.integration.test.ts).
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '@server/db/database';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../helpers/databases';
import {
  storedRecordContents,
  DEMO_ADMIN,
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  homeContactContent,
  homeContactRecord,
  login,
  newSigningPublicKey,
  pushBody,
  seedDemo,
  signInOnTablet,
} from '../helpers/test-app';

const LIMITS = { max: 1_000_000, timeWindowMs: 60_000 };

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE records; --",
  '"); DELETE FROM staff_accounts; --',
  '<img src=x onerror="alert(1)">',
  '<script>alert(document.cookie)</script>',
  '{{constructor.constructor("return process")()}}',
  '\u0000\u202e\ud83d\ude00',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: Json[];
  minimum?: number;
  minItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body: Schema | undefined;
  pathParams: string[];
  queryParams: string[];
}

/** A value of the schema's shape, for routes without a hand-written sample (added later). */
function sampleOf(schema: Schema | undefined): Json {
  if (!schema) return null;
  const first = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  if (first) return sampleOf(first);
  if (schema.enum && schema.enum.length > 0) return schema.enum[0] ?? null;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sampleOf(v)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sampleOf(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return 'sample-value';
    default:
      return null;
  }
}

/** The same value of a wrong type. */
function wrongTypeOf(value: Json): Json[] {
  if (typeof value === 'string') return [12345, true, ['x'], { value: 'x' }];
  if (typeof value === 'number') return ['1', -1e308, { n: 1 }];
  if (typeof value === 'boolean') return ['true', 1];
  if (Array.isArray(value)) return ['[]', { 0: value[0] ?? null }];
  if (value !== null && typeof value === 'object') return ['{}', [value]];
  return ['null'];
}

/** Every path to a string leaf in `value`. */
function stringPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...prefix, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}

function setAt(value: Json, path: (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, replacement) : v));
  if (value !== null && typeof value === 'object' && typeof head === 'string')
    return { ...value, [head]: setAt(value[head] ?? null, rest, replacement) };
  return value;
}

function nested(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

/** Every table of the suite's schema, each row as text, hashed: any write changes it. One query. */
async function fingerprint(db: Database): Promise<Record<string, string>> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const sql = tables
    .map(
      ({ table_name: table }) =>
        // The audit entry of a refused request (401/403, one hook for every route; a refused withdrawal
        // confirmation) is the trace a refusal must leave, not a change it made: compared without those.
        `SELECT '${table}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${table}" x` +
        (table === 'audit_log' ? " WHERE x.action NOT LIKE 'security.denied.%' AND x.action <> 'case.withdrawalConfirmRefused'" : ''),
    )
    .join(' UNION ALL ');
  const rows = await db.query<{ t: string; n: number; h: string }>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, `${String(r.n)}:${r.h}`]));
}

/**
 * A refused sign-in, refresh or second-factor code and a partner look-up that finds nothing must leave a
 * trace (their counts and audit rows): compared without those, they write nothing.
 */
function withoutSignInTrace(op: Operation, tables: Record<string, string>): Record<string, string> {
  const traced =
    op.method === 'POST' &&
    [
      '/api/session',
      '/api/session/refresh',
      '/api/session/password',
      '/api/session/second-factor',
      '/api/session/second-factor/enrolment',
      '/api/session/second-factor/enrolment/confirm',
      '/api/session/second-factor/passkey/options',
      '/api/session/second-factor/passkey',
      '/api/session/second-factor/passkey/enrolment/options',
      '/api/session/second-factor/passkey/enrolment',
      '/api/account/passkeys/options',
      '/api/account/passkeys',
      '/api/partner/referrals/lookup',
    ].includes(op.path);
  if (!traced) return tables;
  const { sign_in_limits: _limits, partner_lookup_limits: _lookups, audit_log: _audit, ...rest } = tables;
  return rest;
}

/** WebAuthn answers in the browser's JSON shape, over a challenge the server never handed out. */
const CLIENT_DATA = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'AAAA', origin: 'https://lotse.example.de' })).toString(
  'base64url',
);
const PASSKEY_ASSERTION = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  rawId: 'AAAAAAAAAAAAAAAAAAAAAA',
  type: 'public-key',
  response: { clientDataJSON: CLIENT_DATA, authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
};
const PASSKEY_REGISTRATION = {
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  rawId: 'AAAAAAAAAAAAAAAAAAAAAA',
  type: 'public-key',
  response: { clientDataJSON: CLIENT_DATA, attestationObject: 'AAAA' },
  clientExtensionResults: {},
};

/** Each sweep sends thousands of requests (every route × caller × body); on a busy 2-core runner that outgrows 60 s. */
const SWEEP_TIMEOUT_MS = 240_000;

describeEachDatabase('bad input on every route', ({ db }) => {
  let app: FastifyInstance;
  let operations: Operation[];
  const callers: { name: string; headers: Record<string, string>; deviceId: string | null }[] = [];
  let ownDeviceId = '';

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), {
      loginRateLimit: LIMITS,
      refreshRateLimit: LIMITS,
      deviceStatusRateLimit: LIMITS,
      publicOrigin: 'https://lotse.example.de',
    });
    await app.ready();
    const tablet = await signInOnTablet(app, db());
    ownDeviceId = tablet.deviceId;
    // One stored record, so an injection that emptied or dropped the table would show.
    const pushed = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: bearer(tablet.token),
      payload: pushBody(ownDeviceId, [await homeContactRecord(ownDeviceId)]),
    });
    if (pushed.statusCode !== 200) throw new Error(`seed push failed: ${pushed.body}`);
    const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    const admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
    callers.push(
      { name: 'nobody', headers: {}, deviceId: null },
      { name: 'fieldworker on tablet', headers: bearer(tablet.token), deviceId: tablet.deviceId },
      { name: 'coordinator', headers: bearer(coordinator.token), deviceId: null },
      { name: 'admin', headers: bearer(admin.token), deviceId: null },
    );
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string }[] }>
      >;
    }>();
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase() as Operation['method'],
        path,
        body: op.requestBody?.content?.['application/json']?.schema,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  /** A body the route accepts (or would, but for the caller's rights): every string field real. */
  async function validBody(op: Operation): Promise<Json> {
    const key = `${op.method} ${op.path}`;
    const unique = uuidv7().slice(-8);
    switch (key) {
      case 'POST /api/session':
        return { username: 'home.partner', password: 'not-the-password' };
      case 'POST /api/session/refresh':
        return { refreshToken: 'not-a-token' };
      case 'POST /api/session/password':
        // A wrong current password: refused (403) but counted against the account's sign-in limits.
        return { currentPassword: 'not-the-password', newPassword: 'lang-genug-und-neu-2027' };
      case 'POST /api/session/second-factor':
      case 'POST /api/session/second-factor/enrolment/confirm':
        return { pendingToken: 'not-a-token', code: '123456' };
      case 'POST /api/session/second-factor/enrolment':
        return { pendingToken: 'not-a-token' };
      case 'POST /api/session/second-factor/passkey/options':
      case 'POST /api/session/second-factor/passkey/enrolment/options':
        return { pendingToken: 'not-a-token' };
      case 'POST /api/session/second-factor/passkey':
        return { pendingToken: 'not-a-token', credential: PASSKEY_ASSERTION };
      case 'POST /api/session/second-factor/passkey/enrolment':
        return { pendingToken: 'not-a-token', label: 'Laptop', credential: PASSKEY_REGISTRATION };
      case 'POST /api/account/passkeys/options':
        // A wrong password: refused (403) and counted like a failed sign-in.
        return { password: 'not-the-password' };
      case 'POST /api/account/passkeys':
        // Answers no challenge of ours: refused (401) and audited.
        return { label: 'Laptop', credential: PASSKEY_REGISTRATION };
      case 'PUT /api/admin/second-factors/policy':
        return { requiredRoles: ['admin', 'partner'] };
      case 'POST /api/sync/push': {
        const record = await homeContactRecord(ownDeviceId, { content: homeContactContent({ note: 'Notiz' }) });
        return pushBody(ownDeviceId, [record]) as Json;
      }
      case 'POST /api/devices':
        return { deviceId: uuidv7(), label: 'Tablet Flur' };
      case 'POST /api/devices/status':
        return { deviceId: ownDeviceId, deviceSecret: 'A'.repeat(43) };
      case 'POST /api/staff/keys':
        return { deviceId: ownDeviceId, publicKey: await newSigningPublicKey() };
      case 'POST /api/admin/organisations':
        return { id: `org-${unique}`, name: 'Familienzentrum Nord', kind: 'partner' };
      case 'POST /api/admin/staff':
        return {
          username: `staff.${unique}`,
          displayName: 'Neue Fachkraft',
          organisationId: 'home-projekt-demo',
          roles: ['fieldworker'],
          password: `lang-genug-${unique}-passwort`,
        };
      case 'PATCH /api/admin/staff/{id}':
        return { displayName: 'Umbenannt' };
      default:
        return sampleOf(op.body);
    }
  }

  function url(op: Operation, replace: (name: string) => string = () => uuidv7()): string {
    return op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(replace(name)));
  }

  async function send(request: InjectOptions): Promise<{ status: number; body: string }> {
    const response = await app.inject(request);
    return { status: response.statusCode, body: response.body };
  }

  function expectRefusal(label: string, response: { status: number; body: string }, submitted?: string): void {
    expect(response.status, `${label}: ${response.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(response.status, `${label}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
    const parsed = JSON.parse(response.body) as {
      error?: { reason?: string; message?: string };
      results?: { outcome: string; reason?: string; message?: string }[];
    };
    const context = `${label}: ${response.body.slice(0, 300)}`;
    if (parsed.results) {
      // A push answers per record (the protocol names each record's id back): every one refused, with its reason.
      expect(parsed.results.length, context).toBeGreaterThan(0);
      for (const result of parsed.results) {
        expect(result.outcome, context).not.toBe('accepted');
        expect(result.reason ?? '', context).toMatch(/^[a-zA-Z]+$/);
        expect(result.message, context).toBeTruthy();
      }
      return;
    }
    expect(parsed.error?.reason ?? '', context).toMatch(/^[a-zA-Z]+$/);
    expect(parsed.error?.message, context).toBeTruthy();
    if (submitted !== undefined && submitted.length > 3) expect(response.body.includes(submitted), `${label} echoes the input`).toBe(false);
  }

  it(
    'refuses malformed, mistyped, unknown, huge and deeply nested bodies on every route with a 4xx and changes nothing',
    async () => {
      expect(operations.length).toBeGreaterThan(15);
      const huge = JSON.stringify({ padding: 'x'.repeat(10 * 1024 * 1024) });
      let requests = 0;
      for (const op of operations) {
        // Signing out with a body that parses would end the callers' sessions: only nobody tries that.
        const signOut = op.method === 'DELETE' && op.path === '/api/session';
        for (const caller of signOut ? callers.slice(0, 1) : callers) {
          const label = `${caller.name} ${op.method} ${op.path}`;
          const before = await fingerprint(db());
          const base = op.body ? await validBody(op) : undefined;
          const bodies: { what: string; payload: string; contentType?: string }[] = [
            { what: 'malformed JSON', payload: '{"username": "a", ' },
            { what: 'truncated JSON', payload: '{"a": [1, 2' },
            { what: 'not JSON', payload: 'username=a&password=b', contentType: 'text/plain' },
            { what: 'JSON null', payload: 'null' },
            { what: 'JSON array', payload: '[1,2,3]' },
            { what: 'prototype poisoning', payload: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' },
            { what: '10 MB body', payload: huge },
            { what: '10,000 levels of nesting', payload: nested(10_000) },
          ];
          if (op.body && base !== null && typeof base === 'object' && !Array.isArray(base)) {
            bodies.push({ what: 'unknown field', payload: JSON.stringify({ ...base, municipalityId: 'other-town', isAdmin: true }) });
            for (const [prop, value] of Object.entries(base)) {
              for (const wrong of wrongTypeOf(value))
                bodies.push({ what: `wrong type for ${prop}`, payload: JSON.stringify({ ...base, [prop]: wrong }) });
              bodies.push({
                what: `deep nesting in ${prop}`,
                payload: JSON.stringify({ ...base, [prop]: 0 }).replace(/:0([,}])/, `:${nested(5_000)}$1`),
              });
            }
          }
          // A GET carries no body; every other route gets them all, whether it takes a body or not.
          for (const body of op.method === 'GET' ? [] : bodies) {
            const response = await send({
              method: op.method,
              url: url(op),
              headers: { ...caller.headers, 'content-type': body.contentType ?? 'application/json' },
              payload: body.payload,
            });
            requests++;
            if (op.body) expectRefusal(`${label} ${body.what}`, response);
            else {
              // Nothing to parse for the route: it may answer as usual (e.g. 404 for an unknown id), never with a 5xx.
              expect(response.status, `${label} ${body.what}`).toBeLessThan(500);
              if (response.status >= 400) expectRefusal(`${label} ${body.what}`, response);
            }
          }
          expect(await fingerprint(db()), label).toEqual(before);
        }
      }
      expect(requests).toBeGreaterThan(500);
      const health = await send({ method: 'GET', url: '/api/health' });
      expect(health.status).toBe(200);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'takes SQL and script injection strings in every string field, path and query parameter without a 5xx; refused ones write nothing',
    async () => {
      let accepted = 0;
      let refused = 0;
      const tablesBefore = Object.keys(await fingerprint(db()));
      for (const op of operations) {
        if (op.path === '/api/session' && op.method === 'DELETE') continue; // would sign the callers out
        // The callers the route lets through to its validation and handler (not 401/403 for a valid request);
        // the malformed-body test above already covers every caller, refused ones included.
        const admitted: typeof callers = [];
        for (const caller of callers) {
          const probe = await send({
            method: op.method,
            url: url(op),
            headers: caller.headers,
            ...(op.body ? { payload: (await validBody(op)) as object } : {}),
          });
          if (probe.status !== 401 && probe.status !== 403) admitted.push(caller);
        }
        for (const caller of admitted.length > 0 ? admitted : callers.slice(0, 1)) {
          const label = `${caller.name} ${op.method} ${op.path}`;
          const variants: { where: string; injected: string; request: () => Promise<InjectOptions> }[] = [];
          for (const injected of INJECTIONS) {
            for (const name of op.pathParams) {
              variants.push({
                where: `path ${name}`,
                injected,
                request: async () => ({
                  method: op.method,
                  url: url(op, (n) => (n === name ? injected : uuidv7())),
                  headers: caller.headers,
                  ...(op.body ? { payload: (await validBody(op)) as object } : {}),
                }),
              });
            }
            for (const name of op.queryParams) {
              variants.push({
                where: `query ${name}`,
                injected,
                request: () =>
                  Promise.resolve({
                    method: op.method,
                    url: `${url(op)}?${name}=${encodeURIComponent(injected)}`,
                    headers: caller.headers,
                  }),
              });
            }
            if (op.body) {
              const base = await validBody(op);
              for (const path of stringPaths(base)) {
                variants.push({
                  where: `body ${path.join('.')}`,
                  injected,
                  request: async () => ({
                    method: op.method,
                    url: url(op),
                    headers: caller.headers,
                    payload: setAt(await validBody(op), path, injected) as object,
                  }),
                });
              }
            }
          }
          let before = await fingerprint(db());
          for (const variant of variants) {
            const response = await send(await variant.request());
            const what = `${label} ${variant.where} = ${JSON.stringify(variant.injected)}`;
            expect(response.status, `${what}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
            if (response.status >= 400) {
              refused++;
              expectRefusal(what, response, variant.injected);
              expect(withoutSignInTrace(op, await fingerprint(db())), what).toEqual(withoutSignInTrace(op, before));
            } else {
              accepted++;
              before = await fingerprint(db());
            }
          }
        }
      }
      expect(refused).toBeGreaterThan(50);
      // Nothing was dropped or emptied by an injection; the server still answers.
      const after = await fingerprint(db());
      expect(Object.keys(after)).toEqual(tablesBefore);
      for (const table of ['records', 'staff_accounts', 'municipalities', 'organisations', 'devices']) {
        expect(Number(after[table]?.split(':')[0]), table).toBeGreaterThan(0);
      }
      expect((await send({ method: 'GET', url: '/api/health' })).status).toBe(200);
      expect(accepted + refused).toBeGreaterThan(200);
      expect(accepted).toBeGreaterThan(0);
    },
    SWEEP_TIMEOUT_MS,
  );

  it('stores free text with markup as-is and serves it only as JSON', async () => {
    const admin = callers.find((c) => c.name === 'admin');
    if (!admin) throw new Error('no admin');
    const markup = '<img src=x onerror="window.pwned=1">Familienzentrum & "Nord"';
    const id = `org-${uuidv7().slice(-8)}`;
    const created = await send({
      method: 'POST',
      url: '/api/admin/organisations',
      headers: admin.headers,
      payload: { id, name: markup, kind: 'partner' },
    });
    expect(created.status).toBe(201);
    const [row] = await db().query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [id]);
    expect(row?.name).toBe(markup);
    const listed = await app.inject({ method: 'GET', url: '/api/admin/organisations', headers: admin.headers });
    expect(listed.headers['content-type']).toMatch(/^application\/json/);
    expect(listed.headers['x-content-type-options']).toBe('nosniff');
    expect(listed.json<{ organisations: { id: string; name: string }[] }>().organisations.find((o) => o.id === id)?.name).toBe(markup);

    // A record's free-text note likewise: stored byte for byte.
    const tablet = callers.find((c) => c.deviceId !== null);
    if (!tablet?.deviceId) throw new Error('no tablet');
    const record = await homeContactRecord(tablet.deviceId, { content: homeContactContent({ note: markup }) });
    const pushed = await send({
      method: 'POST',
      url: '/api/sync/push',
      headers: tablet.headers,
      payload: pushBody(tablet.deviceId, [record]),
    });
    expect(pushed.status).toBe(200);
    const [stored] = await storedRecordContents(db(), record.id);
    expect(stored?.content['note']).toBe(markup);
  });
});
