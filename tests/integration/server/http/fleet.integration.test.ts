// The tablet fleet view (issue 22, item 4): a tablet's status check carries a
// report of counts and times; the backend keeps the latest per tablet and the
// office's tablet list shows it with warnings. A bad report is 400 and changes
// nothing, a tablet without a report (an older app) still checks in and syncs,
// and another municipality's tablets never appear.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceListSchema, deviceStatusResponseSchema, type ListedDevice } from '@shared/staff-api';
import { APP_VERSION, type DeviceReport } from '@shared/fleet';
import type { HomeContactRecord } from '@shared/records/sync-record';
import { buildDeviceReport } from '@client/sync/fleet-report';
import { createStaffAccount } from '@server/services/staff-accounts';
import { testUser, unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord as tabletHomeContact } from '../../../fixtures/home-contacts';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  enrollDevice,
  homeContactRecord,
  login,
  pushAsTablet,
  seedDemo,
  seedOtherMunicipality,
  signInOnTablet,
} from '../../helpers/test-app';

const DAY_MS = 86_400_000;
const METRICS_TOKEN = 'fleet-metrics-token-of-at-least-32-characters';

/** The value of a sample line `name value` or `name{labels} value` in Prometheus text. */
function gauge(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series}`);
  return Number(line.slice(series.length + 1));
}

const report = (changes: Partial<Record<keyof DeviceReport, unknown>> = {}): Record<string, unknown> => ({
  appVersion: APP_VERSION,
  unsentCount: 3,
  unsentByKind: { homeContact: 2, consentWithdrawal: 1 },
  oldestUnsentAgeSeconds: 3_600,
  draftCount: 2,
  storagePersisted: true,
  storageUsageBytes: 4_000_000,
  storageQuotaBytes: 8_000_000_000,
  ...changes,
});

describeEachDatabase('tablet fleet view', ({ db }) => {
  let app: FastifyInstance;
  /** The server's clock; tests move it forward instead of waiting for days. */
  let now = new Date();

  const status = (deviceId: string, deviceSecret: string, body: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/api/devices/status', payload: { deviceId, deviceSecret, ...body } });
  const coordinatorToken = async () => (await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password)).token;
  const listAs = async (token: string) => {
    const response = await app.inject({ method: 'GET', url: '/api/devices', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    return deviceListSchema.parse(response.json());
  };
  const listed = async (deviceId: string): Promise<ListedDevice> => {
    const device = (await listAs(await coordinatorToken())).devices.find((d) => d.deviceId === deviceId);
    if (!device) throw new Error('tablet not listed');
    return device;
  };
  const storedRow = async (deviceId: string) =>
    JSON.stringify(await db().query('SELECT * FROM device_reports WHERE device_id = $1', [deviceId]));

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db(), {
      clock: () => now,
      loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
      deviceStatusRateLimit: { max: 1000, timeWindowMs: 60_000 },
      metricsToken: METRICS_TOKEN,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps a tablet’s report and shows it to the coordinator, with the backend’s policy', async () => {
    now = new Date();
    const { device, deviceSecret } = await enrollDevice(app, await coordinatorToken(), 'Flotte 1');
    expect((await listed(device.deviceId)).fleet).toEqual({ lastContactAt: null, lastPushAt: null, report: null, warnings: [] });

    const answer = await status(device.deviceId, deviceSecret, { report: report() });
    expect(answer.statusCode).toBe(200);
    expect(deviceStatusResponseSchema.parse(answer.json()).status).toBe('active');

    const list = await listAs(await coordinatorToken());
    expect(list.fleetPolicy).toEqual({ warningDays: 3, currentAppVersion: APP_VERSION });
    const fleet = list.devices.find((d) => d.deviceId === device.deviceId)?.fleet;
    expect(fleet).toEqual({
      lastContactAt: now.toISOString(),
      lastPushAt: null,
      report: {
        receivedAt: now.toISOString(),
        appVersion: APP_VERSION,
        unsentCount: 3,
        unsentByKind: { homeContact: 2, consentWithdrawal: 1 },
        // Anchored at the server's receipt, not the tablet's clock.
        oldestUnsentAt: new Date(now.getTime() - 3_600_000).toISOString(),
        draftCount: 2,
        storagePersisted: true,
        storageUsageBytes: 4_000_000,
        storageQuotaBytes: 8_000_000_000,
      },
      warnings: [],
    });

    // A newer report replaces the older one whole.
    await status(device.deviceId, deviceSecret, { report: report({ unsentCount: 0, unsentByKind: {}, oldestUnsentAgeSeconds: null }) });
    expect((await listed(device.deviceId)).fleet.report).toMatchObject({ unsentCount: 0, unsentByKind: {}, oldestUnsentAt: null });
  });

  it('warns when the tablet holding unsent records falls silent, and about an old unsent record and app version', async () => {
    now = new Date();
    const { device, deviceSecret } = await enrollDevice(app, await coordinatorToken(), 'Flotte 2');
    await status(device.deviceId, deviceSecret, { report: report({ oldestUnsentAgeSeconds: 2 * 86_400, appVersion: '0.0.9' }) });
    expect((await listed(device.deviceId)).fleet.warnings).toEqual(['outdatedApp']);

    now = new Date(now.getTime() + 1.5 * DAY_MS);
    expect((await listed(device.deviceId)).fleet.warnings).toEqual(['unsentTooOld', 'outdatedApp']);

    now = new Date(now.getTime() + 1.5 * DAY_MS);
    expect((await listed(device.deviceId)).fleet.warnings).toEqual(['unsentWhileSilent', 'unsentTooOld', 'outdatedApp']);

    // Once it sent everything and runs the current app, every warning is gone.
    await status(device.deviceId, deviceSecret, { report: report({ unsentCount: 0, unsentByKind: {}, oldestUnsentAgeSeconds: null }) });
    expect((await listed(device.deviceId)).fleet.warnings).toEqual([]);
  });

  it('tells a reporting tablet after how many days an entry is overdue, and an older tablet nothing new', async () => {
    now = new Date();
    const { device, deviceSecret } = await enrollDevice(app, await coordinatorToken(), 'Flotte Schwelle');
    const withReport = deviceStatusResponseSchema.parse((await status(device.deviceId, deviceSecret, { report: report() })).json());
    expect(withReport.unsentWarningDays).toBe(3);
    // An app from before the fleet view parses the answer strictly: it gets exactly the old shape.
    expect(Object.keys((await status(device.deviceId, deviceSecret)).json<object>()).sort()).toEqual(['deactivatedAccountIds', 'status']);

    const configured = buildTestApp(db(), { fleetWarningDays: 5 });
    try {
      const answer = await configured.inject({
        method: 'POST',
        url: '/api/devices/status',
        payload: { deviceId: device.deviceId, deviceSecret, report: report() },
      });
      expect(deviceStatusResponseSchema.parse(answer.json()).unsentWarningDays).toBe(5);
    } finally {
      await configured.close();
    }
  });

  it('gives the operators the fleet as metrics: tablets, unsent records, the oldest, tablets per warning', async () => {
    now = new Date();
    const scrape = async (): Promise<string> => {
      const answer = await app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) });
      expect(answer.statusCode).toBe(200);
      return answer.body;
    };
    const before = await scrape();
    const { device, deviceSecret } = await enrollDevice(app, await coordinatorToken(), 'Flotte Metriken');
    await status(device.deviceId, deviceSecret, {
      report: report({ unsentCount: 7, unsentByKind: { homeContact: 7 }, oldestUnsentAgeSeconds: 4 * 86_400 }),
    });
    const after = await scrape();
    expect(gauge(after, 'lotse_fleet_tablets')).toBe(gauge(before, 'lotse_fleet_tablets') + 1);
    expect(gauge(after, 'lotse_fleet_unsent_records')).toBe(gauge(before, 'lotse_fleet_unsent_records') + 7);
    expect(gauge(after, 'lotse_fleet_oldest_unsent_seconds')).toBeGreaterThanOrEqual(4 * 86_400);
    expect(gauge(after, 'lotse_fleet_tablets_with_warning{warning="unsentTooOld"}')).toBe(
      gauge(before, 'lotse_fleet_tablets_with_warning{warning="unsentTooOld"}') + 1,
    );
    // Counts only: the tablet's id and label never appear in the metrics.
    expect(after).not.toContain(device.deviceId);
    expect(after).not.toContain('Flotte Metriken');

    // Sent everything: the tablet still counts, its records no longer.
    await status(device.deviceId, deviceSecret, { report: report({ unsentCount: 0, unsentByKind: {}, oldestUnsentAgeSeconds: null }) });
    const sent = await scrape();
    expect(gauge(sent, 'lotse_fleet_unsent_records')).toBe(gauge(before, 'lotse_fleet_unsent_records'));
    expect(gauge(sent, 'lotse_fleet_tablets')).toBe(gauge(after, 'lotse_fleet_tablets'));
  });

  it('refuses a bad or unknown report with 400 and changes nothing, not even the contact time', async () => {
    now = new Date();
    const { device, deviceSecret } = await enrollDevice(app, await coordinatorToken(), 'Flotte 3');
    await status(device.deviceId, deviceSecret, { report: report() });
    const before = await storedRow(device.deviceId);
    now = new Date(now.getTime() + 60_000);
    for (const bad of [
      report({ unsentCount: -1 }),
      report({ unsentCount: 1e9 }),
      report({ oldestUnsentAgeSeconds: 1e12 }),
      report({ storageUsageBytes: 2 ** 60 }),
      report({ unsentByKind: { homeContact: 99 } }),
      report({ appVersion: '<script>' }),
      { ...report(), caseNumber: 'K-0000-0000' },
      { ...report(), reportVersion: 2 }, // a newer tablet's field
      'a report',
    ]) {
      const response = await status(device.deviceId, deviceSecret, { report: bad });
      expect(response.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect(await storedRow(device.deviceId)).toBe(before);
    // The same tablet without its report is answered as before (what the tablet falls back to).
    expect((await status(device.deviceId, deviceSecret)).json()).toEqual({ status: 'active', deactivatedAccountIds: [] });
  });

  it('lets an older tablet without a report check in and sync: contact and push are shown, no report', async () => {
    now = new Date();
    const tablet = await signInOnTablet(app, db(), undefined, { label: 'Alte App' });
    const checked = await status(tablet.deviceId, tablet.device.deviceSecret);
    expect(checked.json()).toEqual({ status: 'active', deactivatedAccountIds: [] });
    const record = await homeContactRecord(tablet.deviceId);
    const pushed = await pushAsTablet(app, tablet, [record]);
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.body).toContain('"accepted"');
    const fleet = (await listed(tablet.deviceId)).fleet;
    expect(fleet.lastContactAt).toBe(now.toISOString());
    expect(fleet.lastPushAt).not.toBeNull();
    expect(fleet.report).toBeNull();
    expect(fleet.warnings).toEqual([]);
  });

  it('does not keep a report from a revoked tablet or one with a wrong secret', async () => {
    now = new Date();
    const token = await coordinatorToken();
    const { device, deviceSecret } = await enrollDevice(app, token, 'Flotte 4');
    expect((await status(device.deviceId, 'B'.repeat(43), { report: report() })).json()).toMatchObject({ status: 'unknown' });
    expect(await storedRow(device.deviceId)).toBe('[]');
    await app.inject({ method: 'POST', url: `/api/devices/${device.deviceId}/revoke`, headers: bearer(token) });
    expect((await status(device.deviceId, deviceSecret, { report: report() })).json()).toMatchObject({ status: 'revoked' });
    expect(await storedRow(device.deviceId)).toBe('[]');
  });

  it('never shows another municipality’s tablets or reports', async () => {
    now = new Date();
    const other = await seedOtherMunicipality(db());
    const username = `koordination.${other.municipalityId}`;
    await createStaffAccount(db(), {
      municipalityId: other.municipalityId,
      organisationId: other.municipalityId,
      username,
      displayName: 'Koordination B',
      password: `${username}-password`,
      roles: ['coordinator'],
    });
    const otherToken = (await login(app, username, `${username}-password`)).token;
    const theirs = await enrollDevice(app, otherToken, 'Tablet der anderen Stadt');
    await status(theirs.device.deviceId, theirs.deviceSecret, { report: report({ unsentCount: 77, unsentByKind: {} }) });
    const ours = await listAs(await coordinatorToken());
    expect(ours.devices.length).toBeGreaterThan(0);
    expect(ours.devices.every((d) => d.municipalityId === 'demo-stadt')).toBe(true);
    expect(JSON.stringify(ours)).not.toContain(theirs.device.deviceId);
    expect(JSON.stringify(ours)).not.toContain('"unsentCount":77');
    // And they see their own tablet with its report, nothing of ours.
    const theirList = await listAs(otherToken);
    expect(theirList.devices.map((d) => d.deviceId)).toEqual([theirs.device.deviceId]);
    expect(theirList.devices[0]?.fleet.report?.unsentCount).toBe(77);
  });

  describe('the tablet’s own report', () => {
    it('counts what the tablet’s storage holds unsent, per kind, and its drafts — no ids, no case numbers', async () => {
      now = new Date();
      const [account] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [DEMO_FIELDWORKER.username]);
      const { storage } = await unlockedTestStorage(undefined, testUser({ id: account?.id ?? 'missing' }));
      const deviceId = await storage.device.deviceId();
      const tablet = await signInOnTablet(app, db(), undefined, { deviceId, label: 'Echtes Tablet' });
      const saved: HomeContactRecord[] = [];
      const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS);
      for (const at of [threeDaysAgo, new Date()]) {
        const record = await tabletHomeContact({ topics: ['health'] }, { deviceId, now: at });
        saved.push(record);
        await storage.records.saveRecord(record, { now: at });
      }
      await storage.drafts.save('home-contact', { note: 'Entwurf' });

      const built = await buildDeviceReport(storage);
      expect(built).toMatchObject({ appVersion: APP_VERSION, unsentCount: 2, unsentByKind: { homeContact: 2 }, draftCount: 1 });
      expect(built?.oldestUnsentAgeSeconds).toBeGreaterThanOrEqual(3 * 86_400 - 5);
      for (const record of saved) expect(JSON.stringify(built)).not.toContain(record.id);

      expect((await status(deviceId, tablet.device.deviceSecret, { report: built })).statusCode).toBe(200);
      const fleet = (await listed(deviceId)).fleet;
      expect(fleet.report?.unsentCount).toBe(2);
      expect(fleet.warnings).toEqual(['unsentTooOld']);
      storage.close();
    });
  });
});
