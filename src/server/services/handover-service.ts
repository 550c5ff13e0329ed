// Warm handover on the server (src/shared/handover-api.ts): partner staff keep
// their handover key here (the private key only wrapped under a passphrase this
// server never sees), tablets get the public keys per offer with the
// catalogue, and a partner opens a call-back request once — the answer carries
// the one box sealed to that person's key, and every box of the request is
// deleted in the same transaction. Unopened boxes are deleted after 14 days.
// This server can route and delete the boxes; it cannot open one.
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { inEachMunicipality } from '../db/tenant-scope';
import type { SessionUser } from '@shared/protocol';
import type { CallbackKeys, HandoverKeyEnrollment, HandoverKeyResponse, HandoverRevealResponse } from '@shared/handover-api';
import { MAX_HANDOVER_RECIPIENTS, handoverBoxSchema } from '@shared/handover-api';
import { HandoverBoxError, importHandoverPublicKey } from '@shared/crypto/handover-box';
import { ServiceError, defaultMessage } from './service-error';
import { audit } from './audit';
import { isUniqueViolation } from '../db/sql-errors';
import { verifyPassword } from './auth-service';
import { PARTNER_VISIBLE } from './referral-service';

/**
 * Deletes the boxes of call-back requests older than 14 days; returns how many requests
 * (jobs/handover-purge.ts). One municipality at a time: the job sees no rows across them.
 */
export async function purgeExpiredHandovers(db: Database, now: Date): Promise<number> {
  const purged = await inEachMunicipality(
    db,
    async () => (await db.query('DELETE FROM warm_handovers WHERE expires_at <= $1 RETURNING referral_id', [now])).length,
  );
  return purged.reduce((a, b) => a + b, 0);
}

/** The public keys a tablet seals to, per offer: active partner staff of the organisation running it. */
export async function callbackKeysFor(db: Queryable, municipalityId: string): Promise<CallbackKeys> {
  const rows = await db.query<{ offer_id: string; keys: { keyId: string; publicKey: string }[] }>(
    `SELECT o.id AS offer_id,
            json_agg(json_build_object('keyId', k.key_id::text, 'publicKey', k.public_key) ORDER BY k.key_id) AS keys
       FROM offers o
       JOIN staff_accounts s ON s.municipality_id = o.municipality_id AND s.organisation_id = o.partner_organisation_id
                            AND s.active AND 'partner' = ANY (s.roles)
       JOIN partner_handover_keys k ON k.staff_id = s.id AND k.municipality_id = o.municipality_id
      WHERE o.municipality_id = $1
      GROUP BY o.id
      ORDER BY o.id COLLATE "C"`,
    [municipalityId],
  );
  return rows.map((row) => ({ offerId: row.offer_id, keys: row.keys.slice(0, MAX_HANDOVER_RECIPIENTS) }));
}

const noRequest = (): ServiceError => new ServiceError(404, 'notFound', defaultMessage('notFound'));

