// Safeguard settings that one admin cannot weaken alone (M9): the weakened values wait as one
// pending change per municipality until another admin — another person, not another account of
// the same person — confirms them, or any admin (the proposer too) rejects them. Every step is
// audited with the change's id as object; a new proposal supersedes a waiting one.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { SAFEGUARD_CHANGE_TTL_DAYS, safeguardValuesSchema, type SafeguardChange, type SafeguardValues } from '@shared/safeguard-api';
import { audit } from './audit';
import { SETTINGS_COLUMNS, type SettingsRow } from './settings-row';
import { ServiceError, defaultMessage } from './service-error';

interface ChangeRow {
  id: string;
  proposed_by: string;
  proposer_name: string;
  proposer_person: string | null;
  proposed_at: unknown;
  expires_at: unknown;
  proposed: unknown;
}

/** The columns of municipality_settings behind each safeguard (names fixed here, never from input). */
const COLUMNS = {
  autoLockMinutes: 'auto_lock_minutes',
  maxUnlockAttempts: 'max_unlock_attempts',
  retentionDaysAfterSync: 'retention_days_after_sync',
  fourEyesKinds: 'four_eyes_kinds',
  fourEyesForReferrals: 'four_eyes_for_referrals',
  officeLockMinutes: 'office_lock_minutes',
  officeSessionHours: 'office_session_hours',
  tabletSessionDays: 'tablet_session_days',
} as const satisfies Record<keyof SafeguardValues, string>;

/** Unknown, of another municipality, or no longer waiting (confirmed, rejected, replaced, lapsed): all alike. */
const notPending = (): ServiceError => new ServiceError(404, 'notFound', 'No change with this id is waiting.');

function currentValues(row: SettingsRow | undefined, fields: readonly (keyof SafeguardValues)[]): SafeguardValues {
  if (!row) return {};
  const all = {
    autoLockMinutes: row.auto_lock_minutes,
    maxUnlockAttempts: row.max_unlock_attempts,
    retentionDaysAfterSync: row.retention_days_after_sync,
    fourEyesKinds: row.four_eyes_kinds,
    fourEyesForReferrals: row.four_eyes_for_referrals,
    officeLockMinutes: row.office_lock_minutes,
    officeSessionHours: row.office_session_hours,
    tabletSessionDays: row.tablet_session_days,
  };
  return safeguardValuesSchema.parse(Object.fromEntries(fields.map((field) => [field, all[field]])));
}

export class SafeguardChanges {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {}

  /** Files the weakened values as the municipality's one pending change (in the caller's transaction). */
  async propose(tx: Queryable, admin: SessionUser, proposed: SafeguardValues): Promise<string> {
    const now = this.clock();
    const superseded = await tx.query<{ id: string }>(
      `UPDATE safeguard_changes SET state = 'superseded', decided_by = $2, decided_at = $3
        WHERE municipality_id = $1 AND state = 'pending' RETURNING id`,
      [admin.municipalityId, admin.id, now],
    );
    for (const row of superseded) {
      await audit(tx, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'settings.safeguardChangeSuperseded',
        objectId: row.id,
      });
    }
    const id = randomUUID();
    await tx.query(
      `INSERT INTO safeguard_changes (municipality_id, id, proposed_by, proposed_at, expires_at, proposed, state)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'pending')`,
      [admin.municipalityId, id, admin.id, now, new Date(now.getTime() + SAFEGUARD_CHANGE_TTL_DAYS * 86_400_000), JSON.stringify(proposed)],
    );
    await audit(tx, { municipalityId: admin.municipalityId, actorId: admin.id, action: 'settings.safeguardChangeProposed', objectId: id });
    return id;
  }

  /** The change waiting in the admin's municipality, if one has not lapsed. */
  async pending(admin: SessionUser): Promise<SafeguardChange | null> {
    const row = await this.pendingRow(this.db, admin.municipalityId);
    if (!row) return null;
    const proposed = safeguardValuesSchema.parse(row.proposed);
    const [current] = await this.db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM municipality_settings WHERE municipality_id = $1`, [
      admin.municipalityId,
    ]);
    return {
      id: row.id,
      proposedBy: { id: row.proposed_by, displayName: row.proposer_name },
      proposedAt: toIsoTimestamp(row.proposed_at),
      expiresAt: toIsoTimestamp(row.expires_at),
      proposed,
      current: currentValues(current, Object.keys(proposed) as (keyof SafeguardValues)[]),
    };
  }

  /**
   * Applies a pending change. Refused (audited, nothing changed) when the confirming admin
   * proposed it, or is the same person under another account (403 selfConfirmation).
   */
  async confirm(admin: SessionUser, changeId: string): Promise<void> {
    const refusedSelf = await this.db.transaction(async (tx) => {
      const row = await this.pendingRow(tx, admin.municipalityId, changeId);
      if (!row) throw notPending();
      const [confirmer] = await tx.query<{ person_id: string | null }>('SELECT person_id FROM staff_accounts WHERE id = $1', [admin.id]);
      const samePerson = row.proposed_by === admin.id || (row.proposer_person !== null && row.proposer_person === confirmer?.person_id);
      if (samePerson) return true;
      const proposed = safeguardValuesSchema.parse(row.proposed);
      for (const [field, value] of Object.entries(proposed) as [keyof SafeguardValues, unknown][]) {
        const column = COLUMNS[field];
        const cast = field === 'fourEyesKinds' ? '::text[]' : '';
        await tx.query(`UPDATE municipality_settings SET ${column} = $2${cast}, updated_at = $3 WHERE municipality_id = $1`, [
          admin.municipalityId,
          value,
          this.clock(),
        ]);
      }
      await this.decide(tx, admin, changeId, 'confirmed');
      await audit(tx, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'settings.safeguardChangeConfirmed',
        objectId: changeId,
      });
      return false;
    });
    if (refusedSelf) {
      await audit(this.db, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'settings.safeguardChangeRefusedSelf',
        objectId: changeId,
      });
      throw new ServiceError(403, 'selfConfirmation', defaultMessage('selfConfirmation'));
    }
  }

  /** Drops a pending change: any admin of the municipality, the proposer too (withdrawing it). */
  async reject(admin: SessionUser, changeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.pendingRow(tx, admin.municipalityId, changeId))) throw notPending();
      await this.decide(tx, admin, changeId, 'rejected');
      await audit(tx, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'settings.safeguardChangeRejected',
        objectId: changeId,
      });
    });
  }

  private async decide(tx: Queryable, admin: SessionUser, changeId: string, state: 'confirmed' | 'rejected'): Promise<void> {
    await tx.query('UPDATE safeguard_changes SET state = $3, decided_by = $4, decided_at = $5 WHERE municipality_id = $1 AND id = $2', [
      admin.municipalityId,
      changeId,
      state,
      admin.id,
      this.clock(),
    ]);
  }

  private async pendingRow(q: Queryable, municipalityId: string, changeId?: string): Promise<ChangeRow | undefined> {
    const [row] = await q.query<ChangeRow>(
      `SELECT c.id, c.proposed_by, a.display_name AS proposer_name, a.person_id AS proposer_person,
              c.proposed_at, c.expires_at, c.proposed
         FROM safeguard_changes c JOIN staff_accounts a ON a.id = c.proposed_by AND a.municipality_id = c.municipality_id
        WHERE c.municipality_id = $1 AND c.state = 'pending' AND c.expires_at > $2 AND ($3::text IS NULL OR c.id = $3)
        ${changeId === undefined ? '' : 'FOR UPDATE OF c'}`,
      [municipalityId, this.clock(), changeId ?? null],
    );
    return row;
  }
}
