// The municipality's settings row as the admin service and the safeguard changes read it
// (municipality_settings; the lists — welcome items, emergency instruction — live elsewhere).

export interface SettingsRow {
  auto_lock_minutes: number;
  max_unlock_attempts: number;
  retention_days_after_sync: number;
  four_eyes_kinds: string[];
  four_eyes_for_referrals: boolean;
  office_lock_minutes: number;
  office_session_hours: number;
  tablet_session_days: number;
}

export const SETTINGS_COLUMNS =
  'auto_lock_minutes, max_unlock_attempts, retention_days_after_sync, four_eyes_kinds, four_eyes_for_referrals, ' +
  'office_lock_minutes, office_session_hours, tablet_session_days';
