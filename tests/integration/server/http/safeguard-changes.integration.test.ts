// Admins cannot switch off safeguards alone (M9): a settings change that weakens one (later lock,
// more unlock attempts, longer retention on tablets, fewer second checks) waits for a second
// admin — another person — while raising a safeguard applies at once. Every step is audited.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { deviceConfigSchema, errorEnvelopeSchema } from '@shared/protocol';
import type { LoginResponse } from '@shared/protocol';
import { municipalitySettingsSchema, staffAccountSchema, type MunicipalitySettings } from '@shared/staff-api';
import { pendingSafeguardChangeSchema, type SafeguardChange } from '@shared/safeguard-api';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo, testClock } from '../../helpers/test-app';

describeEachDatabase('safeguard changes need a second admin', ({ db }) => {
  let app: FastifyInstance;
  let first: LoginResponse;
  let second: LoginResponse;
  let secondId: string;
  const secondUsername = `admin.${uuidv7().slice(-10)}`;
  const secondPassword = 'zweite-verwaltung-kennwort-2026';
  const clock = testClock();

  const call = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) });
  const settings = async (): Promise<MunicipalitySettings> =>
    municipalitySettingsSchema.parse((await call(first.token, 'GET', '/api/admin/settings')).json());
  const pending = async (token = second.token): Promise<SafeguardChange | null> =>
    pendingSafeguardChangeSchema.parse((await call(token, 'GET', '/api/admin/settings/safeguard-changes')).json()).pending;
  const audited = async (action: string): Promise<number> => {
    const [row] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [action]);
    return row?.n ?? 0;
  };
  const tabletSecurity = async () => {
    const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    return deviceConfigSchema.parse((await call(coordinator.token, 'GET', '/api/sync/config')).json());
  };
  const baseline = {
    autoLockMinutes: 5,
    maxUnlockAttempts: 10,
    retentionDaysAfterSync: 0,
    fourEyesKinds: ['screening'],
    fourEyesForReferrals: true,
  } as const;

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), { clock: clock.now });
    await app.ready();
    first = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
    const created = await call(first.token, 'POST', '/api/admin/staff', {
      username: secondUsername,
      displayName: 'Zweite Verwaltung',
      organisationId: 'home-projekt-demo',
      roles: ['admin'],
      password: secondPassword,
    });
    expect(created.statusCode).toBe(201);
    secondId = staffAccountSchema.parse(created.json()).id;
    second = await login(app, secondUsername, secondPassword);
  });
  beforeEach(async () => {
    // Back to the defaults: the safeguards raised at once, anything waiting rejected.
    await db().query(
      `UPDATE municipality_settings SET auto_lock_minutes = 5, max_unlock_attempts = 10, retention_days_after_sync = 0,
              four_eyes_kinds = ARRAY['screening'], four_eyes_for_referrals = true`,
    );
    await db().query("UPDATE safeguard_changes SET state = 'rejected' WHERE state = 'pending'");
  });
  afterAll(async () => {
    await app.close();
  });

  it('applies a raised safeguard at once (200), audited', async () => {
    const raised = { ...(await settings()), autoLockMinutes: 2, maxUnlockAttempts: 5, fourEyesKinds: ['screening', 'mediation'] };
    const response = await call(first.token, 'PUT', '/api/admin/settings', raised);
    expect(response.statusCode).toBe(200);
    expect(await settings()).toMatchObject({ autoLockMinutes: 2, maxUnlockAttempts: 5, fourEyesKinds: ['screening', 'mediation'] });
    expect(await pending()).toBeNull();
    expect(await audited('settings.safeguardsRaised')).toBeGreaterThanOrEqual(1);
  });

  it('holds every weakened safeguard until a second admin confirms it; tablets see it only then', async () => {
    const weakened = {
      ...(await settings()),
      autoLockMinutes: 30,
      maxUnlockAttempts: 50,
      retentionDaysAfterSync: 14,
      fourEyesKinds: [],
      fourEyesForReferrals: false,
    };
    const proposedBefore = await audited('settings.safeguardChangeProposed');
    const response = await call(first.token, 'PUT', '/api/admin/settings', weakened);
    expect(response.statusCode).toBe(202);
    expect(municipalitySettingsSchema.parse(response.json())).toMatchObject(baseline);
    expect(await settings()).toMatchObject(baseline);
    expect((await tabletSecurity()).security).toEqual({ autoLockMinutes: 5, maxUnlockAttempts: 10, retentionDaysAfterSync: 0 });
    expect(await audited('settings.safeguardChangeProposed')).toBe(proposedBefore + 1);

    // Visible to the other admin (and the proposer), with what is in force now.
    const change = await pending();
    expect(change).toMatchObject({
      proposedBy: { id: first.user.id },
      proposed: { autoLockMinutes: 30, maxUnlockAttempts: 50, retentionDaysAfterSync: 14, fourEyesKinds: [], fourEyesForReferrals: false },
      current: baseline,
    });
    expect(await pending(first.token)).toEqual(change);

    const confirmed = await call(second.token, 'POST', `/api/admin/settings/safeguard-changes/${change?.id ?? ''}/confirm`);
    expect(confirmed.statusCode).toBe(204);
    expect(await settings()).toMatchObject({ autoLockMinutes: 30, maxUnlockAttempts: 50, retentionDaysAfterSync: 14, fourEyesKinds: [] });
    const tablet = await tabletSecurity();
    expect(tablet.security).toEqual({ autoLockMinutes: 30, maxUnlockAttempts: 50, retentionDaysAfterSync: 14 });
    expect(tablet.fourEyes).toMatchObject({ forReferrals: false });
    expect(await pending()).toBeNull();
    const [entry] = await db().query<{ actor_id: string }>(
      "SELECT actor_id FROM audit_log WHERE action = 'settings.safeguardChangeConfirmed' AND object_id = $1",
      [change?.id ?? ''],
    );
    expect(entry?.actor_id).toBe(secondId);
  });

  it('applies the rest of a request at once and holds only the weakened part', async () => {
    const mixed = { ...(await settings()), autoLockMinutes: 3, retentionDaysAfterSync: 7, fourEyesKinds: ['welcomeVisit'] };
    expect((await call(first.token, 'PUT', '/api/admin/settings', mixed)).statusCode).toBe(202);
    // The lock is shorter at once, and welcome visits get the second check at once; screenings keep theirs.
    expect(await settings()).toMatchObject({ autoLockMinutes: 3, retentionDaysAfterSync: 0, fourEyesKinds: ['screening', 'welcomeVisit'] });
    expect((await pending())?.proposed).toEqual({ retentionDaysAfterSync: 7, fourEyesKinds: ['welcomeVisit'] });
  });

  it('refuses the proposer confirming their own change (403 selfConfirmation), audited, nothing changed', async () => {
    const before = await settings();
    expect((await call(first.token, 'PUT', '/api/admin/settings', { ...before, fourEyesForReferrals: false })).statusCode).toBe(202);
    const change = await pending();
    const response = await call(first.token, 'POST', `/api/admin/settings/safeguard-changes/${change?.id ?? ''}/confirm`);
    expect(response.statusCode).toBe(403);
    expect(errorEnvelopeSchema.parse(response.json()).error.reason).toBe('selfConfirmation');
    expect(await settings()).toEqual(before);
    expect(await pending()).toEqual(change);
    expect(await audited('settings.safeguardChangeRefusedSelf')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a second account of the same person (shared person id) as the second admin', async () => {
    await call(first.token, 'PATCH', `/api/admin/staff/${secondId}`, { personId: 'verwaltung-eine-person' });
    await call(second.token, 'PATCH', `/api/admin/staff/${first.user.id}`, { personId: 'verwaltung-eine-person' });
    try {
      const before = await settings();
      expect((await call(first.token, 'PUT', '/api/admin/settings', { ...before, maxUnlockAttempts: 20 })).statusCode).toBe(202);
      const change = await pending();
      const response = await call(second.token, 'POST', `/api/admin/settings/safeguard-changes/${change?.id ?? ''}/confirm`);
      expect(response.statusCode).toBe(403);
      expect(await settings()).toEqual(before);
    } finally {
      await call(first.token, 'PATCH', `/api/admin/staff/${secondId}`, { personId: null });
      await call(second.token, 'PATCH', `/api/admin/staff/${first.user.id}`, { personId: null });
    }
  });

  it('lets any admin reject a waiting change, and a rejected, replaced or lapsed change cannot be confirmed (404)', async () => {
    const before = await settings();
    await call(first.token, 'PUT', '/api/admin/settings', { ...before, autoLockMinutes: 20 });
    const rejectedChange = await pending();
    expect((await call(second.token, 'POST', `/api/admin/settings/safeguard-changes/${rejectedChange?.id ?? ''}/reject`)).statusCode).toBe(
      204,
    );
    expect(await audited('settings.safeguardChangeRejected')).toBeGreaterThanOrEqual(1);
    expect((await call(second.token, 'POST', `/api/admin/settings/safeguard-changes/${rejectedChange?.id ?? ''}/confirm`)).statusCode).toBe(
      404,
    );

    await call(first.token, 'PUT', '/api/admin/settings', { ...before, autoLockMinutes: 20 });
    const replaced = await pending();
    await call(first.token, 'PUT', '/api/admin/settings', { ...before, autoLockMinutes: 25 });
    expect((await pending())?.proposed).toEqual({ autoLockMinutes: 25 });
    expect((await call(second.token, 'POST', `/api/admin/settings/safeguard-changes/${replaced?.id ?? ''}/confirm`)).statusCode).toBe(404);
    expect(await audited('settings.safeguardChangeSuperseded')).toBeGreaterThanOrEqual(1);

    const lapsing = await pending();
    clock.advance(7 * 24 * 60 * 60 * 1000 + 1000);
    try {
      // A week later (the access tokens of before have long expired).
      const later = await login(app, secondUsername, secondPassword);
      expect(await pending(later.token)).toBeNull();
      expect((await call(later.token, 'POST', `/api/admin/settings/safeguard-changes/${lapsing?.id ?? ''}/confirm`)).statusCode).toBe(404);
    } finally {
      clock.advance(-(7 * 24 * 60 * 60 * 1000 + 1000));
    }
    expect(await settings()).toEqual(before);
  });

  it('keeps the routes to admins and validates the change id', async () => {
    const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    expect((await call(coordinator.token, 'GET', '/api/admin/settings/safeguard-changes')).statusCode).toBe(403);
    expect((await call(coordinator.token, 'POST', `/api/admin/settings/safeguard-changes/${uuidv7()}/confirm`)).statusCode).toBe(403);
    expect((await call(second.token, 'POST', '/api/admin/settings/safeguard-changes/not-a-uuid/confirm')).statusCode).toBe(400);
    expect((await call(second.token, 'POST', `/api/admin/settings/safeguard-changes/${uuidv7()}/confirm`)).statusCode).toBe(404);
  });
});
