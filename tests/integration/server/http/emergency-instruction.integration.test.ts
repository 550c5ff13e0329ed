// The acute-danger instruction per municipality (issue 17 item 7): the admin sets
// title, numbers in order and a discreet start; tablets receive it with their
// configuration; bad input is 400 with a reason and changes nothing; another
// municipality is unaffected; only admins change it. Tablets built before the
// presentation existed parse the configuration strictly, so they must not
// receive the new field unless they ask for it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceConfigSchema, type DeviceConfig } from '@shared/protocol';
import { municipalitySettingsSchema, type MunicipalitySettings } from '@shared/staff-api';
import { CONFIG_FEATURES_PARAM, EMERGENCY_PRESENTATION_FEATURE } from '@shared/emergency-instruction';
import { createStaffAccount } from '@server/services/staff-accounts';
import { DEMO_EMERGENCY_CONTACTS } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, DEMO_COORDINATOR, DEMO_FIELDWORKER, bearer, buildTestApp, login, seedDemo } from '../../helpers/test-app';

const NEW_TABLET = `/api/sync/config?${CONFIG_FEATURES_PARAM}=${EMERGENCY_PRESENTATION_FEATURE}`;
/** What a tablet built before this change parses with: the same strict schema without the field. */
const olderTabletSchema = deviceConfigSchema.omit({ emergencyPresentation: true });

const configured = {
  title: 'ASD-Rufbereitschaft anrufen',
  intro: 'Nach dem Anruf die Leitung informieren und den Fall dokumentieren.',
  discreet: true,
  discreetTitle: 'Hinweis für Sie',
  contacts: [
    { label: 'ASD-Rufbereitschaft', phone: '+49 2841 201-0' },
    { label: 'Polizei', phone: '110' },
  ],
};

