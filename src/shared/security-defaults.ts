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
