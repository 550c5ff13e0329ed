// The tablet judges a referral overdue by the municipality's own follow-up weeks
// (issue 17): tablets that ask with REFERRAL_FOLLOW_UP_FEATURE receive the
// coordinator's setting in their configuration; older tablets (strict parsers)
// never get the new field; another municipality's setting never leaks.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIG_FEATURES_PARAM, EMERGENCY_PRESENTATION_FEATURE } from '@shared/emergency-instruction';
import { FAMILY_CONTACT_FEATURE, REFERRAL_FOLLOW_UP_FEATURE, deviceConfigSchema } from '@shared/protocol';
import { ORGANISATION_WORKFLOWS_FEATURE } from '@shared/organisation-workflows';
import { DEFAULT_NO_RESPONSE_WEEKS } from '@domain/referral-state';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_COORDINATOR, DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo, seedOtherMunicipality } from '../../helpers/test-app';

const OLDER_FEATURES = [EMERGENCY_PRESENTATION_FEATURE, FAMILY_CONTACT_FEATURE, ORGANISATION_WORKFLOWS_FEATURE];
const THIS_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${[...OLDER_FEATURES, REFERRAL_FOLLOW_UP_FEATURE].join(',')}`;
/** A tablet built before the follow-up weeks were sent: it parses strictly. */
const OLDER_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${OLDER_FEATURES.join(',')}`;
const olderTabletSchema = deviceConfigSchema.omit({ referralNoResponseWeeks: true });

describeEachDatabase("the municipality's referral follow-up weeks on the tablet", ({ db }) => {
  let app: FastifyInstance;
  let coordinatorToken: string;
  let fieldworkerToken: string;

  const tabletConfig = async (url = THIS_TABLET, token = fieldworkerToken): Promise<Record<string, unknown>> => {
    const response = await app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    return response.json<Record<string, unknown>>();
  };
  const setWeeks = async (noResponseWeeks: number, token = coordinatorToken) =>
    app.inject({ method: 'PUT', url: '/api/office/referral-settings', headers: bearer(token), payload: { noResponseWeeks } });

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    coordinatorToken = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    fieldworkerToken = (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends the default while the office has set nothing, then the coordinator’s weeks', async () => {
    expect(deviceConfigSchema.parse(await tabletConfig()).referralNoResponseWeeks).toBe(DEFAULT_NO_RESPONSE_WEEKS);
    expect((await setWeeks(3)).statusCode).toBe(200);
    expect(deviceConfigSchema.parse(await tabletConfig()).referralNoResponseWeeks).toBe(3);
    expect((await setWeeks(10)).statusCode).toBe(200);
    expect(deviceConfigSchema.parse(await tabletConfig()).referralNoResponseWeeks).toBe(10);
  });

  it('an older tablet gets the shape it can parse', async () => {
    const old = await tabletConfig(OLDER_TABLET);
    expect(old).not.toHaveProperty('referralNoResponseWeeks');
    expect(olderTabletSchema.safeParse(old).success).toBe(true);
    // Had the server sent the field to an older tablet, it would have refused the whole configuration.
    expect(olderTabletSchema.safeParse(await tabletConfig()).success).toBe(false);
  });

  it("never sends another municipality's weeks", async () => {
    expect((await setWeeks(4)).statusCode).toBe(200);
    const other = await seedOtherMunicipality(db());
    const otherFieldworker = (await login(app, other.username, other.password)).token;
    expect(deviceConfigSchema.parse(await tabletConfig(THIS_TABLET, otherFieldworker)).referralNoResponseWeeks).toBe(
      DEFAULT_NO_RESPONSE_WEEKS,
    );
  });
});
