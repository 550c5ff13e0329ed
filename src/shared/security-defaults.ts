// A municipality's tablet security settings while it has saved none: the one
// home of these numbers. The column defaults of municipality_settings
// (server/db/migrations/002_security.sql) are the same values; a unit test
// reads that file and fails if the two ever differ (the migration is never edited).
import type { DeviceConfig } from './protocol';

export const DEFAULT_SECURITY_SETTINGS: Readonly<DeviceConfig['security']> = {
  autoLockMinutes: 5,
  maxUnlockAttempts: 10,
  retentionDaysAfterSync: 0,
};

/**
 * How long a sign-in may last while the municipality has saved none (column defaults of
 * 020_session_lifetimes.sql, compared by the same unit test): the office locks after this many
 * minutes without activity or hidden; a sign-in in the office ends after so many hours, one on an
 * enrolled tablet after so many days, however often it was renewed.
 */
export const DEFAULT_SESSION_SETTINGS = {
  officeLockMinutes: 15,
  officeSessionHours: 12,
  tabletSessionDays: 14,
} as const;

/** The bounds an administrator may set them to (the migration's CHECKs say the same). */
export const SESSION_SETTING_LIMITS = {
  officeLockMinutes: { min: 1, max: 60 },
  officeSessionHours: { min: 1, max: 24 },
  tabletSessionDays: { min: 1, max: 30 },
} as const;