export class HandoverService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async key(user: SessionUser): Promise<HandoverKeyResponse> {
    const [row] = await this.db.query<{
      key_id: string;
      public_key: string;
      wrapped_private_key: HandoverKeyEnrollment['wrapped'];
      created_at: unknown;
    }>(
      `SELECT key_id::text AS key_id, public_key, wrapped_private_key, created_at
         FROM partner_handover_keys WHERE staff_id = $1 AND municipality_id = $2`,
      [user.id, user.municipalityId],
    );
    return {
      key:
        row === undefined
          ? null
          : { keyId: row.key_id, publicKey: row.public_key, wrapped: row.wrapped_private_key, createdAt: toIsoTimestamp(row.created_at) },
    };
  }

  /**
   * Enrols (or replaces) one's own handover key. Call-back requests sealed to
   * the old key can then be opened only by colleagues whose keys they were
   * also sealed to; tablets seal to the new key after their next pull.
   */
  async setKey(user: SessionUser, enrollment: HandoverKeyEnrollment): Promise<HandoverKeyResponse> {
    const [account] = await this.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM staff_accounts WHERE id = $1 AND municipality_id = $2 AND active',
      [user.id, user.municipalityId],
    );
    if (!account || !(await verifyPassword(enrollment.password, account.password_hash))) {
      await audit(this.db, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'security.handover.keyPasswordWrong',
        objectId: null,
      });
      throw new ServiceError(403, 'forbidden', 'The password is wrong; the key was not changed.', [
        { path: 'password', message: 'wrongPassword' },
      ]);
    }
    try {
      await importHandoverPublicKey(enrollment.publicKey);
    } catch (error) {
      if (!(error instanceof HandoverBoxError)) throw error;
      throw new ServiceError(400, 'invalidRequest', 'The public key is not an ECDH P-256 key.', [
        { path: 'publicKey', message: 'invalidKey' },
      ]);
    }
    const keyIdInUse = () =>
      new ServiceError(409, 'conflict', 'This key id is already in use.', [{ path: 'keyId', message: 'keyIdInUse' }]);
    try {
      await this.db.transaction(async (tx) => {
        const [current] = await tx.query<{ key_id: string; public_key: string }>(
          'SELECT key_id::text AS key_id, public_key FROM partner_handover_keys WHERE staff_id = $1 AND municipality_id = $2 FOR UPDATE',
          [user.id, user.municipalityId],
        );
        // The same id again: a retry of the same key is fine, another key under an old id never (boxes name ids).
        if (current?.key_id === enrollment.keyId) {
          if (current.public_key !== enrollment.publicKey) throw keyIdInUse();
          return;
        }
        await tx.query(
          `INSERT INTO partner_handover_keys (staff_id, municipality_id, key_id, public_key, wrapped_private_key, created_at)
           VALUES ($1, $2, $3::uuid, $4, $5::jsonb, $6)
           ON CONFLICT (staff_id) DO UPDATE SET key_id = EXCLUDED.key_id, public_key = EXCLUDED.public_key,
             wrapped_private_key = EXCLUDED.wrapped_private_key, created_at = EXCLUDED.created_at`,
          [user.id, user.municipalityId, enrollment.keyId, enrollment.publicKey, JSON.stringify(enrollment.wrapped), this.clock()],
        );
        await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'handover.keySet', objectId: enrollment.keyId });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw keyIdInUse();
      throw error;
    }
    return this.key(user);
  }

  /**
   * Hands the caller the box sealed to their key and deletes every box of the
   * request in the same transaction: shown once. 404 for no (or an expired)
   * request, another organisation's referral or one partners cannot see yet;
   * 409 — nothing deleted — when `keyId` (the key the caller's browser has
   * unlocked) is not the caller's current key, or no box is sealed to it.
   */
  async reveal(user: SessionUser, referralId: string, keyId: string): Promise<HandoverRevealResponse> {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ record_id: string; offer_id: string; boxes: unknown[]; key_id: string | null }>(
        `SELECT r.record_id::text AS record_id, r.offer_id, h.boxes,
                (SELECT k.key_id::text FROM partner_handover_keys k WHERE k.staff_id = $4 AND k.municipality_id = $1) AS key_id
           FROM warm_handovers h
           JOIN referrals r ON r.id = h.referral_id AND r.municipality_id = h.municipality_id
           JOIN offers o ON o.municipality_id = r.municipality_id AND o.id = r.offer_id
          WHERE h.municipality_id = $1 AND h.referral_id = $2::uuid AND o.partner_organisation_id = $3 AND h.expires_at > $5
            AND ${PARTNER_VISIBLE}
          FOR UPDATE OF h`,
        [user.municipalityId, referralId, user.organisationId, user.id, now],
      );
      if (!row) throw noRequest();
      if (row.key_id !== keyId) {
        throw new ServiceError(409, 'conflict', 'The key this browser unlocked is not your current handover key.', [
          { path: 'keyId', message: 'notYourCurrentKey' },
        ]);
      }
      const box = row.boxes
        .map((candidate) => handoverBoxSchema.safeParse(candidate))
        .find((parsed) => parsed.success && parsed.data.keyId === keyId);
      if (!box?.success) {
        throw new ServiceError(409, 'conflict', 'This call-back request was not sealed to your current handover key.', [
          { path: 'key', message: 'notSealedToYourKey' },
        ]);
      }
      await tx.query('DELETE FROM warm_handovers WHERE municipality_id = $1 AND referral_id = $2::uuid', [user.municipalityId, referralId]);
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'handover.opened', objectId: referralId });
      return { recordId: row.record_id, offerId: row.offer_id, box: box.data };
    });
  }
}
