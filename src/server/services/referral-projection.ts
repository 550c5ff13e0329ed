// Referral records (src/shared/records/referral.ts) projected into `referrals`:
// one row per named offer, with its first state changes, inside the push's
// transaction. The partner view and reports read only these rows — never the
// records table, so no screening content can ever reach a partner.
// A consent withdrawal deletes the case's referrals (and their state history,
// ON DELETE CASCADE) in the withdrawal's transaction.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';
import { auditEach } from './audit';
import type { SessionUser } from '@shared/protocol';
import type { SyncRecord } from '@shared/records/sync-record';
import type { ReferralRecord } from '@shared/records/sync-record';
import { initialStates } from '@domain/referral-state';
import { catalogueOffersNamed, isReferralSourceKind } from '@domain/referral-sources';
import { HANDOVER_TTL_DAYS } from '@shared/handover-api';
import { referralIdFromDigest, referralIdName } from '@shared/referral-id';
import { slipCodeHash } from './confirmation-secrets';
import { sealText, sharedNotePlace } from './content-seal';

/**
 * The referral's id: derived from the referral record's id and the offer (a
 * record may name several offers), so a retried or revised record maps onto
 * the same rows. A name-based UUID (version 8 layout).
 */
export function referralId(recordId: string, offerId: string): string {
  return referralIdFromDigest(createHash('sha256').update(referralIdName(recordId, offerId)).digest('hex'));
}

/**
 * The catalogue offers a record names (a referral's offers, a welcome visit's
 * recommended offers: domain/referral-sources) that the municipality's catalogue
 * does not hold, with the path to report (→ the record is refused); null when all are known.
 */
export async function unknownCatalogueOffers(
  db: Queryable,
  municipalityId: string,
  record: SyncRecord,
): Promise<{ path: string; offerIds: string[] } | null> {
  const named = catalogueOffersNamed(record);
  if (named === null || named.offerIds.length === 0) return null;
  const rows = await db.query<{ id: string }>(
    'SELECT id FROM offers WHERE municipality_id = $1 AND id IN (SELECT jsonb_array_elements_text($2::jsonb))',
    [municipalityId, JSON.stringify(named.offerIds)],
  );
  const known = new Set(rows.map((row) => row.id));
  const unknown = named.offerIds.filter((id) => !known.has(id));
  return unknown.length === 0 ? null : { path: named.path, offerIds: unknown };
}

/**
 * Creates the referral rows of newly stored referral records (other kinds are
 * ignored). A later revision of the same record adds rows for newly named
 * offers and leaves existing ones (and their states) as they are; an offer it
 * no longer names is withdrawn while the family has not yet taken it up
 * (suggested or handed over) and kept once a partner has seen the family.
 * An offer removed from the catalogue meanwhile is skipped. A call-back
 * request's sealed boxes are stored apart from the record (warm handover).
 */