describeEachDatabase('emergency instruction per municipality', ({ db }) => {
  let app: FastifyInstance;
  let adminToken: string;
  let fieldworkerToken: string;
  let other: { adminToken: string; fieldworkerToken: string };

  const read = async (token = adminToken): Promise<MunicipalitySettings> => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    return municipalitySettingsSchema.parse(response.json());
  };
  const put = (body: unknown, token = adminToken) =>
    app.inject({ method: 'PUT', url: '/api/admin/settings', headers: bearer(token), payload: body as object });
  const config = async (token: string, url = NEW_TABLET): Promise<Record<string, unknown>> => {
    const response = await app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    return response.json<Record<string, unknown>>();
  };
  const newTabletConfig = async (token = fieldworkerToken): Promise<DeviceConfig> => deviceConfigSchema.parse(await config(token));

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    adminToken = (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token;
    fieldworkerToken = (await login(app, DEMO_FIELDWORKER.username, DEMO_FIELDWORKER.password)).token;
    // A second municipality with its own admin, fieldworker and number.
    await db().query(`INSERT INTO municipalities (id, name) VALUES ('zweitstadt', 'Zweitstadt')`);
    await db().query(
      `INSERT INTO organisations (id, municipality_id, name, kind) VALUES ('zw-home', 'zweitstadt', 'HOME Zweitstadt', 'home-project')`,
    );
    await db().query(
      `INSERT INTO emergency_contacts (municipality_id, label, phone) VALUES ('zweitstadt', 'Jugendamt Zweitstadt', '0000 999')`,
    );
    for (const [username, roles] of [
      ['zw.admin', ['admin']],
      ['zw.field', ['fieldworker']],
    ] as const) {
      await createStaffAccount(db(), {
        municipalityId: 'zweitstadt',
        organisationId: 'zw-home',
        username,
        displayName: username,
        password: 'zweitstadt-password-2026',
        roles: [...roles],
      });
    }
    other = {
      adminToken: (await login(app, 'zw.admin', 'zweitstadt-password-2026')).token,
      fieldworkerToken: (await login(app, 'zw.field', 'zweitstadt-password-2026')).token,
    };
  });
  afterAll(async () => {
    await app.close();
  });

  it('by default keeps today’s instruction: built-in texts, loud at once, the stored numbers in their order', async () => {
    expect((await read()).emergencyInstruction).toEqual({
      title: null,
      intro: null,
      discreet: false,
      discreetTitle: null,
      contacts: DEMO_EMERGENCY_CONTACTS.map((contact) => ({ ...contact })),
    });
    const tablet = await newTabletConfig();
    expect(tablet.emergencyPresentation).toEqual({ title: null, intro: null, discreet: false, discreetTitle: null });
    expect(tablet.emergencyContacts.map((contact) => contact.phone)).toEqual(DEMO_EMERGENCY_CONTACTS.map((contact) => contact.phone));
  });

  it('an older tablet (no feature asked) gets the old shape it can parse; a newer one gets the presentation', async () => {
    expect((await put({ ...(await read()), emergencyInstruction: configured })).statusCode).toBe(200);
    const old = await config(fieldworkerToken, '/api/sync/config');
    expect(old).not.toHaveProperty('emergencyPresentation');
    const parsedByOld = olderTabletSchema.parse(old);
    // The order the admin set reaches older tablets too: the first number is the first button.
    expect(parsedByOld.emergencyContacts).toEqual(configured.contacts);
    // An unknown feature name changes nothing.
    expect(olderTabletSchema.safeParse(await config(fieldworkerToken, '/api/sync/config?features=somethingElse')).success).toBe(true);
    // Had the server sent the field to an older tablet, it would have refused the whole configuration.
    expect(olderTabletSchema.safeParse(await config(fieldworkerToken)).success).toBe(false);
  });

  it('the admin sets title, order and discreet start; tablets receive them with the configuration', async () => {
    expect((await put({ ...(await read()), emergencyInstruction: configured })).statusCode).toBe(200);
    expect((await read()).emergencyInstruction).toEqual(configured);
    const tablet = await newTabletConfig();
    expect(tablet.emergencyPresentation).toEqual({
      title: configured.title,
      intro: configured.intro,
      discreet: true,
      discreetTitle: configured.discreetTitle,
    });
    expect(tablet.emergencyContacts).toEqual(configured.contacts);
    // A PUT without it leaves it as it is.
    const { emergencyInstruction: _kept, ...withoutInstruction } = await read();
    expect((await put({ ...withoutInstruction, autoLockMinutes: 3 })).statusCode).toBe(200);
    expect((await read()).emergencyInstruction).toEqual(configured);
    // Empty texts return to the built-in wording.
    const plain = { ...configured, title: null, intro: null, discreetTitle: null, discreet: false };
    expect((await put({ ...(await read()), emergencyInstruction: plain })).statusCode).toBe(200);
    expect((await newTabletConfig()).emergencyPresentation).toEqual({ title: null, intro: null, discreet: false, discreetTitle: null });
    expect((await put({ ...(await read()), emergencyInstruction: configured })).statusCode).toBe(200);
  });

  it('refuses bad settings with 400 and a reason, and changes nothing', async () => {
    const before = await read();
    const tabletBefore = await config(fieldworkerToken);
    const bad: [unknown, string][] = [
      [{ ...configured, contacts: [] }, 'emergencyInstruction.contacts'],
      [{ ...configured, contacts: [{ label: 'ASD', phone: '0211/123' }] }, 'emergencyInstruction.contacts.0.phone'],
      [{ ...configured, contacts: [{ label: 'ASD', phone: 'javascript:alert(1)' }] }, 'emergencyInstruction.contacts.0.phone'],
      [{ ...configured, contacts: [{ label: '', phone: '110' }] }, 'emergencyInstruction.contacts.0.label'],
      [{ ...configured, title: 'x'.repeat(121) }, 'emergencyInstruction.title'],
      [{ ...configured, intro: 'x'.repeat(501) }, 'emergencyInstruction.intro'],
      [{ ...configured, discreet: 'yes' }, 'emergencyInstruction.discreet'],
      [{ ...configured, colour: 'red' }, 'emergencyInstruction'],
      [{ ...configured, contacts: [configured.contacts[1], configured.contacts[1]] }, 'emergencyInstruction.contacts'],
    ];
    for (const [emergencyInstruction, path] of bad) {
      const response = await put({ ...before, autoLockMinutes: 9, emergencyInstruction });
      expect(response.statusCode).toBe(400);
      const error = response.json<{ error: { reason: string; issues?: { path: string; message: string }[] } }>().error;
      expect(error.reason).toBe('invalidRequest');
      expect(error.issues?.map((issue) => issue.path)).toContain(path);
    }
    expect(await read()).toEqual(before);
    expect(await config(fieldworkerToken)).toEqual({ ...tabletBefore, serverTime: expect.any(String) as unknown });
  });

  it('leaves another municipality unaffected, and its admin cannot change this one', async () => {
    const mine = await newTabletConfig();
    const theirs = await newTabletConfig(other.fieldworkerToken);
    expect(theirs.emergencyContacts).toEqual([{ label: 'Jugendamt Zweitstadt', phone: '0000 999' }]);
    expect(theirs.emergencyPresentation).toEqual({ title: null, intro: null, discreet: false, discreetTitle: null });
    const theirSettings = await read(other.adminToken);
    const changed = { ...configured, title: 'Zweitstadt: Jugendamt anrufen', contacts: [{ label: 'Jugendamt', phone: '0000 888' }] };
    expect((await put({ ...theirSettings, emergencyInstruction: changed }, other.adminToken)).statusCode).toBe(200);
    expect((await newTabletConfig(other.fieldworkerToken)).emergencyContacts).toEqual(changed.contacts);
    expect({ ...(await newTabletConfig()), serverTime: mine.serverTime }).toEqual(mine);
  });

  describe('roles', () => {
    it('coordinator and fieldworker may not read or change it, and nothing changes', async () => {
      const before = await read();
      const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
      for (const token of [coordinator.token, fieldworkerToken]) {
        expect((await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(token) })).statusCode).toBe(403);
        const response = await put({ ...before, emergencyInstruction: { ...configured, title: 'Übernommen' } }, token);
        expect(response.statusCode).toBe(403);
      }
      expect(await read()).toEqual(before);
    });
  });
});
