// The offer catalogue in Open Referral's Human Services Data Specification (HSDS 3.1), so that
// others (a municipal family app, a 211-style directory) can read it without retyping it, and
// Lotse can read it back. One offer is one HSDS service with its organisation, location,
// schedule, languages and costs; what HSDS has no field for (offer type, age phases, fields,
// the partner organisation) travels as attributes of a Lotse taxonomy (docs/HSDS.md).
// HSDS ids are UUIDs: derived (UUIDv5) from the municipality and the offer id, so the same offer
// always gets the same ids and a service whose id does not fit its offer id is refused on import.
// Pure apart from hashing: offers in, HSDS out; HSDS in, the catalogue file's cells out.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { OFFER_FILE_COLUMNS } from '@shared/referral-api';
import type { ManagedOffer, OfferFileColumn, OfferFileProblem } from '@shared/referral-api';
import type { OfferCapacity } from '@shared/offer-capacity';
import { LANGUAGE_LABELS, OFFER_FILE_HEADERS, OFFER_TYPE_LABELS, readableNames, type OfferFileReferences } from './offer-file-format';

/** Lotse's own namespace for UUIDv5 ids (random, fixed forever: changing it changes every exported id). */
const LOTSE_NAMESPACE = '5f0c6d8e-2b7a-4c1e-9a53-0d7e4b1f8c21';
const TAXONOMY_NAME = 'Lotse-Angebotsmerkmale';
const DISTRICT_URI_PREFIX = 'urn:lotse:district:';

/** The Lotse taxonomy's terms: each carries one offer field HSDS has no place for, as the attribute's value. */
export const LOTSE_TERMS = {
  offerId: { code: 'offer-id', name: 'Kennung', description: 'Die Kennung des Angebots in Lotse (ändert sich nie).' },
  offerType: { code: 'offer-type', name: 'Art des Angebots', description: 'Die Art des Angebots als Lotse-Code.' },
  agePhase: { code: 'age-phase', name: 'Altersphase', description: 'Eine Altersphase, für die das Angebot gedacht ist (Lotse-Code).' },
  field: { code: 'field', name: 'Bereich', description: 'Ein Bereich des Angebots (Lotse-Code).' },
  partnerOrganisation: {
    code: 'partner-organisation',
    name: 'Partnerorganisation',
    description: 'Die Organisation, die in Lotse die Inanspruchnahme bestätigt (Name oder Kennung).',
  },
} as const;
type TermKey = keyof typeof LOTSE_TERMS;

