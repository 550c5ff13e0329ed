// The tablet's status check carries its fleet report (counts and times only).
// Against a backend from before the fleet view, whose strict schema refuses the
// unknown field with 400, the tablet asks again without it: the revocation
// check keeps working whatever the backend's version.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { checkDevice } from '@client/sync';
import { APP_VERSION, deviceReportSchema } from '@shared/fleet';
import { unlockedTestStorage } from '../../../fixtures/client-db';
import { homeContactRecord } from '../../../fixtures/home-contacts';

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
/** The status request as a backend from before the fleet view accepts it. */
const olderBackendRequest = z.strictObject({ deviceId: z.string(), deviceSecret: z.string() });
/** The JSON body the tablet sent (request() always sends a string). */
const sentBody = (init: RequestInit): unknown => JSON.parse(typeof init.body === 'string' ? init.body : 'null');

afterEach(() => {
  vi.unstubAllGlobals();
});

async function enrolledTablet() {
  const { storage } = await unlockedTestStorage();
  const deviceId = await storage.device.deviceId();
  await storage.device.saveEnrollment({
    deviceId,
    deviceSecret: 'A'.repeat(43),
    label: 'Tablet',
    municipalityId: 'demo-stadt',
    organisationId: 'home-projekt-demo',
    enrolledAt: '2026-12-01T08:00:00.000Z',
  });
  const record = await homeContactRecord({ topics: ['health'] }, { deviceId, now: new Date(Date.now() - 2 * 86_400_000) });
  await storage.records.saveRecord(record, { now: new Date(Date.now() - 2 * 86_400_000) });
  return { storage, deviceId, record };
}

describe('the fleet report with the status check', () => {
  it('sends the report with the status check: counts and ages, no record id', async () => {
    const { storage, record } = await enrolledTablet();
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        bodies.push(sentBody(init));
        return Promise.resolve(json(200, { status: 'active', deactivatedAccountIds: [] }));
      }),
    );
    expect(await checkDevice(storage)).toBe('active');
    expect(bodies).toHaveLength(1);
    const report = deviceReportSchema.parse((bodies[0] as { report: unknown }).report);
    expect(report).toMatchObject({ appVersion: APP_VERSION, unsentCount: 1, unsentByKind: { homeContact: 1 }, draftCount: 0 });
    expect(report.oldestUnsentAgeSeconds).toBeGreaterThanOrEqual(2 * 86_400 - 5);
    expect(JSON.stringify(bodies)).not.toContain(record.id);
    storage.close();
  });

  it('keeps the office’s overdue threshold from the answer, for the days it is offline', async () => {
    const { storage } = await enrolledTablet();
    expect(await storage.device.unsentWarningDays()).toBe(3);
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(json(200, { status: 'active', deactivatedAccountIds: [], unsentWarningDays: 5 }))),
    );
    expect(await checkDevice(storage)).toBe('active');
    expect(await storage.device.unsentWarningDays()).toBe(5);
    // An answer without it (a backend from before) leaves the kept value as it is.
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(json(200, { status: 'active', deactivatedAccountIds: [] }))),
    );
    expect(await checkDevice(storage)).toBe('active');
    expect(await storage.device.unsentWarningDays()).toBe(5);
    storage.close();
  });

  it('asks an older backend again without the report when it refuses the report with 400', async () => {
    const { storage, deviceId } = await enrolledTablet();
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        const body = sentBody(init);
        bodies.push(body);
        return Promise.resolve(
          olderBackendRequest.safeParse(body).success
            ? json(200, { status: 'revoked', deactivatedAccountIds: [] })
            : json(400, { error: { reason: 'invalidRequest', message: 'Unrecognized key: "report"' } }),
        );
      }),
    );
    // The revocation is still learned.
    expect(await checkDevice(storage)).toBe('revoked');
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({ deviceId, report: { unsentCount: 1 } });
    expect(bodies[1]).toEqual({ deviceId, deviceSecret: 'A'.repeat(43) });
    storage.close();
  });

  it('does not repeat the check on other failures (the tablet stays as it is while unreachable)', async () => {
    const { storage } = await enrolledTablet();
    const fetchMock = vi.fn(() => Promise.resolve(json(503, { error: { reason: 'unavailable', message: 'busy' } })));
    vi.stubGlobal('fetch', fetchMock);
    expect(await checkDevice(storage)).toBe('unreachable');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    storage.close();
  });
});
