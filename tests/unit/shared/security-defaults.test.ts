// The defaults a municipality without saved settings gets must equal the column
// defaults of municipality_settings, which a landed migration fixed for good.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_SETTINGS, DEFAULT_SESSION_SETTINGS } from '@shared/security-defaults';

const MIGRATION = new URL('../../../src/server/db/migrations/002_security.sql', import.meta.url);
const SESSION_MIGRATION = new URL('../../../src/server/db/migrations/020_session_lifetimes.sql', import.meta.url);

function columnDefault(sql: string, column: string): number {
  const match = new RegExp(`^\\s*${column}\\s+integer\\s+NOT NULL\\s+DEFAULT\\s+(\\d+)\\b`, 'm').exec(sql);
  if (!match?.[1]) throw new Error(`no integer default for ${column}`);
  return Number(match[1]);
}

describe('security defaults', () => {
  it('equal the column defaults of municipality_settings in 002_security.sql', async () => {
    const sql = await readFile(MIGRATION, 'utf8');
    expect({
      autoLockMinutes: columnDefault(sql, 'auto_lock_minutes'),
      maxUnlockAttempts: columnDefault(sql, 'max_unlock_attempts'),
      retentionDaysAfterSync: columnDefault(sql, 'retention_days_after_sync'),
    }).toEqual(DEFAULT_SECURITY_SETTINGS);
  });

  it('of the session lifetimes equal the column defaults in 020_session_lifetimes.sql', async () => {
    const sql = await readFile(SESSION_MIGRATION, 'utf8');
    expect({
      officeLockMinutes: columnDefault(sql, 'ADD COLUMN office_lock_minutes'),
      officeSessionHours: columnDefault(sql, 'ADD COLUMN office_session_hours'),
      tabletSessionDays: columnDefault(sql, 'ADD COLUMN tablet_session_days'),
    }).toEqual(DEFAULT_SESSION_SETTINGS);
  });
});
