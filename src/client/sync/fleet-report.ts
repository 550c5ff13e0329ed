// The tablet's report for the office's fleet view (shared/fleet.ts), sent with
// its status check: how much waits to be sent and since when, drafts, the app
// version and whether storage is persistent. Counts and times only.
import { APP_VERSION, MAX_REPORTED_AGE_SECONDS, MAX_REPORTED_COUNT, deviceReportSchema, type DeviceReport } from '@shared/fleet';
import type { Storage } from '../storage';
import { storageStatus } from '../storage/persistence';

const clamp = (value: number, max: number): number => Math.min(max, Math.max(0, Math.floor(value)));

/**
 * The report, or undefined if it would not pass the shared schema (the status
 * check then goes without it rather than failing). Numbers are held inside the
 * schema's bounds: a clock set back makes an age 0, never negative.
 */
export async function buildDeviceReport(storage: Storage, now: number = Date.now()): Promise<DeviceReport | undefined> {
  const [counts, space] = await Promise.all([storage.records.fleetCounts(), storageStatus()]);
  const oldest = counts.oldestEnqueuedAt === null ? Number.NaN : Date.parse(counts.oldestEnqueuedAt);
  const unsentCount = clamp(counts.unsentCount, MAX_REPORTED_COUNT);
  const report = {
    appVersion: APP_VERSION,
    unsentCount,
    unsentByKind: Object.fromEntries(Object.entries(counts.unsentByKind).map(([kind, n]) => [kind, clamp(n, MAX_REPORTED_COUNT)])),
    oldestUnsentAgeSeconds: unsentCount === 0 ? null : Number.isNaN(oldest) ? 0 : clamp((now - oldest) / 1000, MAX_REPORTED_AGE_SECONDS),
    draftCount: clamp(counts.draftCount, MAX_REPORTED_COUNT),
    storagePersisted: space.persisted,
    storageUsageBytes: space.usage,
    storageQuotaBytes: space.quota,
  };
  const parsed = deviceReportSchema.safeParse(report);
  return parsed.success ? parsed.data : undefined;
}
