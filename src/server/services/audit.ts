// The one door to the append-only audit log: who did what to which object —
// never content, never secrets, never a case number. Every action the server
// records is listed in AuditAction, so a new one is a reviewed change here.
import type { Queryable } from '../db/database';
import type { ReviewRejectionReason } from '../../domain/four-eyes';
import type { ReferralState } from '../../domain/referral-state';
import type { ReviewDecision } from '../../shared/four-eyes';

export type AuditAction =
  // sessions and tablets
  | 'session.created'
  | 'session.refreshed'
  | 'session.revoked'
  | 'session.refreshTokenReused'
  | 'session.refusedDeviceProof'
  | 'session.refusedRevokedDevice'
  // sign-in limits (object: the client address)
  | 'session.signInFailed'
  | 'session.accountLocked'
  | 'session.refusedAccountLocked'
  | 'session.refusedThrottled'
  | 'session.accountUnlocked'
  | 'device.enrolled'
  | 'device.revoked'
  | 'signingKey.enrolled'
  // administration
  | 'settings.updated'
  | 'organisation.created'
  | 'staff.created'
  | 'staff.updated'
  | 'staff.rolesChanged'
  | 'staff.personLinked'
  | 'staff.deactivated'
  | 'staff.reactivated'
  | 'questionnaire.activated'
  | 'offer.created'
  | 'offer.changed'
  | 'offer.removed'
  | 'offer.imported'
  // records, reviews, reports
  | 'record.received'
  | 'case.withdrawn'
  | `review.${ReviewDecision}`
  | `review.rejected.${ReviewRejectionReason}`
  | `security.review.${ReviewRejectionReason}`
  | 'report.generated'
  // referrals and warm handovers
  | `referral.${ReferralState}`
  | 'referral.viewed'
  | 'referral.withdrawnByRevision'
  | 'referral.settingsChanged'
  | 'handover.keySet'
  | 'handover.received'
  | 'handover.undeliverable'
  | 'handover.opened'
  | 'security.handover.keyPasswordWrong';

export interface AuditEntry {
  municipalityId: string;
  /** null for an action nobody signed in made. */
  actorId: string | null;
  action: AuditAction;
  objectId: string | null;
}

/** Appends one entry, in the caller's transaction if `q` is one. */
export async function audit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query('INSERT INTO audit_log (municipality_id, actor_id, action, object_id) VALUES ($1, $2, $3, $4)', [
    entry.municipalityId,
    entry.actorId,
    entry.action,
    entry.objectId,
  ]);
}

/** Appends one entry per item (one statement, in the items' order) by the same actor; nothing for none. */
export async function auditEach(
  q: Queryable,
  by: { municipalityId: string; actorId: string | null },
  items: readonly { action: AuditAction; objectId: string | null }[],
): Promise<void> {
  if (items.length === 0) return;
  await q.query(
    `INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
     SELECT $1, $2, x->>'action', x->>'objectId'
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(x, n)
      ORDER BY n`,
    [by.municipalityId, by.actorId, JSON.stringify(items)],
  );
}

/**
 * An INSERT into the audit log to embed in a larger statement (a data-modifying
 * CTE), so a read and the record of who made it commit as one: one row per row
 * of `from`. The arguments are SQL expressions of the caller's statement (its
 * parameters, its CTE's columns); the action is a literal from AuditAction.
 */
export function auditInsertSql(parts: { municipalityId: string; actorId: string; action: AuditAction; objectId: string; from: string }): string {
  const action = `'${parts.action.replaceAll("'", "''")}'`;
  return `INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
         SELECT ${parts.municipalityId}, ${parts.actorId}, ${action}, ${parts.objectId} FROM ${parts.from}`;
}
