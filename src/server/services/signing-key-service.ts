// Four-eyes signing keys (DESIGN.md §4): one ECDSA P-256 public key per person
// and tablet. A new key for the same person and tablet revokes the previous one.
// The key is imported with WebCrypto before it is stored, so only real P-256
// SPKI keys get in; it is stored re-exported (canonical form).
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import type { SigningKey } from '@shared/staff-api';
import { exportPublicKey, importPublicKey } from '@shared/crypto/signing';
import { ServiceError, defaultMessage } from './service-error';
import { audit } from './audit';
import { isUniqueViolation } from '../db/sql-errors';

interface SigningKeyRow {
  id: string;
  account_id: string;
  device_id: string;
  public_key: string;
  created_at: unknown;
  revoked_at: unknown;
}

const KEY_COLUMNS = 'id::text AS id, account_id, device_id::text AS device_id, public_key, created_at, revoked_at';

function toSigningKey(row: SigningKeyRow): SigningKey {
  return {
    keyId: row.id,
    accountId: row.account_id,
    deviceId: row.device_id,
    publicKey: row.public_key,
    createdAt: toIsoTimestamp(row.created_at),
    revokedAt: row.revoked_at === null ? null : toIsoTimestamp(row.revoked_at),
  };
}

/** The key in canonical SPKI form, or null if it is not an ECDSA P-256 public key. */
async function canonicalP256Key(publicKey: string): Promise<string | null> {
  try {
    return await exportPublicKey(await importPublicKey(publicKey));
  } catch {
    return null;
  }
}

export class SigningKeyService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {}

  async enroll(user: SessionUser, request: { deviceId: string; publicKey: string }): Promise<SigningKey> {
    const publicKey = await canonicalP256Key(request.publicKey);
    if (publicKey === null) {
      throw new ServiceError(400, 'invalidRequest', 'The public key is not an ECDSA P-256 key.', [
        { path: 'publicKey', message: 'invalidPublicKey' },
      ]);
    }
    const now = this.clock();
    try {
      return await this.db.transaction(async (tx) => {
        const [device] = await tx.query<{ revoked_at: unknown }>(
          'SELECT revoked_at FROM devices WHERE id = $1 AND municipality_id = $2 FOR UPDATE',
          [request.deviceId, user.municipalityId],
        );
        if (!device) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
        if (device.revoked_at !== null) throw new ServiceError(403, 'deviceRevoked', defaultMessage('deviceRevoked'));
        await tx.query(
          `UPDATE signing_keys SET revoked_at = $4
            WHERE account_id = $1 AND device_id = $2 AND municipality_id = $3 AND revoked_at IS NULL`,
          [user.id, request.deviceId, user.municipalityId, now],
        );
        const [row] = await tx.query<SigningKeyRow>(
          `INSERT INTO signing_keys (id, municipality_id, account_id, device_id, public_key, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING ${KEY_COLUMNS}`,
          [randomUUID(), user.municipalityId, user.id, request.deviceId, publicKey, now],
        );
        if (!row) throw new Error('signing key insert returned nothing');
        await audit(tx, {
          municipalityId: user.municipalityId,
          actorId: user.id,
          action: 'signingKey.enrolled',
          objectId: row.id,
        });
        return toSigningKey(row);
      });
    } catch (error) {
      // Two enrollments for the same person and tablet at once: one wins.
      if (isUniqueViolation(error)) throw new ServiceError(409, 'conflict', defaultMessage('conflict'));
      throw error;
    }
  }

  /** Every key of the municipality, revoked ones included (old signatures stay verifiable). */
  async list(user: SessionUser): Promise<SigningKey[]> {
    const rows = await this.db.query<SigningKeyRow>(
      `SELECT ${KEY_COLUMNS} FROM signing_keys WHERE municipality_id = $1 ORDER BY created_at, id`,
      [user.municipalityId],
    );
    return rows.map(toSigningKey);
  }
}
