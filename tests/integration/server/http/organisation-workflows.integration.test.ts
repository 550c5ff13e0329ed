// Which workflows an organisation's staff are offered on the tablet (issue 17): the
// default is every workflow in an order fitting the organisation's kind; the admin
// chooses per organisation (validated by the shared schema, audited, own
// municipality only); tablets that ask receive every organisation's list with their
// configuration, older tablets (strict parsers) never get the new field; bad input
// is 400 and changes nothing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIG_FEATURES_PARAM, EMERGENCY_PRESENTATION_FEATURE } from '@shared/emergency-instruction';
import { FAMILY_CONTACT_FEATURE, deviceConfigSchema } from '@shared/protocol';
import {
  ORGANISATION_WORKFLOWS_FEATURE,
  TABLET_WORKFLOWS,
  organisationWorkflowsListSchema,
  organisationWorkflowsSchema,
  type OrganisationWorkflows,
} from '@shared/organisation-workflows';
import { DEMO_ORGANISATION_ID, DEMO_PARTNER_ORGANISATION } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  login,
  seedDemo,
  seedOtherMunicipality,
} from '../../helpers/test-app';

const THIS_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${[EMERGENCY_PRESENTATION_FEATURE, FAMILY_CONTACT_FEATURE, ORGANISATION_WORKFLOWS_FEATURE].join(',')}`;
/** A tablet built before the per-organisation workflows: it parses strictly. */
const OLDER_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${EMERGENCY_PRESENTATION_FEATURE},${FAMILY_CONTACT_FEATURE}`;
const olderTabletSchema = deviceConfigSchema.omit({ organisationWorkflows: true });

