// The contact line on the family's case card (walkthrough finding 23): the admin
// sets where families can ask questions; tablets that ask for it receive it with
// their configuration; an older tablet (strict parser) never gets the new field;
// too long is 400 and changes nothing; empty removes it; only admins change it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIG_FEATURES_PARAM, EMERGENCY_PRESENTATION_FEATURE } from '@shared/emergency-instruction';
import { FAMILY_CONTACT_FEATURE, FAMILY_CONTACT_MAX_LENGTH, deviceConfigSchema } from '@shared/protocol';
import { municipalitySettingsSchema, type MunicipalitySettings } from '@shared/staff-api';
import { DEMO_FAMILY_CONTACT } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, DEMO_COORDINATOR, DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo } from '../../helpers/test-app';

const THIS_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${EMERGENCY_PRESENTATION_FEATURE},${FAMILY_CONTACT_FEATURE}`;
/** A tablet built before the contact line: it asks only for the presentation and parses strictly. */
const OLDER_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${EMERGENCY_PRESENTATION_FEATURE}`;
const olderTabletSchema = deviceConfigSchema.omit({ familyContact: true });
const OFFICE = 'Jugendamt Demo-Stadt, Frühe Hilfen, Markt 2, Tel. 01234 567-200 (Di und Do 14–16 Uhr)';

describeEachDatabase('family contact line on the case card', ({ db }) => {
  let app: FastifyInstance;
  let adminToken: string;
  let fieldworkerToken: string;

  const read = async (): Promise<MunicipalitySettings> => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(adminToken) });
    expect(response.statusCode).toBe(200);
    return municipalitySettingsSchema.parse(response.json());
  };
  const put = (body: unknown, token = adminToken) =>
    app.inject({ method: 'PUT', url: '/api/admin/settings', headers: bearer(token), payload: body as object });
  const config = async (url: string): Promise<Record<string, unknown>> => {
    const response = await app.inject({ method: 'GET', url, headers: bearer(fieldworkerToken) });
    expect(response.statusCode).toBe(200);
    return response.json<Record<string, unknown>>();
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    adminToken = (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token;
    fieldworkerToken = (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('the demo municipality has a contact a family can make; the tablet receives it', async () => {
    expect((await read()).familyContact).toBe(DEMO_FAMILY_CONTACT);
    expect(deviceConfigSchema.parse(await config(THIS_TABLET)).familyContact).toBe(DEMO_FAMILY_CONTACT);
  });

  it('an older tablet gets the shape it can parse', async () => {
    const old = await config(OLDER_TABLET);
    expect(old).not.toHaveProperty('familyContact');
    expect(olderTabletSchema.safeParse(old).success).toBe(true);
    // Had the server sent the field to an older tablet, it would have refused the whole configuration.
    expect(olderTabletSchema.safeParse(await config(THIS_TABLET)).success).toBe(false);
  });

  it('the admin changes and removes it; a PUT without it leaves it as it is', async () => {
    expect((await put({ ...(await read()), familyContact: `  ${OFFICE}  ` })).statusCode).toBe(200);
    expect((await read()).familyContact).toBe(OFFICE);
    expect(deviceConfigSchema.parse(await config(THIS_TABLET)).familyContact).toBe(OFFICE);

    const { familyContact: _kept, ...without } = await read();
    expect((await put({ ...without, autoLockMinutes: 4 })).statusCode).toBe(200);
    expect((await read()).familyContact).toBe(OFFICE);

    expect((await put({ ...(await read()), familyContact: '' })).statusCode).toBe(200);
    expect((await read()).familyContact).toBeUndefined();
    expect(await config(THIS_TABLET)).not.toHaveProperty('familyContact');
    expect((await put({ ...(await read()), familyContact: OFFICE })).statusCode).toBe(200);
  });

  it('refuses a line that is too long, and a non-admin, and changes nothing', async () => {
    const before = await read();
    const tooLong = await put({ ...before, familyContact: 'x'.repeat(FAMILY_CONTACT_MAX_LENGTH + 1) });
    expect(tooLong.statusCode).toBe(400);
    expect(JSON.stringify(tooLong.json())).toContain('familyContact');
    const coordinatorToken = (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
    expect((await put({ ...before, familyContact: 'Anderswo' }, coordinatorToken)).statusCode).toBe(403);
    expect(await read()).toEqual(before);
  });
});