export async function projectReferrals(tx: Queryable, user: SessionUser, records: readonly SyncRecord[]): Promise<void> {
  await linkLateSources(tx, user.municipalityId, records);
  const arrived = records.filter((record): record is ReferralRecord => record.kind === 'referral');
  if (arrived.length === 0) return;
  // A revision that arrives after a later one of the same record changes nothing (it would re-add withdrawn offers).
  const latest = await tx.query<{ id: string; revision: number }>(
    `SELECT id::text AS id, max(revision) AS revision FROM records
      WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)) GROUP BY id`,
    [JSON.stringify([...new Set(arrived.map((record) => record.id))])],
  );
  const latestRevision = new Map(latest.map((row) => [row.id, row.revision]));
  const referrals = arrived.filter((record) => record.revision >= (latestRevision.get(record.id) ?? record.revision));
  if (referrals.length === 0) return;
  const seen = new Set<string>();
  const rows = referrals
    .flatMap((record) =>
      record.content.offerIds.map((offerId) => {
        const states = initialStates(record.content.slipHandedOver);
        const slipCode = record.slipCodes?.find((c) => c.offerId === offerId)?.code;
        const id = referralId(record.id, offerId);
        const note = record.content.sharedNote ?? null;
        // Sealed under the server key, bound to this referral row (services/content-seal.ts).
        const sealedNote = note === null ? null : sealText(note, sharedNotePlace(user.municipalityId, id));
        return {
          id,
          caseNumber: record.caseNumber,
          offerId,
          recordId: record.id,
          sourceRecordId: record.content.sourceRecordId,
          district: record.content.district ?? null,
          language: record.content.language,
          sharedNote: sealedNote?.sealed ?? null,
          sealKeyId: sealedNote?.keyId ?? null,
          state: states[states.length - 1],
          states,
          // Only the hash: the code itself is on the family's slip and nowhere else.
          slipCodeHash: slipCode === undefined ? null : slipCodeHash(user.municipalityId, offerId, slipCode),
        };
      }),
    )
    .filter((row) => {
      if (seen.has(row.id)) return false;
      seen.add(row.id);
      return true;
    });
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, source_record_id,
                            district, created_by, created_at, state, state_changed_at, language, shared_note, seal_key_id, slip_code_hash)
     SELECT (r->>'id')::uuid, $1, r->>'caseNumber', o.id, o.type, (r->>'recordId')::uuid,
            -- Only a verified reference: a screening or welcome visit of the same case here (NULL otherwise).
            (SELECT s.id FROM records s
              WHERE s.id = (r->>'sourceRecordId')::uuid AND s.municipality_id = $1 AND s.case_number = r->>'caseNumber'
                AND s.kind IN ('screening', 'welcomeVisit') LIMIT 1),
            d.id, $2, now(), r->>'state', now(), r->>'language', r->>'sharedNote', r->>'sealKeyId', r->>'slipCodeHash'
       FROM jsonb_array_elements($3::jsonb) AS r
       JOIN offers o ON o.municipality_id = $1 AND o.id = r->>'offerId'
       LEFT JOIN districts d ON d.municipality_id = $1 AND d.id = r->>'district'
     ON CONFLICT (id) DO NOTHING
     RETURNING id::text AS id`,
    [user.municipalityId, user.id, JSON.stringify(rows)],
  );
  const created = new Set(inserted.map((row) => row.id));
  await withdrawDroppedOffers(tx, user, referrals);
  await storeWarmHandovers(tx, user, referrals, created);
  const changes = rows.filter((row) => created.has(row.id)).flatMap((row) => row.states.map((state) => ({ referralId: row.id, state })));
  if (changes.length === 0) return;
  await tx.query(
    `INSERT INTO referral_state_changes (municipality_id, referral_id, state, changed_at, changed_by)
     SELECT $1, (c->>'referralId')::uuid, c->>'state', now(), $2
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(c, n) ORDER BY n`,
    [user.municipalityId, user.id, JSON.stringify(changes)],
  );
}

/**
 * A revision that no longer names an offer: its referral disappears while
 * nobody has acted on it, unless a later revision of the record is already
 * here (a late, older revision changes nothing).
 */
async function withdrawDroppedOffers(tx: Queryable, user: SessionUser, records: readonly ReferralRecord[]): Promise<void> {
  const revised = records.filter((record) => record.revision > 1);
  if (revised.length === 0) return;
  const withdrawn = await tx.query<{ id: string }>(
    `DELETE FROM referrals r
      USING jsonb_array_elements($2::jsonb) AS x
      WHERE r.municipality_id = $1 AND r.record_id = (x->>'id')::uuid
        AND NOT (x->'offerIds' ? r.offer_id)
        AND r.state IN ('suggested', 'handedOver')
        AND NOT EXISTS (SELECT 1 FROM records later
                         WHERE later.id = (x->>'id')::uuid AND later.revision > (x->>'revision')::int)
      RETURNING r.id::text AS id`,
    [user.municipalityId, JSON.stringify(revised.map((r) => ({ id: r.id, revision: r.revision, offerIds: r.content.offerIds })))],
  );
  if (withdrawn.length === 0) return;
  await auditEach(
    tx,
    { municipalityId: user.municipalityId, actorId: user.id },
    withdrawn.map((row) => ({ action: 'referral.withdrawnByRevision', objectId: row.id })),
  );
}

/**
 * Warm handover: keeps the boxes sealed to keys of active partner staff of the
 * organisation running the offer (a box for any other key is dropped — the
 * tablet's key list may be older than a revocation), for 14 days. Only with a
 * referral's first arrival (`created`: the referral rows this push made);
 * nothing of it is in the record.
 */
async function storeWarmHandovers(
  tx: Queryable,
  user: SessionUser,
  records: readonly ReferralRecord[],
  created: ReadonlySet<string>,
): Promise<void> {
  // Only with the referral's first arrival: a later revision cannot ask again once a number was opened.
  const requests = records.flatMap((record) =>
    record.warmHandover === undefined || !created.has(referralId(record.id, record.warmHandover.offerId))
      ? []
      : [{ referralId: referralId(record.id, record.warmHandover.offerId), boxes: record.warmHandover.boxes }],
  );
  if (requests.length === 0) return;
  const stored = await tx.query<{ id: string }>(
    `INSERT INTO warm_handovers (referral_id, municipality_id, boxes, created_at, expires_at)
     SELECT ref.id, $1, b.boxes, now(), now() + make_interval(days => $3::int)
       FROM jsonb_array_elements($2::jsonb) AS h
       JOIN referrals ref ON ref.municipality_id = $1 AND ref.id = (h->>'referralId')::uuid
       JOIN offers o ON o.municipality_id = $1 AND o.id = ref.offer_id
       CROSS JOIN LATERAL (
         SELECT jsonb_agg(box ORDER BY n) AS boxes
           FROM jsonb_array_elements(h->'boxes') WITH ORDINALITY AS e(box, n)
           JOIN partner_handover_keys k ON k.municipality_id = $1 AND k.key_id = (box->>'keyId')::uuid
           JOIN staff_accounts s ON s.id = k.staff_id AND s.municipality_id = $1 AND s.active
                                AND 'partner' = ANY (s.roles) AND s.organisation_id = o.partner_organisation_id
       ) b
      WHERE b.boxes IS NOT NULL
     ON CONFLICT (referral_id) DO NOTHING
     RETURNING referral_id::text AS id`,
    [user.municipalityId, JSON.stringify(requests), HANDOVER_TTL_DAYS],
  );
  const kept = new Set(stored.map((row) => row.id));
  // Ids only: which referral got a call-back request, and which one none of whose boxes anyone here can open.
  await auditEach(
    tx,
    { municipalityId: user.municipalityId, actorId: user.id },
    requests.map((r) => ({ action: kept.has(r.referralId) ? 'handover.received' : 'handover.undeliverable', objectId: r.referralId })),
  );
}

/**
 * A referral can arrive before the record it was made from: the tablet sends
 * each person's records only while that person is signed in, so a colleague's
 * referral from a not yet sent screening comes first. When that screening or
 * welcome visit arrives, the referrals naming it (same case) get their verified
 * source — without it a partner would never see them.
 */
async function linkLateSources(tx: Queryable, municipalityId: string, records: readonly SyncRecord[]): Promise<void> {
  const sources = records
    .filter((record) => isReferralSourceKind(record.kind))
    .map((record) => ({ id: record.id, caseNumber: record.caseNumber }));
  if (sources.length === 0) return;
  await tx.query(
    `UPDATE referrals r SET source_record_id = (x->>'id')::uuid
       FROM jsonb_array_elements($2::jsonb) AS x
      WHERE r.municipality_id = $1 AND r.source_record_id IS NULL AND r.case_number = x->>'caseNumber'
        AND EXISTS (SELECT 1 FROM records ref
                     WHERE ref.id = r.record_id AND ref.municipality_id = $1 AND ref.content->>'sourceRecordId' = x->>'id')`,
    [municipalityId, JSON.stringify(sources)],
  );
}

/** Consent withdrawal: the case's referrals and their history disappear (the tombstone stays). */
export async function deleteReferralsOfCase(tx: Queryable, municipalityId: string, caseNumber: string): Promise<void> {
  await tx.query('DELETE FROM referrals WHERE municipality_id = $1 AND case_number = $2', [municipalityId, caseNumber]);
}
