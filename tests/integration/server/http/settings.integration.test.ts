// The municipality's settings (admin): tablet lock, retention and which records
// need the second check. Bad input changes nothing; tablets see the change in
// their next configuration pull; only admins may read or change them.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deviceConfigSchema } from '@shared/protocol';
import { municipalitySettingsSchema } from '@shared/staff-api';
import { DEMO_EMERGENCY_CONTACTS, DEMO_FAMILY_CONTACT } from '@server/db/demo-seed';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_ADMIN,
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
} from '../../helpers/test-app';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';

describeEachDatabase('municipality settings', ({ db }) => {
  let app: FastifyInstance;
  let adminToken: string;

  const read = async () => {
    const response = await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(adminToken) });
    expect(response.statusCode).toBe(200);
    return municipalitySettingsSchema.parse(response.json());
  };
  const put = (body: unknown, token = adminToken) =>
    app.inject({ method: 'PUT', url: '/api/admin/settings', headers: bearer(token), payload: body as object });

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    adminToken = (await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  it('starts from the defaults and stores a change that tablets then receive', async () => {
    expect(await read()).toEqual({
      autoLockMinutes: 5,
      maxUnlockAttempts: 10,
      retentionDaysAfterSync: 0,
      fourEyesKinds: ['screening'],
      fourEyesForReferrals: true,
      officeLockMinutes: 15,
      officeSessionHours: 12,
      tabletSessionDays: 14,
      welcomeItems: [],
      // Today's emergency instruction: built-in texts, loud at once, the demo numbers.
      emergencyInstruction: {
        title: null,
        intro: null,
        discreet: false,
        discreetTitle: null,
        contacts: DEMO_EMERGENCY_CONTACTS.map((contact) => ({ ...contact })),
      },
      // Where families can ask questions, on their case card.
      familyContact: DEMO_FAMILY_CONTACT,
    });
    // Only raised safeguards: they apply at once (weakening waits for a second admin, safeguard-changes test).
    const changed = {
      autoLockMinutes: 3,
      maxUnlockAttempts: 6,
      retentionDaysAfterSync: 0,
      fourEyesKinds: ['screening', 'welcomeVisit'],
      fourEyesForReferrals: true,
    };
    const response = await put(changed);
    expect(response.statusCode).toBe(200);
    expect(await read()).toMatchObject({ ...changed, welcomeItems: [] });
    const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    const config = deviceConfigSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(coordinator.token) })).json(),
    );
    expect(config.security).toEqual({ autoLockMinutes: 3, maxUnlockAttempts: 6, retentionDaysAfterSync: 0 });
    expect(config.fourEyes).toMatchObject({ kinds: ['screening', 'welcomeVisit'], forReferrals: true });
    const [audit] = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'settings.updated'`);
    expect(audit?.n).toBe(1);
  });

  it('refuses out-of-range values, anonymous kinds and unknown fields, and changes nothing', async () => {
    const before = await read();
    const valid = { ...before };
    for (const bad of [
      { ...valid, autoLockMinutes: 0 },
      { ...valid, maxUnlockAttempts: 2 },
      { ...valid, retentionDaysAfterSync: 31 },
      { ...valid, fourEyesKinds: ['consentRefusal'] },
      { ...valid, fourEyesKinds: ['screening', 'screening'] },
      { ...valid, extra: true },
      { autoLockMinutes: 5 },
    ]) {
      const response = await put(bad);
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { reason: string } }>().error.reason).toBe('invalidRequest');
    }
    expect(await read()).toEqual(before);
  });

  it('configures what welcome visitors hand over: tablets get the list, and push accepts only its items', async () => {
    const before = await read();
    const items = [
      { id: 'babyBook', label: 'Babybuch der Stadt' },
      { id: 'sleepingBag', label: 'Schlafsack' },
    ];
    expect((await put({ ...before, welcomeItems: items })).statusCode).toBe(200);
    expect((await read()).welcomeItems).toEqual(items);
    // A PUT without the list leaves it as it is.
    const { welcomeItems: _kept, ...withoutItems } = before;
    expect((await put(withoutItems)).statusCode).toBe(200);
    expect((await read()).welcomeItems).toEqual(items);

    const tablet = await signInOnTablet(app, db());
    const config = deviceConfigSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/sync/config', headers: bearer(tablet.token) })).json(),
    );
    expect(config.welcomeItems).toEqual(items);
    const caseNumber = newCaseNumber();
    const consent = await consentRecord(tablet.deviceId, caseNumber, { content: await consentContent('de', { setting: 'welcomeVisit' }) });
    const visit = async (itemsHandedOver: string[]) => {
      const content = {
        outcome: 'visited' as const,
        visitDate: '2026-11-20',
        weekOfLife: 3,
        firstChild: true,
        topics: [],
        itemsHandedOver,
        offersRecommended: [],
        followUpWished: false,
      };
      return {
        ...(await consentRecord(tablet.deviceId, caseNumber)),
        id: uuidv7(),
        kind: 'welcomeVisit' as const,
        contentHash: await contentHash(content),
        content,
      };
    };
    const response = await pushAsTablet(app, tablet, [consent, await visit(['babyBook']), await visit(['welcomeBag'])]);
    const results = response.json<{ results: { outcome: string; issues?: { path: string; message: string }[] }[] }>().results;
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(results[2]?.issues).toEqual([{ path: 'content.itemsHandedOver', message: 'unknownItem' }]);
  });

  it('refuses malformed welcome items and changes nothing', async () => {
    const before = await read();
    for (const welcomeItems of [
      [{ id: 'Bad Id', label: 'x' }],
      [{ id: 'a', label: '' }],
      [
        { id: 'a', label: 'x' },
        { id: 'a', label: 'y' },
      ],
    ]) {
      expect((await put({ ...before, welcomeItems })).statusCode).toBe(400);
    }
    expect(await read()).toEqual(before);
  });

  it('is for admins only', async () => {
    const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    expect((await app.inject({ method: 'GET', url: '/api/admin/settings', headers: bearer(coordinator.token) })).statusCode).toBe(403);
    expect(
      (
        await put(
          { autoLockMinutes: 5, maxUnlockAttempts: 10, retentionDaysAfterSync: 0, fourEyesKinds: [], fourEyesForReferrals: false },
          coordinator.token,
        )
      ).statusCode,
    ).toBe(403);
  });
});
