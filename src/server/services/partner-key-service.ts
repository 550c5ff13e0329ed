// The offer's partner key (confirmation without an account): the coordinator
// issues it for an offer and can rotate it at any time; the new key is shown
// once, only its SHA-256 and public key id are kept, and the old key stops
// working at once. Issuing is audited (never the key).
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { generatePartnerKey, partnerKeyId } from '@domain/slip-code';
import { ServiceError, defaultMessage } from './service-error';
import { audit } from './audit';
import { partnerKeyHash } from './confirmation-secrets';

export interface PartnerKeyStatus {
  offerId: string;
  keyId: string | null;
  issuedAt: string | null;
}

/** Key ids are drawn at random (20 bits); a clash with another offer's key is drawn again. */
const MAX_DRAWS = 5;

export class PartnerKeyService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(user: SessionUser): Promise<PartnerKeyStatus[]> {
    const rows = await this.db.query<{ id: string; partner_key_id: string | null; partner_key_issued_at: unknown }>(
      'SELECT id, partner_key_id, partner_key_issued_at FROM offers WHERE municipality_id = $1 ORDER BY id',
      [user.municipalityId],
    );
    return rows.map((row) => ({
      offerId: row.id,
      keyId: row.partner_key_id,
      issuedAt: row.partner_key_issued_at === null ? null : toIsoTimestamp(row.partner_key_issued_at),
    }));
  }

  /** Issues a new key for the offer (replacing any old one) and returns it — the only time it is ever seen. */
  async issue(user: SessionUser, offerId: string): Promise<{ offerId: string; partnerKey: string; issuedAt: string }> {
    const now = this.clock();
    for (let draw = 0; draw < MAX_DRAWS; draw += 1) {
      const partnerKey = generatePartnerKey();
      const keyId = partnerKeyId(partnerKey);
      // Key ids are unique across municipalities; only the look-up sees the others'.
      if ((await this.db.lookUpMunicipality('partnerKey', keyId)) !== null) continue;
      const issued = await this.db.transaction(async (tx) => {
        const updated = await tx.query<{ id: string }>(
          `UPDATE offers SET partner_key_id = $3, partner_key_hash = $4, partner_key_issued_at = $5
            WHERE municipality_id = $1 AND id = $2 RETURNING id`,
          [user.municipalityId, offerId, keyId, partnerKeyHash(partnerKey), now],
        );
        if (updated.length === 0) return 'missing' as const;
        await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.partnerKeyIssued', objectId: offerId });
        return 'issued' as const;
      });
      if (issued === 'missing') throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
      return { offerId, partnerKey, issuedAt: now.toISOString() };
    }
    throw new ServiceError(409, 'conflict', 'No free key id was found; please try again.');
  }
}
