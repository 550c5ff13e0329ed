// The local network's offer catalogue (src/shared/offers.ts): what a tablet
// pulls to suggest offers offline. Organisation data only — never a family's.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { compactTranslations, offerSchema } from '@shared/offers';
import type { CatalogOffer, Offer, OfferCatalogResponse } from '@shared/offers';
import type { SessionUser } from '@shared/protocol';
import type { CallbackKeys } from '@shared/handover-api';
import { callbackKeysFor } from './handover-service';
import { CAPACITY_COLUMNS, capacityOf, type CapacityColumns } from './offer-capacity-service';

/** An `offers` row as the tablet's catalogue reads it. */
export interface OfferRow {
  id: string;
  name: string;
  organisation: string;
  type: string;
  age_phases: string[];
  fields: string[];
  districts: string[];
  languages: string[];
  cost: string;
  address: string;
  phone: string;
  hours: string;
  what_to_bring: string;
  directions: string;
  /** jsonb: the family texts in other languages (offerTranslationsSchema), checked when read. */
  translations: unknown;
}

/** The columns every reader of an offer row selects (OfferRow). */
export const OFFER_COLUMNS = `id, name, organisation, type, age_phases, fields, districts, languages,
  cost, address, phone, hours, what_to_bring, directions, translations`;

/** A row's fields under the shared schema's names, not yet checked (callers parse them). */
export function offerFields(row: OfferRow): Record<keyof Offer, unknown> {
  return {
    id: row.id,
    name: row.name,
    organisation: row.organisation,
    type: row.type,
    agePhases: row.age_phases,
    fields: row.fields,
    districts: row.districts,
    languages: row.languages,
    cost: row.cost,
    address: row.address,
    phone: row.phone,
    hours: row.hours,
    whatToBring: row.what_to_bring,
    directions: row.directions,
    translations: row.translations,
  };
}

/** Inserts (or replaces) one offer of a municipality; `updated_at` becomes now. */
export async function insertOffer(db: Queryable, municipalityId: string, offer: Offer): Promise<void> {
  const o = offerSchema.parse(offer);
  await db.query(
    `INSERT INTO offers (municipality_id, id, name, organisation, type, age_phases, fields, districts, languages,
                         cost, address, phone, hours, what_to_bring, directions, translations, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8::text[], $9::text[], $10, $11, $12, $13, $14, $15, $16::jsonb, now())
     ON CONFLICT (municipality_id, id) DO UPDATE SET
       name = EXCLUDED.name, organisation = EXCLUDED.organisation, type = EXCLUDED.type,
       age_phases = EXCLUDED.age_phases, fields = EXCLUDED.fields, districts = EXCLUDED.districts,
       languages = EXCLUDED.languages, cost = EXCLUDED.cost, address = EXCLUDED.address, phone = EXCLUDED.phone,
       hours = EXCLUDED.hours, what_to_bring = EXCLUDED.what_to_bring, directions = EXCLUDED.directions,
       translations = EXCLUDED.translations, updated_at = now()`,
    [
      municipalityId,
      o.id,
      o.name,
      o.organisation,
      o.type,
      o.agePhases,
      o.fields,
      o.districts,
      o.languages,
      o.cost,
      o.address,
      o.phone,
      o.hours,
      o.whatToBring,
      o.directions ?? '',
      JSON.stringify(compactTranslations(o.translations)),
    ],
  );
}

/**
 * An offer as a tablet without the family-texts feature parses it: without `directions` and
 * `translations` (its schema is strict), so its catalogue still arrives — in German, as before.
 */
export function withoutFamilyTexts(offer: CatalogOffer): CatalogOffer {
  const { directions: _directions, translations: _translations, ...rest } = offer;
  return rest;
}

/**
 * The catalogue's version: a SHA-256 over the offers as sent, so it changes
 * when an offer is added, changed or removed (a max(updated_at) would miss a
 * removal), and is the same for an unchanged catalogue on every server.
 */
export function catalogVersion(offers: readonly CatalogOffer[], callbackKeys: CallbackKeys = []): string {
  const hash = createHash('sha256').update(JSON.stringify(offers));
  if (callbackKeys.length > 0) hash.update(JSON.stringify(callbackKeys));
  return hash.digest('hex').slice(0, 32);
}

export class OfferService {
  constructor(private readonly db: Database) {}

  /**
   * The municipality's offers, by name in byte order (COLLATE "C": the same
   * order, hence the same version, whatever the database's locale; the tablet
   * sorts for display itself). A row the shared schema no longer
   * accepts (say, a type since removed) is left out rather than failing the
   * whole pull: the tablet keeps working with the rest.
   *
   * `features.capacity`: the partners' free places ride along (and change the
   * version) — only for tablets that asked for them; `features.familyTexts`:
   * how to get there and the texts in other languages, likewise. Older tablets
   * parse each offer strictly and get the catalogue as before.
   */
  async catalog(
    user: SessionUser,
    now: Date = new Date(),
    features: { capacity?: boolean; familyTexts?: boolean } = {},
  ): Promise<OfferCatalogResponse> {
    const rows = await this.db.query<OfferRow & CapacityColumns>(
      `SELECT ${OFFER_COLUMNS}, ${CAPACITY_COLUMNS}
         FROM offers WHERE municipality_id = $1 ORDER BY name COLLATE "C", id COLLATE "C"`,
      [user.municipalityId],
    );
    const offers: CatalogOffer[] = [];
    for (const row of rows) {
      const parsed = offerSchema.safeParse(offerFields(row));
      if (!parsed.success) continue;
      const offer = features.familyTexts === true ? parsed.data : withoutFamilyTexts(parsed.data);
      const capacity = features.capacity === true ? capacityOf(row) : null;
      offers.push(capacity === null ? offer : { ...offer, capacity });
    }
    // The partner keys a call-back number is sealed to (warm handover); a new or replaced key changes the version too.
    const callbackKeys = await callbackKeysFor(this.db, user.municipalityId);
    return { serverTime: now.toISOString(), version: catalogVersion(offers, callbackKeys), offers, callbackKeys };
  }
}
