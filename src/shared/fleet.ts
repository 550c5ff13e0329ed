// The tablet fleet (issue 22, item 4): what a tablet reports about itself at its
// status check, and what the office's tablets table shows. Counts and times only:
// never content, case numbers, record ids or names, so a report cannot leak a family.
import { z } from 'zod';
import { RECORD_KINDS } from './records/sync-record';

/**
 * This build's app version. Tablet and backend are built from the same tree, so
 * the backend calls any older version a tablet reports outdated. Kept equal to
 * package.json's version (tests/unit/shared/fleet.test.ts).
 */
export const APP_VERSION = '0.1.0';

/** Days after which the fleet view warns, unless FLEET_WARNING_DAYS says otherwise. */
export const DEFAULT_FLEET_WARNING_DAYS = 3;
export const MAX_FLEET_WARNING_DAYS = 90;

export const appVersionSchema = z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/, { message: 'invalidAppVersion' });

/** More unsent records than any tablet can hold; a larger number is a broken or forged report. */
export const MAX_REPORTED_COUNT = 100_000;
/** Ten years: an older "oldest unsent record" is a clock or a forgery, not a tablet. */
export const MAX_REPORTED_AGE_SECONDS = 10 * 366 * 86_400;
/** 16 TiB: larger than any tablet's storage. */
const MAX_REPORTED_BYTES = 2 ** 44;

const count = z.int().min(0).max(MAX_REPORTED_COUNT);
const bytes = z.int().min(0).max(MAX_REPORTED_BYTES).nullable();

/**
 * A tablet's report, sent with its status check. Ages rather than timestamps:
 * the tablet's clock may be days off, but the difference of two of its own
 * readings is not; the backend anchors them at its own time of receipt.
 * Strict: an unknown field (a newer tablet than this backend) is refused with
 * 400 and nothing is stored; the tablet then repeats the status check without
 * its report, so its revocation check never depends on the report.
 */
export const deviceReportSchema = z
  .strictObject({
    appVersion: appVersionSchema,
    /** Records saved on the tablet and not yet accepted by the server. */
    unsentCount: count,
    /** The same, per record kind (kinds with none may be left out). */
    unsentByKind: z.partialRecord(z.enum(RECORD_KINDS), count),
    /** Age of the oldest unsent record in seconds; null when nothing is unsent. */
    oldestUnsentAgeSeconds: z.int().min(0).max(MAX_REPORTED_AGE_SECONDS).nullable(),
    /** Unfinished forms (drafts) of every person on the tablet. */
    draftCount: count,
    /** The browser promised not to evict this origin's storage. */
    storagePersisted: z.boolean(),
    storageUsageBytes: bytes,
    storageQuotaBytes: bytes,
  })
  .refine((report) => (report.unsentCount === 0) === (report.oldestUnsentAgeSeconds === null), {
    message: 'oldestUnsentMismatch',
    path: ['oldestUnsentAgeSeconds'],
  })
  .refine((report) => Object.values(report.unsentByKind).reduce((sum, n) => sum + n, 0) <= report.unsentCount, {
    message: 'unsentByKindExceedsCount',
    path: ['unsentByKind'],
  });
export type DeviceReport = z.infer<typeof deviceReportSchema>;

/**
 * Why the office should look at a tablet:
 * - unsentWhileSilent: it holds unsent records and has not been in touch for N days;
 * - unsentTooOld: its oldest unsent record is older than N days;
 * - outdatedApp: it runs an older app version than the backend.
 */
export const FLEET_WARNINGS = ['unsentWhileSilent', 'unsentTooOld', 'outdatedApp'] as const;
export type FleetWarning = (typeof FLEET_WARNINGS)[number];

/** What the office sees of a tablet's contact and its last report. */
export const deviceFleetStateSchema = z.strictObject({
  /** The last status check with the tablet's secret (any app version), server time. */
  lastContactAt: z.iso.datetime().nullable(),
  /** The last push the backend accepted from it, server time. */
  lastPushAt: z.iso.datetime().nullable(),
  /** null: the tablet never sent a report (an app version from before the fleet view). */
  report: z
    .strictObject({
      receivedAt: z.iso.datetime(),
      appVersion: appVersionSchema,
      unsentCount: count,
      unsentByKind: z.partialRecord(z.enum(RECORD_KINDS), count),
      /** Receipt time minus the reported age. */
      oldestUnsentAt: z.iso.datetime().nullable(),
      draftCount: count,
      storagePersisted: z.boolean(),
      storageUsageBytes: bytes,
      storageQuotaBytes: bytes,
    })
    .nullable(),
  warnings: z.array(z.enum(FLEET_WARNINGS)),
});
export type DeviceFleetState = z.infer<typeof deviceFleetStateSchema>;