describeEachDatabase('workflows per organisation', ({ db }) => {
  let app: FastifyInstance;
  let adminToken: string;
  let fieldworkerToken: string;

  const list = async (): Promise<OrganisationWorkflows[]> => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/organisation-workflows', headers: bearer(adminToken) });
    expect(response.statusCode).toBe(200);
    return organisationWorkflowsListSchema.parse(response.json()).organisations;
  };
  const of = async (organisationId: string): Promise<OrganisationWorkflows | undefined> =>
    (await list()).find((entry) => entry.organisationId === organisationId);
  const put = (organisationId: string, body: unknown, token = adminToken) =>
    app.inject({
      method: 'PUT',
      url: `/api/admin/organisations/${organisationId}/workflows`,
      headers: bearer(token),
      payload: body as object,
    });
  const tabletConfig = async (url = THIS_TABLET): Promise<Record<string, unknown>> => {
    const response = await app.inject({ method: 'GET', url, headers: bearer(fieldworkerToken) });
    expect(response.statusCode).toBe(200);
    return response.json<Record<string, unknown>>();
  };
  const audited = async (organisationId: string): Promise<number> => {
    const [row] = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'organisation.workflowsChanged' AND object_id = $1",
      [organisationId],
    );
    return row?.n ?? 0;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
    adminToken = (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token;
    fieldworkerToken = (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('by default an organisation keeps every workflow, those of its kind first', async () => {
    const home = await of(DEMO_ORGANISATION_ID);
    expect(home?.chosen).toBe(false);
    expect(home?.workflows[0]).toBe('homeContact');
    expect([...(home?.workflows ?? [])].sort()).toEqual([...TABLET_WORKFLOWS].sort());
    const config = deviceConfigSchema.parse(await tabletConfig());
    expect(config.organisationWorkflows?.find((entry) => entry.organisationId === DEMO_ORGANISATION_ID)?.workflows).toEqual(
      home?.workflows,
    );
    // Every organisation of the municipality: colleagues of several may share one tablet.
    expect(config.organisationWorkflows?.map((entry) => entry.organisationId)).toContain(DEMO_PARTNER_ORGANISATION.id);
  });

  it('the admin chooses them in order; the tablet receives the choice; null goes back to the default; audited', async () => {
    const before = await audited(DEMO_ORGANISATION_ID);
    const chosen = await put(DEMO_ORGANISATION_ID, { workflows: ['homeContact', 'consent', 'mediation'] });
    expect(chosen.statusCode).toBe(200);
    expect(organisationWorkflowsSchema.parse(chosen.json())).toEqual({
      organisationId: DEMO_ORGANISATION_ID,
      workflows: ['homeContact', 'consent', 'mediation'],
      chosen: true,
    });
    expect((await of(DEMO_ORGANISATION_ID))?.workflows).toEqual(['homeContact', 'consent', 'mediation']);
    const config = deviceConfigSchema.parse(await tabletConfig());
    expect(config.organisationWorkflows?.find((entry) => entry.organisationId === DEMO_ORGANISATION_ID)?.workflows).toEqual([
      'homeContact',
      'consent',
      'mediation',
    ]);
    expect(await audited(DEMO_ORGANISATION_ID)).toBe(before + 1);

    expect((await put(DEMO_ORGANISATION_ID, { workflows: null })).statusCode).toBe(200);
    expect((await of(DEMO_ORGANISATION_ID))?.chosen).toBe(false);
    expect((await of(DEMO_ORGANISATION_ID))?.workflows).toHaveLength(TABLET_WORKFLOWS.length);
    expect(await audited(DEMO_ORGANISATION_ID)).toBe(before + 2);
  });

  it("never changes or shows another municipality's organisation", async () => {
    const other = await seedOtherMunicipality(db());
    // The other town's organisation has the other town's id (helpers/test-app.ts).
    expect((await put(other.municipalityId, { workflows: ['mediation'] })).statusCode).toBe(404);
    const [row] = await db().query<{ workflows: string[] | null }>('SELECT workflows FROM organisations WHERE id = $1', [
      other.municipalityId,
    ]);
    expect(row?.workflows).toBeNull();
    expect((await list()).map((entry) => entry.organisationId)).not.toContain(other.municipalityId);
    const config = deviceConfigSchema.parse(await tabletConfig());
    expect(config.organisationWorkflows?.map((entry) => entry.organisationId)).not.toContain(other.municipalityId);
  });

  it('an older tablet gets the shape it can parse', async () => {
    const old = await tabletConfig(OLDER_TABLET);
    expect(old).not.toHaveProperty('organisationWorkflows');
    expect(olderTabletSchema.safeParse(old).success).toBe(true);
    // Had the server sent the field to an older tablet, it would have refused the whole configuration.
    expect(olderTabletSchema.safeParse(await tabletConfig()).success).toBe(false);
  });

  it('refuses an empty list, an unknown or repeated workflow, a non-admin and a foreign organisation; nothing changes', async () => {
    expect((await put(DEMO_ORGANISATION_ID, { workflows: ['screening'] })).statusCode).toBe(200);
    const before = await list();
    const auditsBefore = await audited(DEMO_ORGANISATION_ID);
    for (const body of [
      { workflows: [] },
      { workflows: ['screening', 'referral'] },
      { workflows: ['screening', 'screening'] },
      { workflows: 'screening' },
      { workflows: ['screening'], extra: true },
      {},
    ]) {
      const response = await put(DEMO_ORGANISATION_ID, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.json())).not.toContain('referral'); // no echo of submitted values
    }
    const coordinatorToken = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    expect((await put(DEMO_ORGANISATION_ID, { workflows: ['mediation'] }, coordinatorToken)).statusCode).toBe(403);
    expect((await put(DEMO_ORGANISATION_ID, { workflows: ['mediation'] }, fieldworkerToken)).statusCode).toBe(403);
    expect((await put('no-such-organisation', { workflows: ['mediation'] })).statusCode).toBe(404);
    expect(await list()).toEqual(before);
    expect(await audited(DEMO_ORGANISATION_ID)).toBe(auditsBefore);
    expect((await put(DEMO_ORGANISATION_ID, { workflows: null })).statusCode).toBe(200);
  });
});
