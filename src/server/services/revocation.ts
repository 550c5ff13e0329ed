// Revoking credentials in one place: a deactivated person, a revoked tablet,
// a signed-out or stolen refresh family. Called inside the caller's transaction.
import type { Queryable } from '../db/database';

/** Every session, refresh token and signing key of one person, on every tablet. */
export async function revokeAccountCredentials(tx: Queryable, accountId: string, now: Date): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [
    accountId,
    now,
  ]);
  await tx.query('UPDATE signing_keys SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [
    accountId,
    now,
  ]);
}

/** Every session, refresh token and signing key bound to one tablet. */
export async function revokeDeviceCredentials(tx: Queryable, deviceId: string, now: Date): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [deviceId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [
    deviceId,
    now,
  ]);
  await tx.query('UPDATE signing_keys SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [
    deviceId,
    now,
  ]);
}

/** One sign-in's access and refresh tokens (logout, refresh-token reuse). */
export async function revokeFamily(tx: Queryable, familyId: string, now: Date): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
    now,
  ]);
}

/** Appends to the audit log: who, what, which object. Never content, never secrets. */
export async function audit(
  q: Queryable,
  entry: { municipalityId: string; actorId: string | null; action: string; objectId: string | null },
): Promise<void> {
  await q.query('INSERT INTO audit_log (municipality_id, actor_id, action, object_id) VALUES ($1, $2, $3, $4)', [
    entry.municipalityId,
    entry.actorId,
    entry.action,
    entry.objectId,
  ]);
}

/** A unique-constraint violation (SQLSTATE 23505) from node-postgres or PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}
