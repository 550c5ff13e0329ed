// The app shell: security headers, no-store on /api, one error envelope,
// OpenAPI document, and the built PWA with SPA fallback and cache rules.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema, healthResponseSchema } from '@shared/protocol';
import { describeEachDatabase } from '../helpers/databases';
import { buildTestApp } from '../helpers/test-app';

describeEachDatabase('app', ({ kind, db }) => {
  let app: FastifyInstance;
  let staticDir: string;

  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'lotse-dist-'));
    await mkdir(join(staticDir, 'assets'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Lotse</title><div id="root"></div>');
    await writeFile(join(staticDir, 'sw.js'), 'self.addEventListener("install", () => {});');
    await writeFile(join(staticDir, 'manifest.webmanifest'), '{"name":"Lotse"}');
    await writeFile(join(staticDir, 'assets', 'index-abc123.js'), 'console.log(1);');
    app = buildTestApp(db(), { staticDir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('reports health with the database in use', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(healthResponseSchema.parse(response.json())).toEqual({ status: 'ok', protocolVersion: 1, database: kind });
  });

  it('sends the strict security headers', async () => {
    for (const url of ['/api/health', '/']) {
      const { headers } = await app.inject({ method: 'GET', url });
      const csp = String(headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('marks every /api response no-store, errors included', async () => {
    const responses = await Promise.all([
      app.inject({ method: 'GET', url: '/api/health' }),
      app.inject({ method: 'GET', url: '/api/sync/config' }),
      app.inject({ method: 'GET', url: '/api/no-such-route' }),
      app.inject({ method: 'GET', url: '/api/openapi.json' }),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 401, 404, 200]);
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers unknown /api routes with the JSON envelope, never the SPA', async () => {
    for (const [method, url] of [
      ['GET', '/api/no-such-route'],
      ['POST', '/api/health'],
      ['GET', '/api'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('notFound');
    }
  });

  it('serves an OpenAPI 3 document that lists every API route', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /api/health',
        'GET /api/health/live',
        'GET /api/health/ready',
        'GET /api/openapi.json',
        'POST /api/session',
        'GET /api/session',
        'DELETE /api/session',
        'GET /api/sync/config',
        'POST /api/sync/push',
        'GET /api/sync/withdrawals',
        'GET /api/sync/offers',
        'POST /api/session/refresh',
        'POST /api/session/password',
        'POST /api/session/second-factor',
        'POST /api/session/second-factor/enrolment',
        'POST /api/session/second-factor/enrolment/confirm',
        'GET /api/admin/second-factors',
        'PUT /api/admin/second-factors/policy',
        'POST /api/admin/staff/{id}/second-factor/reset',
        'POST /api/session/second-factor/passkey/options',
        'POST /api/session/second-factor/passkey',
        'POST /api/session/second-factor/passkey/enrolment/options',
        'POST /api/session/second-factor/passkey/enrolment',
        'GET /api/account/passkeys',
        'POST /api/account/passkeys/options',
        'POST /api/account/passkeys',
        'DELETE /api/account/passkeys/{id}',
        'POST /api/devices',
        'GET /api/devices',
        'POST /api/devices/{deviceId}/revoke',
        'GET /api/devices/{deviceId}/exposure',
        'POST /api/devices/status',
        'POST /api/staff/keys',
        'GET /api/staff/keys',
        'POST /api/reviews',
        'GET /api/reviews/queue',
        'GET /api/reviews/decisions',
        'GET /api/withdrawal-requests',
        'POST /api/withdrawal-requests/{withdrawalId}/confirm',
        'GET /api/admin/organisations',
        'POST /api/admin/organisations',
        'GET /api/admin/organisation-workflows',
        'PUT /api/admin/organisations/{organisationId}/workflows',
        'GET /api/admin/staff',
        'POST /api/admin/staff',
        'PATCH /api/admin/staff/{id}',
        'POST /api/admin/staff/{id}/unlock-sign-in',
        'POST /api/admin/staff/{id}/password-reset',
        'GET /api/admin/settings/safeguard-changes',
        'POST /api/admin/settings/safeguard-changes/{id}/confirm',
        'POST /api/admin/settings/safeguard-changes/{id}/reject',
        'GET /api/admin/settings',
        'GET /api/admin/audit/export',
        'GET /api/admin/audit/verification',
        'POST /api/questionnaires',
        'GET /api/questionnaires/xlsx',
        'POST /api/questionnaires/xlsx/preview',
        'POST /api/questionnaires/xlsx',
        'GET /api/sync/questionnaire',
        'GET /api/reports/{municipalityId}/indicators',
        'GET /api/reports/{municipalityId}/sachbericht',
        'GET /api/reports/{municipalityId}/funnel',
        'GET /api/exports/fhir/referrals',
        'GET /api/exports/fhir/questionnaires',
        'GET /api/exports/fhir/screenings',
        'GET /api/exports/screenings.csv',
        'PUT /api/admin/settings',
        'GET /api/office/offers',
        'POST /api/office/offers',
        'PUT /api/office/offers/{offerId}',
        'DELETE /api/office/offers/{offerId}',
        'GET /api/office/offers/export',
        'POST /api/office/offers/import/preview',
        'POST /api/office/offers/import',
        'GET /api/office/partner-organisations',
        'GET /api/office/referrals/follow-up',
        'POST /api/office/referrals/{referralId}/state',
        'GET /api/office/referral-settings',
        'PUT /api/office/referral-settings',
        'POST /api/partner/referrals/lookup',
        'POST /api/partner/referrals/{referralId}/state',
        'GET /api/sync/referrals',
        'GET /api/partner/handover-key',
        'PUT /api/partner/handover-key',
        'POST /api/partner/referrals/{referralId}/callback/open',
        'GET /api/office/offers/partner-keys',
        'POST /api/office/offers/{offerId}/partner-key',
        'POST /api/public/confirmation/lookup',
        'POST /api/public/confirmation',
        'GET /api/partner/offers',
        'PUT /api/partner/offers/{offerId}/capacity',
        'POST /api/public/capacity/lookup',
        'POST /api/public/capacity',
      ].sort(),
    );
    // The push body is documented from the shared zod schema.
    const push = document.paths['/api/sync/push']?.['post'] as { requestBody?: unknown } | undefined;
    expect(JSON.stringify(push?.requestBody)).toContain('protocolVersion');
  });

  it('serves the PWA shell and service worker uncached, hashed assets immutable', async () => {
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<div id="root">');
    expect(index.headers['cache-control']).toBe('no-cache');
    for (const url of ['/sw.js', '/manifest.webmanifest', '/index.html']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('falls back to index.html for client routes, but not for missing assets', async () => {
    const route = await app.inject({ method: 'GET', url: '/home-contact/new?x=1' });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<div id="root">');
    expect(route.headers['cache-control']).toBe('no-cache');
    const missing = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    expect(missing.statusCode).toBe(404);
  });
});