/** RFC 4122 version 5 (SHA-1, name-based): the same name always gives the same UUID. */
export function uuidV5(name: string, namespace: string = LOTSE_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The HSDS id of an offer's part (`service`, `location`, …): the municipality keeps two tenants' ids apart. */
export const hsdsId = (municipalityId: string, offerId: string, part: string): string =>
  uuidV5(`${municipalityId}/offer/${offerId}/${part}`);
const organisationHsdsId = (municipalityId: string, name: string): string => uuidV5(`${municipalityId}/organisation/${name}`);
const TAXONOMY_ID = uuidV5('taxonomy');
const TERM_KEYS = Object.keys(LOTSE_TERMS) as TermKey[];
// Computed once: every attribute of every service names one of these (hashing per attribute made a large import slow).
const TERM_IDS = new Map(TERM_KEYS.map((key) => [key, uuidV5(`taxonomy/${LOTSE_TERMS[key].code}`)]));
const termId = (key: TermKey): string => TERM_IDS.get(key) ?? '';

export interface HsdsTaxonomyTerm {
  id: string;
  code: string;
  name: string;
  description: string;
  taxonomy: string;
  taxonomy_id: string;
  language: string;
}
export interface HsdsAttribute {
  id: string;
  link_id: string;
  link_type: string;
  link_entity: string;
  taxonomy_term_id: string;
  value: string;
  label: string;
  taxonomy_term: HsdsTaxonomyTerm;
}
export interface HsdsAddress {
  id: string;
  location_id: string;
  address_1: string;
  city: string;
  state_province: string;
  postal_code: string;
  country: string;
  address_type: 'physical';
}
export interface HsdsLocation {
  id: string;
  location_type: 'physical';
  organization_id: string;
  name: string;
  addresses: HsdsAddress[];
}
export interface HsdsService {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  status: 'active';
  organization: { id: string; name: string; description: string };
  phones: { id: string; service_id: string; number: string }[];
  schedules: { id: string; service_id: string; description: string }[];
  service_areas: { id: string; service_id: string; name: string; uri: string }[];
  service_at_locations: { id: string; service_id: string; location_id: string; location: HsdsLocation }[];
  languages: { id: string; service_id: string; name: string; code: string }[];
  cost_options: { id: string; service_id: string; amount_description: string }[];
  required_documents: { id: string; service_id: string; document: string }[];
  /** Only where the partner set free places (docs/HSDS.md): JSON only, not in the package. */
  capacities?: HsdsServiceCapacity[];
  attributes: HsdsAttribute[];
}
/** HSDS `service_capacity`: available places as of `updated`; a waiting list or full offer has 0 available. */
export interface HsdsServiceCapacity {
  id: string;
  service_id: string;
  unit: { id: string; name: string };
  available: number;
  description: string;
  updated: string;
}
/** The JSON export: one page of HSDS's `GET /services` (openapi.json `Page`), every service complete. */
export interface HsdsCatalogue {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: HsdsService[];
}

export function lotseTaxonomyTerm(key: TermKey): HsdsTaxonomyTerm {
  return { id: termId(key), ...LOTSE_TERMS[key], taxonomy: TAXONOMY_NAME, taxonomy_id: TAXONOMY_ID, language: 'de' };
}
export const lotseTaxonomy = () => ({
  id: TAXONOMY_ID,
  name: TAXONOMY_NAME,
  description: 'Merkmale eines Lotse-Angebots, für die HSDS kein eigenes Feld hat (siehe docs/HSDS.md im Lotse-Repository).',
  version: '1',
});

/**
 * A free-text address "Street 1, 12345 City" becomes HSDS's address lines when it can be written
 * back exactly; any other text stays whole in address_1 (postal code and city then empty).
 */
function addressParts(text: string): { address_1: string; postal_code: string; city: string } {
  const match = /^(.+), (\d{5}) (.+)$/.exec(text);
  if (match !== null && `${match[1]}, ${match[2]} ${match[3]}` === text) {
    return { address_1: match[1] ?? '', postal_code: match[2] ?? '', city: match[3] ?? '' };
  }
  return { address_1: text, postal_code: '', city: '' };
}
const addressText = (address: { address_1: string; postal_code?: string | undefined; city?: string | undefined }): string =>
  address.postal_code && address.city ? `${address.address_1}, ${address.postal_code} ${address.city}` : address.address_1;

/** Lotse's one capacity unit, a place for a family; the same id everywhere. */
const PLACE_UNIT = { id: uuidV5('unit/place'), name: 'Platz' } as const;
const CAPACITY_DESCRIPTIONS: Record<OfferCapacity['status'], string> = {
  places: 'Freie Plätze',
  waitingList: 'Warteliste',
  full: 'Ausgebucht',
};

function capacityToHsds(capacity: OfferCapacity, serviceId: string, id: string): HsdsServiceCapacity {
  return {
    id,
    service_id: serviceId,
    unit: PLACE_UNIT,
    available: capacity.status === 'places' ? (capacity.places ?? 0) : 0,
    description: CAPACITY_DESCRIPTIONS[capacity.status],
    updated: capacity.setAt,
  };
}

/** One offer as an HSDS service with everything nested (what `GET /services/{id}` answers). */
export function offerToService(
  offer: ManagedOffer,
  municipalityId: string,
  references: OfferFileReferences,
  capacity: OfferCapacity | null = null,
): HsdsService {
  const id = (part: string) => hsdsId(municipalityId, offer.id, part);
  const serviceId = id('service');
  const organizationId = organisationHsdsId(municipalityId, offer.organisation);
  const districtLabels = new Map(references.districts.map((d) => [d.id, d.label]));
  const partnerNames = readableNames(references.organisations, (o) => o.name, false);
  const attribute = (key: TermKey, value: string, index = 0): HsdsAttribute => ({
    id: id(`attribute/${LOTSE_TERMS[key].code}/${index}`),
    link_id: serviceId,
    link_type: 'lotse',
    link_entity: 'service',
    taxonomy_term_id: termId(key),
    value,
    label: LOTSE_TERMS[key].name,
    taxonomy_term: lotseTaxonomyTerm(key),
  });
  const locationId = id('location');
  return {
    id: serviceId,
    organization_id: organizationId,
    name: offer.name,
    description: OFFER_TYPE_LABELS[offer.type],
    status: 'active',
    organization: { id: organizationId, name: offer.organisation, description: offer.organisation },
    phones: offer.phone === '' ? [] : [{ id: id('phone'), service_id: serviceId, number: offer.phone }],
    schedules: offer.hours === '' ? [] : [{ id: id('schedule'), service_id: serviceId, description: offer.hours }],
    service_areas: offer.districts.map((district) => ({
      id: id(`service-area/${district}`),
      service_id: serviceId,
      name: districtLabels.get(district) ?? district,
      uri: `${DISTRICT_URI_PREFIX}${district}`,
    })),
    service_at_locations:
      offer.address === ''
        ? []
        : [
            {
              id: id('service-at-location'),
              service_id: serviceId,
              location_id: locationId,
              location: {
                id: locationId,
                location_type: 'physical',
                organization_id: organizationId,
                name: offer.organisation,
                addresses: [
                  {
                    id: id('address'),
                    location_id: locationId,
                    ...addressParts(offer.address),
                    state_province: '',
                    country: 'DE',
                    address_type: 'physical',
                  },
                ],
              },
            },
          ],
    languages: offer.languages.map((code) => ({ id: id(`language/${code}`), service_id: serviceId, name: LANGUAGE_LABELS[code], code })),
    cost_options: offer.cost === '' ? [] : [{ id: id('cost-option'), service_id: serviceId, amount_description: offer.cost }],
    required_documents:
      offer.whatToBring === '' ? [] : [{ id: id('required-document'), service_id: serviceId, document: offer.whatToBring }],
    ...(capacity === null ? {} : { capacities: [capacityToHsds(capacity, serviceId, id('capacity'))] }),
    attributes: [
      attribute('offerId', offer.id),
      attribute('offerType', offer.type),
      ...offer.agePhases.map((phase, index) => attribute('agePhase', phase, index)),
      ...offer.fields.map((field, index) => attribute('field', field, index)),
      ...(offer.partnerOrganisationId === null
        ? []
        : [attribute('partnerOrganisation', partnerNames.get(offer.partnerOrganisationId) ?? offer.partnerOrganisationId)]),
    ],
  };
}

export function offersToHsds(
  offers: readonly ManagedOffer[],
  municipalityId: string,
  references: OfferFileReferences,
  capacities: ReadonlyMap<string, OfferCapacity> = new Map(),
): HsdsCatalogue {
  const contents = offers.map((offer) => offerToService(offer, municipalityId, references, capacities.get(offer.id) ?? null));
  return {
    total_items: contents.length,
    total_pages: 1,
    page_number: 1,
    size: contents.length,
    first_page: true,
    last_page: true,
    empty: contents.length === 0,
    contents,
  };
}

// Reading: only what Lotse needs of a service, other HSDS fields are allowed and ignored.
const text = z.string().max(4000);
const withId = { id: z.string().max(100) };
const attributeSchema = z.object({
  ...withId,
  value: text.optional().nullable(),
  taxonomy_term_id: z.string().max(100).optional().nullable(),
  taxonomy_term: z
    .object({ id: z.string().max(100).optional(), code: text.optional().nullable() })
    .optional()
    .nullable(),
});
export const hsdsServiceReadSchema = z.object({
  ...withId,
  name: text,
  organization_id: z.string().max(100).optional().nullable(),
  organization: z
    .object({ ...withId, name: text })
    .optional()
    .nullable(),
  phones: z
    .array(z.object({ number: text }))
    .max(20)
    .optional(),
  schedules: z
    .array(z.object({ description: text.optional().nullable() }))
    .max(20)
    .optional(),
  service_areas: z
    .array(z.object({ name: text.optional().nullable(), uri: text.optional().nullable() }))
    .max(200)
    .optional(),
  service_at_locations: z
    .array(
      z.object({
        location_id: z.string().max(100).optional().nullable(),
        location: z
          .object({
            ...withId,
            addresses: z
              .array(z.object({ address_1: text, postal_code: text.optional(), city: text.optional() }))
              .max(20)
              .optional(),
          })
          .optional()
          .nullable(),
      }),
    )
    .max(20)
    .optional(),
  languages: z
    .array(z.object({ code: text.optional().nullable(), name: text.optional().nullable() }))
    .max(50)
    .optional(),
  cost_options: z
    .array(z.object({ amount_description: text.optional().nullable() }))
    .max(20)
    .optional(),
  required_documents: z
    .array(z.object({ document: text.optional().nullable() }))
    .max(20)
    .optional(),
  attributes: z.array(attributeSchema).max(200).optional(),
});
export type HsdsServiceRead = z.infer<typeof hsdsServiceReadSchema>;
export const hsdsCatalogueReadSchema = z.object({ contents: z.array(z.unknown()) });

/** Several entries of one kind (two phone numbers) cannot all fit one Lotse field: the first is taken, in file order. */
const first = <T>(list: readonly T[] | undefined): T | undefined => list?.[0];

function termOf(attribute: z.infer<typeof attributeSchema>): TermKey | undefined {
  return TERM_KEYS.find((key) => attribute.taxonomy_term_id === termId(key) || attribute.taxonomy_term?.code === LOTSE_TERMS[key].code);
}

/**
 * The columns HSDS carries: all but "Anfahrt" (and the texts in other languages, which are no columns of
 * OFFER_FILE_COLUMNS). HSDS 3.1 has no per-language texts; an HSDS import keeps what is stored for them.
 */
type HsdsColumn = Exclude<OfferFileColumn, 'directions'>;
const HSDS_COLUMNS = OFFER_FILE_COLUMNS.filter((column): column is HsdsColumn => column !== 'directions');
/** The catalogue file's header row, so HSDS goes through the very checks a spreadsheet goes through. */
export const hsdsHeaderRow = (): string[] => HSDS_COLUMNS.map((column) => OFFER_FILE_HEADERS[column]);

export interface HsdsRows {
  /** The header and one row per service, cells as the catalogue file has them. */
  rows: string[][];
  /** What only HSDS can get wrong (a service id that does not belong to its offer id); `row` as `rows` numbers it. */
  problems: OfferFileProblem[];
}

/**
 * Services to the catalogue file's cells (codes, which the file reader accepts as well as the German labels).
 * `rowOf(index)` is what a problem calls the service's place: the position in `contents`, or the line of services.csv.
 */
export function servicesToRows(services: readonly unknown[], municipalityId: string, rowOf: (index: number) => number): HsdsRows {
  const problems: OfferFileProblem[] = [];
  const at = (index: number, column: OfferFileColumn | null, kind: OfferFileProblem['problem'], value: string | null = null) =>
    problems.push({
      row: rowOf(index),
      column: column === null ? null : OFFER_FILE_HEADERS[column],
      value,
      allowed: null,
      max: null,
      problem: kind,
    });
  const rows = services.map((raw, index) => {
    const parsed = hsdsServiceReadSchema.safeParse(raw);
    if (!parsed.success) {
      at(index, null, 'notHsdsService');
      return [];
    }
    const service = parsed.data;
    const values = (key: TermKey) => (service.attributes ?? []).filter((a) => termOf(a) === key).map((a) => (a.value ?? '').trim());
    const ids = values('offerId');
    const offerId = ids[0] ?? '';
    if (ids.length > 1) at(index, 'id', 'notHsdsService', offerId);
    // The service id is derived from the offer id: another id means the Kennung was edited (or the file is another
    // municipality's); the offer's id never changes, so the file is refused rather than guessed at.
    if (offerId !== '' && service.id !== hsdsId(municipalityId, offerId, 'service')) at(index, 'id', 'hsdsIdMismatch', service.id);
    if (service.organization && service.organization_id && service.organization.id !== service.organization_id) {
      at(index, 'organisation', 'hsdsIdMismatch', service.organization_id);
    }
    const location = first(service.service_at_locations)?.location;
    const address = first(location?.addresses);
    const districts = (service.service_areas ?? []).map((area) =>
      area.uri?.startsWith(DISTRICT_URI_PREFIX) ? area.uri.slice(DISTRICT_URI_PREFIX.length) : (area.name ?? ''),
    );
    const cells: Record<HsdsColumn, string> = {
      id: offerId,
      name: service.name,
      organisation: service.organization?.name ?? '',
      type: first(values('offerType')) ?? '',
      agePhases: values('agePhase').join(', '),
      fields: values('field').join(', '),
      districts: districts.join(', '),
      languages: (service.languages ?? []).map((language) => language.code ?? language.name ?? '').join(', '),
      cost: first(service.cost_options)?.amount_description ?? '',
      address: address === undefined ? '' : addressText(address),
      phone: first(service.phones)?.number ?? '',
      hours: first(service.schedules)?.description ?? '',
      whatToBring: first(service.required_documents)?.document ?? '',
      partnerOrganisationId: first(values('partnerOrganisation')) ?? '',
    };
    return HSDS_COLUMNS.map((column) => cells[column]);
  });
  return { rows: [hsdsHeaderRow(), ...rows], problems };
}
