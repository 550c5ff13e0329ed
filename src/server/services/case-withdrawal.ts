// Carrying out a consent withdrawal (DESIGN.md §3) and deciding who may (finding M5). A withdrawal
// takes effect at once when its author belongs to an organisation that recorded a consent of the
// case, or is a coordinator of the municipality; a withdrawal of another organisation's case is
// stored as a request that waits for that organisation (services/withdrawal-service.ts confirms
// it). The family's right to withdraw is never refused: the record is accepted either way, and
// the tablet tells the family which organisation is responsible.
import type { Queryable } from '../db/database';
import { WITHDRAWALS_LOCK_SEED } from '../db/advisory-locks';
import { audit } from './audit';
import { deleteReferralsOfCase } from './referral-projection';

export type WithdrawalAuthority =
  { immediate: true } | { immediate: false; requestingOrganisationId: string; responsibleOrganisationId: string };

/**
 * Whether a withdrawal by `authorId` erases the case now. The responsible organisation is the one
 * whose staff recorded the case's latest consent; a case with no consent here has nothing of
 * another organisation to protect.
 */
export async function withdrawalAuthority(
  tx: Queryable,
  municipalityId: string,
  caseNumber: string,
  authorId: string,
): Promise<WithdrawalAuthority> {
  const [row] = await tx.query<{
    organisation_id: string;
    coordinator: boolean;
    responsible: string | null;
    own_consent: boolean;
  }>(
    `SELECT a.organisation_id, 'coordinator' = ANY (a.roles) AS coordinator,
            (SELECT ca.organisation_id FROM records c
               JOIN staff_accounts ca ON ca.id = c.author_id AND ca.municipality_id = c.municipality_id
              WHERE c.municipality_id = $1 AND c.case_number = $2 AND c.kind = 'consent'
              ORDER BY c.received_seq DESC LIMIT 1) AS responsible,
            EXISTS (SELECT 1 FROM records c
                      JOIN staff_accounts ca ON ca.id = c.author_id AND ca.municipality_id = c.municipality_id
                     WHERE c.municipality_id = $1 AND c.case_number = $2 AND c.kind = 'consent'
                       AND ca.organisation_id = a.organisation_id) AS own_consent
       FROM staff_accounts a
      WHERE a.id = $3 AND a.municipality_id = $1`,
    [municipalityId, caseNumber, authorId],
  );
  if (!row || row.coordinator || row.own_consent || row.responsible === null) return { immediate: true };
  return { immediate: false, requestingOrganisationId: row.organisation_id, responsibleOrganisationId: row.responsible };
}

/** Stores the request (once per withdrawal record) and audits it — nothing of the case is deleted. */
export async function requestWithdrawal(
  tx: Queryable,
  by: { municipalityId: string; actorId: string },
  request: {
    withdrawalId: string;
    caseNumber: string;
    authorId: string;
    requestingOrganisationId: string;
    responsibleOrganisationId: string;
  },
): Promise<void> {
  const stored = await tx.query(
    `INSERT INTO withdrawal_requests (municipality_id, withdrawal_record_id, case_number, requested_by,
                                      requesting_organisation_id, responsible_organisation_id)
     VALUES ($1, $2::uuid, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING
     RETURNING withdrawal_record_id`,
    [
      by.municipalityId,
      request.withdrawalId,
      request.caseNumber,
      request.authorId,
      request.requestingOrganisationId,
      request.responsibleOrganisationId,
    ],
  );
  if (stored.length === 0) return;
  await audit(tx, {
    municipalityId: by.municipalityId,
    actorId: by.actorId,
    action: 'case.withdrawalRequested',
    objectId: request.withdrawalId,
  });
}

/**
 * Deletes every row of the case in the municipality (all kinds, all revisions) except the
 * withdrawal record itself, its referrals and any open requests, leaves the tombstone and
 * audits it. Content-free: the audit entry names only the withdrawal record.
 */
export async function withdrawCase(
  tx: Queryable,
  by: { municipalityId: string; actorId: string },
  caseNumber: string,
  withdrawalId: string,
  withdrawalRevision: number,
): Promise<void> {
  const { municipalityId } = by;
  await tx.query(
    `DELETE FROM records
      WHERE municipality_id = $1 AND case_number = $2 AND NOT (id = $3::uuid AND revision = $4)`,
    [municipalityId, caseNumber, withdrawalId, withdrawalRevision],
  );
  await deleteReferralsOfCase(tx, municipalityId, caseNumber);
  await tx.query('DELETE FROM withdrawal_requests WHERE municipality_id = $1 AND case_number = $2', [municipalityId, caseNumber]);
  // Withdrawals of one municipality commit one after the other, each stamped after the previous one
  // committed: a tablet pulling with `since` = the last withdrawnAt it saw can never skip one.
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || '/withdrawals', ${WITHDRAWALS_LOCK_SEED}))`, [municipalityId]);
  await tx.query(
    `INSERT INTO case_tombstones (municipality_id, case_number, withdrawn_at, withdrawal_record_id)
     VALUES ($1, $2, clock_timestamp(), $3::uuid)
     ON CONFLICT (municipality_id, case_number) DO NOTHING`,
    [municipalityId, caseNumber, withdrawalId],
  );
  await audit(tx, { municipalityId, actorId: by.actorId, action: 'case.withdrawn', objectId: withdrawalId });
}
