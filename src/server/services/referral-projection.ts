// Referral records (src/shared/records/referral.ts) projected into `referrals`:
// one row per named offer, with its first state changes, inside the push's
// transaction. The partner view and reports read only these rows — never the
// records table, so no screening content can ever reach a partner.
// A consent withdrawal deletes the case's referrals (and their state history,
// ON DELETE CASCADE) in the withdrawal's transaction.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { SessionUser } from '../../shared/protocol';
import type { SyncRecord } from '../../shared/records/sync-record';
import type { ReferralRecord } from '../../shared/records/sync-record';
import { initialStates } from '../../domain/referral-state';

/**
 * The referral's id: derived from the referral record's id and the offer (a
 * record may name several offers), so a retried or revised record maps onto
 * the same rows. A name-based UUID (version 8 layout).
 */
export function referralId(recordId: string, offerId: string): string {
  const hex = createHash('sha256').update(`lotse-referral/${recordId}/${offerId}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The offers a referral names that the municipality's catalogue does not hold (→ the record is refused). */
export async function unknownReferralOffers(db: Queryable, municipalityId: string, record: SyncRecord): Promise<string[]> {
  if (record.kind !== 'referral') return [];
  const rows = await db.query<{ id: string }>(
    'SELECT id FROM offers WHERE municipality_id = $1 AND id IN (SELECT jsonb_array_elements_text($2::jsonb))',
    [municipalityId, JSON.stringify(record.content.offerIds)],
  );
  const known = new Set(rows.map((row) => row.id));
  return record.content.offerIds.filter((id) => !known.has(id));
}

/**
 * Creates the referral rows of newly stored referral records (other kinds are
 * ignored). A later revision of the same record adds rows for newly named
 * offers and leaves existing ones (and their states) as they are. An offer
 * removed from the catalogue meanwhile is skipped.
 */
export async function projectReferrals(tx: Queryable, user: SessionUser, records: readonly SyncRecord[]): Promise<void> {
  const referrals = records.filter((record): record is ReferralRecord => record.kind === 'referral');
  if (referrals.length === 0) return;
  const seen = new Set<string>();
  const rows = referrals.flatMap((record) =>
    record.content.offerIds.map((offerId) => {
      const states = initialStates(record.content.slipHandedOver);
      return {
        id: referralId(record.id, offerId),
        caseNumber: record.caseNumber,
        offerId,
        recordId: record.id,
        sourceRecordId: record.content.sourceRecordId,
        district: record.content.district ?? null,
        language: record.content.language,
        sharedNote: record.content.sharedNote ?? null,
        state: states[states.length - 1],
        states,
      };
    }),
  ).filter((row) => {
    if (seen.has(row.id)) return false;
    seen.add(row.id);
    return true;
  });
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, source_record_id,
                            district, created_by, created_at, state, state_changed_at, language, shared_note)
     SELECT (r->>'id')::uuid, $1, r->>'caseNumber', o.id, o.type, (r->>'recordId')::uuid,
            -- Only a verified reference: a screening or welcome visit of the same case here (NULL otherwise).
            (SELECT s.id FROM records s
              WHERE s.id = (r->>'sourceRecordId')::uuid AND s.municipality_id = $1 AND s.case_number = r->>'caseNumber'
                AND s.kind IN ('screening', 'welcomeVisit') LIMIT 1),
            d.id, $2, now(), r->>'state', now(), r->>'language', r->>'sharedNote'
       FROM jsonb_array_elements($3::jsonb) AS r
       JOIN offers o ON o.municipality_id = $1 AND o.id = r->>'offerId'
       LEFT JOIN districts d ON d.municipality_id = $1 AND d.id = r->>'district'
     ON CONFLICT (id) DO NOTHING
     RETURNING id::text AS id`,
    [user.municipalityId, user.id, JSON.stringify(rows)],
  );
  const created = new Set(inserted.map((row) => row.id));
  const changes = rows
    .filter((row) => created.has(row.id))
    .flatMap((row) => row.states.map((state) => ({ referralId: row.id, state })));
  if (changes.length === 0) return;
  await tx.query(
    `INSERT INTO referral_state_changes (municipality_id, referral_id, state, changed_at, changed_by)
     SELECT $1, (c->>'referralId')::uuid, c->>'state', now(), $2
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(c, n) ORDER BY n`,
    [user.municipalityId, user.id, JSON.stringify(changes)],
  );
}

/** Consent withdrawal: the case's referrals and their history disappear (the tombstone stays). */
export async function deleteReferralsOfCase(tx: Queryable, municipalityId: string, caseNumber: string): Promise<void> {
  await tx.query('DELETE FROM referrals WHERE municipality_id = $1 AND case_number = $2', [municipalityId, caseNumber]);
}
