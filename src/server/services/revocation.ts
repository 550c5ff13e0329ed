// Revoking credentials in one place: a deactivated person, a revoked tablet,
// a signed-out or stolen refresh family. Called inside the caller's transaction.
import type { Queryable } from '../db/database';

/** Every session, refresh token and signing key of one person, on every tablet. */
export async function revokeAccountCredentials(tx: Queryable, accountId: string, now: Date): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, now]);
  await tx.query('UPDATE signing_keys SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, now]);
}

/** Every session, refresh token and signing key bound to one tablet. */
export async function revokeDeviceCredentials(tx: Queryable, deviceId: string, now: Date): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [deviceId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [deviceId, now]);
  await tx.query('UPDATE signing_keys SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL', [deviceId, now]);
}

/** One sign-in's access and refresh tokens (logout, refresh-token reuse). */
export async function revokeFamily(tx: Queryable, familyId: string, now: Date): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, now]);
}
