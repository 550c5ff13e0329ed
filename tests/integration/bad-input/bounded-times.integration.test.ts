// Security review L1: instants and days that the schema used to accept but the
// database or the report cannot take (an offset of +23:59, the year 0000) are
// refused with 400 and a reason, never answered with a 500.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorEnvelopeSchema } from '@shared/protocol';
import { describeEachDatabase } from '../helpers/databases';
import { DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo, signInOnTablet } from '../helpers/test-app';

const TABLET_PULLS = ['/api/sync/withdrawals', '/api/reviews/decisions', '/api/sync/referrals'];

describeEachDatabase('bounded instants and days', ({ db }) => {
  let app: FastifyInstance;
  let tabletToken: string;
  let coordinatorToken: string;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    tabletToken = (await signInOnTablet(app, db())).token;
    coordinatorToken = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: bearer(token) });

  it('refuses offsets beyond ±14:00 and years outside 2000–2999 in the tablet pulls, and takes sane ones', async () => {
    for (const path of TABLET_PULLS) {
      for (const since of ['2026-01-01T00:00:00+23:59', '2026-01-01T00:00:00-15:00', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
        const response = await get(`${path}?since=${encodeURIComponent(since)}`, tabletToken);
        expect(response.statusCode, `${path} ${since}`).toBe(400);
        expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('invalidRequest');
      }
      for (const since of ['2026-01-01T00:00:00+14:00', '2026-01-01T00:00:00-12:00', '2026-11-20T08:15:00Z']) {
        expect((await get(`${path}?since=${encodeURIComponent(since)}`, tabletToken)).statusCode, `${path} ${since}`).toBe(200);
      }
    }
  });

  it('refuses a report period in the year 0000 with 400, and still answers a real one', async () => {
    for (const kind of ['indicators', 'sachbericht']) {
      const refused = await get(`/api/reports/demo-stadt/${kind}?from=0000-01-01&to=0000-12-31`, coordinatorToken);
      expect(refused.statusCode, kind).toBe(400);
      expect(errorEnvelopeSchema.parse(refused.json()).error.reason).toBe('invalidRequest');
      expect((await get(`/api/reports/demo-stadt/${kind}?from=2026-01-01&to=2026-06-30`, coordinatorToken)).statusCode, kind).toBe(200);
    }
  });
});
