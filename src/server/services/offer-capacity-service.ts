// Free places of an offer (docs/REFERRALS.md, "Capacity"): the offer's partner
// sets them — signed in (only for its own organisation's offers) or on the
// public page with the offer's partner key alone (no slip code: the key names
// the offer). The public calls are throttled and audited like the confirmation
// look-up (services/confirmation-limits.ts, the same counts): throttle first,
// then the key, compared in constant time. Bad input → 400 with a reason,
// nothing changed; on the public page audited against the offer.
import { timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { withMunicipality } from '../db/tenant-scope';
import type { SessionUser } from '@shared/protocol';
import {
  offerCapacityInputSchema,
  type OfferCapacity,
  type OfferCapacityInput,
  type PartnerOfferCapacityList,
  type PublicCapacity,
} from '@shared/offer-capacity';
import { partnerKeyId } from '@domain/slip-code';
import { ServiceError } from './service-error';
import { audit, type AuditAction } from './audit';
import { partnerKeyHash } from './confirmation-secrets';
import { ConfirmationLimits, type ConfirmationSubjects } from './confirmation-limits';
import { ConfirmationThrottled } from './partner-confirmation-service';

/** The capacity columns of an `offers` row (migration 017). */
export interface CapacityColumns {
  capacity_status: string | null;
  capacity_places: number | null;
  capacity_set_at: unknown;
}

/** SQL select list for CapacityColumns (from `offers`, aliased or not). */
export const CAPACITY_COLUMNS = 'capacity_status, capacity_places, capacity_set_at';

/** A row's capacity, or null where none was set (or the row holds something the schema no longer knows). */
export function capacityOf(row: CapacityColumns): OfferCapacity | null {
  if (row.capacity_set_at === null || row.capacity_set_at === undefined) return null;
  const setAt = toIsoTimestamp(row.capacity_set_at);
  if (row.capacity_status === 'places' && row.capacity_places !== null) return { status: 'places', places: row.capacity_places, setAt };
  if (row.capacity_status === 'waitingList' || row.capacity_status === 'full') return { status: row.capacity_status, setAt };
  return null;
}

const WRONG_KEY = 'The partner key is wrong.';

interface KeyedOffer extends CapacityColumns {
  municipality_id: string;
  id: string;
  name: string;
  partner_key_hash: string;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A schema refusal as the error envelope's issues: the first problem's field and message. */
function badCapacity(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ServiceError {
  return new ServiceError(
    400,
    'invalidRequest',
    'Free places: a number from 0 to 999, "waitingList" or "full" (a number only with "places").',
    issues.slice(0, 5).map((issue) => ({ path: ['capacity', ...issue.path.map(String)].join('.'), message: issue.message })),
  );
}

export class OfferCapacityService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
    readonly limits: ConfirmationLimits = new ConfirmationLimits(),
  ) {}

  /** The signed-in partner's own offers (its organisation's), with their capacity. */
  async listForPartner(user: SessionUser): Promise<PartnerOfferCapacityList> {
    const rows = await this.db.query<CapacityColumns & { id: string; name: string }>(
      `SELECT id, name, ${CAPACITY_COLUMNS} FROM offers
        WHERE municipality_id = $1 AND partner_organisation_id = $2
        ORDER BY name COLLATE "C", id COLLATE "C"`,
      [user.municipalityId, user.organisationId],
    );
    return { offers: rows.map((row) => ({ offerId: row.id, offerName: row.name, capacity: capacityOf(row) })) };
  }

  /** Sets the capacity of one of the partner's own offers; another organisation's offer is not found (404). */
  async setAsPartner(user: SessionUser, offerId: string, input: OfferCapacityInput): Promise<PublicCapacity> {
    const capacity = offerCapacityInputSchema.safeParse(input);
    if (!capacity.success) throw badCapacity(capacity.error.issues);
    return this.db.transaction(async (tx) => {
      const row = await this.write(tx, user.municipalityId, offerId, capacity.data, user.id, 'AND partner_organisation_id = $7', [
        user.organisationId,
      ]);
      if (!row) throw new ServiceError(404, 'notFound', 'No offer of your organisation with this id.');
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'offer.capacitySet', objectId: offerId });
      return row;
    });
  }

  /** Public page: the offer the key names and its current capacity. Audited as a view. */
  async lookupWithKey(partnerKey: string, address: string): Promise<PublicCapacity> {
    return this.asKeyHolder(partnerKey, () => this.lookupWithKeyInMunicipality(partnerKey, address));
  }

  /**
   * The page has no session: the partner key's id names the municipality it acts for (the one
   * look-up across municipalities, migration 027); an unknown key acts for none.
   */
  private async asKeyHolder<T>(partnerKey: string, fn: () => Promise<T>): Promise<T> {
    return withMunicipality(await this.db.lookUpMunicipality('partnerKey', partnerKeyId(partnerKey)), fn);
  }

  private async lookupWithKeyInMunicipality(partnerKey: string, address: string): Promise<PublicCapacity> {
    const offer = await this.authorise(partnerKey, address);
    await audit(this.db, { municipalityId: offer.municipality_id, actorId: null, action: 'offer.capacityViewed', objectId: offer.id });
    return { offerName: offer.name, capacity: capacityOf(offer) };
  }

  /** Public page: sets the capacity of the offer the key names. Bad input after a right key → 400, audited. */
  async setWithKey(partnerKey: string, input: unknown, address: string): Promise<PublicCapacity> {
    return this.asKeyHolder(partnerKey, () => this.setWithKeyInMunicipality(partnerKey, input, address));
  }

  private async setWithKeyInMunicipality(partnerKey: string, input: unknown, address: string): Promise<PublicCapacity> {
    const offer = await this.authorise(partnerKey, address);
    const capacity = offerCapacityInputSchema.safeParse(input);
    if (!capacity.success) {
      await audit(this.db, { municipalityId: offer.municipality_id, actorId: null, action: 'offer.capacityRefused', objectId: offer.id });
      throw badCapacity(capacity.error.issues);
    }
    return this.db.transaction(async (tx) => {
      const row = await this.write(tx, offer.municipality_id, offer.id, capacity.data, null, 'AND partner_key_hash = $7', [
        offer.partner_key_hash,
      ]);
      // The key was rotated between the check and the write: as if it had been wrong.
      if (!row) throw new ServiceError(403, 'forbidden', WRONG_KEY);
      await audit(tx, {
        municipalityId: offer.municipality_id,
        actorId: null,
        action: 'offer.capacitySetWithPartnerKey',
        objectId: offer.id,
      });
      return row;
    });
  }

  private async write(
    q: Queryable,
    municipalityId: string,
    offerId: string,
    capacity: OfferCapacityInput,
    setBy: string | null,
    guard: string,
    guardParams: readonly unknown[] = [],
  ): Promise<PublicCapacity | undefined> {
    const [row] = await q.query<CapacityColumns & { name: string }>(
      `UPDATE offers SET capacity_status = $3, capacity_places = $4, capacity_set_at = $5, capacity_set_by = $6
        WHERE municipality_id = $1 AND id = $2 ${guard}
        RETURNING name, ${CAPACITY_COLUMNS}`,
      [
        municipalityId,
        offerId,
        capacity.status,
        capacity.status === 'places' ? capacity.places : null,
        this.clock(),
        setBy,
        ...guardParams,
      ],
    );
    return row ? { offerName: row.name, capacity: capacityOf(row) } : undefined;
  }

  /** Throttle first, then the key by its public id, compared in constant time; a failure is counted and, where the offer is known, audited. */
  private async authorise(partnerKey: string, address: string): Promise<KeyedOffer> {
    const now = this.clock();
    const keyId = partnerKeyId(partnerKey);
    const subjects: ConfirmationSubjects = { address, keyId };
    const [offer] = await this.db.query<KeyedOffer>(
      `SELECT municipality_id, id, name, partner_key_hash, ${CAPACITY_COLUMNS}
         FROM offers WHERE partner_key_id = $1 AND partner_key_hash IS NOT NULL`,
      [keyId],
    );
    const auditOffer = async (action: AuditAction): Promise<void> => {
      if (offer) await audit(this.db, { municipalityId: offer.municipality_id, actorId: null, action, objectId: offer.id });
    };
    const refusal = await this.limits.refusal(this.db, subjects, now);
    if (refusal !== null) {
      await auditOffer('security.confirmation.throttled');
      throw new ConfirmationThrottled(refusal.retryAfterSeconds);
    }
    if (!offer || !sameHash(offer.partner_key_hash, partnerKeyHash(partnerKey))) {
      await this.limits.recordFailure(this.db, subjects, now);
      await auditOffer('security.confirmation.wrongKey');
      throw new ServiceError(403, 'forbidden', WRONG_KEY);
    }
    return offer;
  }
}
