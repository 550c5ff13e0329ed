// Withdrawal requests (finding M5, ./case-withdrawal.ts): the pending withdrawals of another
// organisation's cases, listed for the organisation responsible for them, and confirmed by one of
// its approvers or coordinators — or by a coordinator of the municipality — which carries the
// withdrawal out everywhere. A refusal changes nothing and is audited.
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { CASE_LOCK_SEED } from '../db/advisory-locks';
import type { SessionUser } from '@shared/protocol';
import type { WithdrawalConfirmed, WithdrawalRequestList } from '@shared/withdrawal-api';
import { ServiceError, defaultMessage } from './service-error';
import { audit } from './audit';
import { withdrawCase } from './case-withdrawal';

const isCoordinator = (user: SessionUser): boolean => user.roles.includes('coordinator');

export class WithdrawalService {
  constructor(private readonly db: Database) {}

  /** The requests the person may confirm: their organisation's, or the whole municipality's for a coordinator. */
  async pending(user: SessionUser): Promise<WithdrawalRequestList> {
    const rows = await this.db.query<{
      withdrawal_id: string;
      case_number: string;
      requested_at: unknown;
      requesting: string;
      responsible: string;
    }>(
      `SELECT w.withdrawal_record_id::text AS withdrawal_id, w.case_number, w.requested_at,
              rq.name AS requesting, rs.name AS responsible
         FROM withdrawal_requests w
         JOIN organisations rq ON rq.id = w.requesting_organisation_id AND rq.municipality_id = w.municipality_id
         JOIN organisations rs ON rs.id = w.responsible_organisation_id AND rs.municipality_id = w.municipality_id
        WHERE w.municipality_id = $1 AND ($2::text IS NULL OR w.responsible_organisation_id = $2)
        ORDER BY w.requested_at, w.withdrawal_record_id
        LIMIT 500`,
      [user.municipalityId, isCoordinator(user) ? null : user.organisationId],
    );
    return {
      requests: rows.map((row) => ({
        withdrawalId: row.withdrawal_id,
        caseNumber: row.case_number,
        requestedAt: toIsoTimestamp(row.requested_at),
        requestingOrganisation: row.requesting,
        responsibleOrganisation: row.responsible,
      })),
    };
  }

  /** Carries out a pending withdrawal: 404 for none (or another municipality's), 403 for another organisation's. */
  async confirm(user: SessionUser, withdrawalId: string): Promise<WithdrawalConfirmed> {
    const outcome = await this.db.transaction(async (tx) => {
      const [request] = await tx.query<{ case_number: string; responsible: string }>(
        `SELECT case_number, responsible_organisation_id AS responsible FROM withdrawal_requests
          WHERE municipality_id = $1 AND withdrawal_record_id = $2::uuid`,
        [user.municipalityId, withdrawalId],
      );
      if (!request) return { refused: 404 } as const;
      if (!isCoordinator(user) && request.responsible !== user.organisationId) return { refused: 403 } as const;
      // As a push naming the case: a record of it and its withdrawal never interleave.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, ${CASE_LOCK_SEED}))`, [
        user.municipalityId,
        request.case_number,
      ]);
      const [record] = await tx.query<{ revision: number }>(
        `SELECT revision FROM records WHERE municipality_id = $1 AND id = $2::uuid AND kind = 'consentWithdrawal'
          ORDER BY revision DESC LIMIT 1`,
        [user.municipalityId, withdrawalId],
      );
      if (!record) return { refused: 404 } as const;
      const by = { municipalityId: user.municipalityId, actorId: user.id };
      await audit(tx, { ...by, action: 'case.withdrawalConfirmed', objectId: withdrawalId });
      await withdrawCase(tx, by, request.case_number, withdrawalId, record.revision);
      const [tombstone] = await tx.query<{ withdrawn_at: unknown }>(
        'SELECT withdrawn_at FROM case_tombstones WHERE municipality_id = $1 AND case_number = $2',
        [user.municipalityId, request.case_number],
      );
      return { withdrawnAt: toIsoTimestamp(tombstone?.withdrawn_at ?? new Date()) } as const;
    });
    if ('withdrawnAt' in outcome) return { withdrawnAt: outcome.withdrawnAt };
    await audit(this.db, {
      municipalityId: user.municipalityId,
      actorId: user.id,
      action: 'case.withdrawalConfirmRefused',
      objectId: withdrawalId,
    });
    if (outcome.refused === 404) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
    throw new ServiceError(
      403,
      'forbidden',
      'Only the organisation responsible for this case, or a coordinator, confirms its withdrawal.',
      [{ path: 'withdrawalId', message: 'notResponsibleOrganisation' }],
    );
  }
}
