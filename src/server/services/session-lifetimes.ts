// How long a sign-in may last, per municipality (municipality_settings, migration 020): the
// office's inactivity lock (enforced by the office client) and the absolute lifetime of a refresh
// family (enforced here, on the server, at every refresh). The defaults live in shared/security-defaults.ts.
import type { Queryable } from '../db/database';
import { DEFAULT_SESSION_SETTINGS } from '@shared/security-defaults';

export interface SessionSettings {
  officeLockMinutes: number;
  officeSessionHours: number;
  tabletSessionDays: number;
}

const HOUR_MS = 60 * 60 * 1000;

export async function sessionSettings(q: Queryable, municipalityId: string): Promise<SessionSettings> {
  const [row] = await q.query<{ office_lock_minutes: number; office_session_hours: number; tablet_session_days: number }>(
    'SELECT office_lock_minutes, office_session_hours, tablet_session_days FROM municipality_settings WHERE municipality_id = $1',
    [municipalityId],
  );
  if (!row) return { ...DEFAULT_SESSION_SETTINGS };
  return {
    officeLockMinutes: row.office_lock_minutes,
    officeSessionHours: row.office_session_hours,
    tabletSessionDays: row.tablet_session_days,
  };
}

/**
 * When a sign-in that began at `startedAt` ends, however often it is renewed: a sign-in bound to
 * an enrolled tablet lasts the tablet's days, any other (the office) the office's hours. Measured
 * with the settings as they are now, so shortening them ends running sign-ins too.
 */
export function familyEndsAt(settings: SessionSettings, boundToTablet: boolean, startedAt: Date): Date {
  const lifetimeMs = boundToTablet ? settings.tabletSessionDays * 24 * HOUR_MS : settings.officeSessionHours * HOUR_MS;
  return new Date(startedAt.getTime() + lifetimeMs);
}
