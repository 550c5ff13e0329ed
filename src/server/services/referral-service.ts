// Referrals after they were made: the partner's look-up by case number and
// uptake marks, the coordinator's follow-up list and no-response marks, the
// municipality's no-response setting, and the tablet's pull of states.
// A partner sees only referrals to offers whose partner organisation is its
// own; every query reads `referrals` and `offers` only — never `records`.
// Every state change goes through the domain's state machine and is audited, and so is every
// referral a partner's look-up shows (`referral.viewed`).
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import type { FollowUpList, PartnerReferral, ReferralSecondCheck, ReferralSettings, TabletReferralStates } from '@shared/referral-api';
import { FAMILY_LANGUAGES } from '@shared/languages';
import type { FamilyLanguage } from '@shared/languages';
import { DEFAULT_NO_RESPONSE_WEEKS, canTransition, isReferralReason, isReferralState, overdueBefore } from '@domain/referral-state';
import type { ReferralActor, ReferralReason, ReferralState } from '@domain/referral-state';
import { ServiceError, defaultMessage } from './service-error';
import { AuditGroupCommit, audit, auditEach } from './audit';
import { openStoredOptional, sharedNotePlace } from './content-seal';
import { refusedUntilSql, type LookupGate } from './partner-lookup-limits';

interface ReferralRow {
  id: string;
  case_number: string;
  offer_id: string;
  offer_name: string;
  organisation: string;
  created_at: unknown;
  state: string;
  state_reason: string | null;
  state_changed_at: unknown;
  language: string;
  shared_note: string | null;
  municipality_id: string;
  seal_key_id: string | null;
}

interface CallbackJson {
  expiresAt: string;
  sealedToYou: boolean;
}

/**
 * A partner sees a referral only once the record it came from counts: it
 * needed no second check, or one of its revisions was approved. A referral
 * whose source this server could not verify is never shown to a partner.
 */
const SOURCE_VERIFIED = `EXISTS (SELECT 1 FROM records s
   WHERE s.id = r.source_record_id AND s.municipality_id = r.municipality_id
     AND (NOT s.needs_second_check OR s.approved_at IS NOT NULL))`;

/**
 * The referral record itself counts: its latest revision needed no second check (the municipality
 * does not require one for referrals) or a second person of the referring organisation approved it
 * (finding M2). Until then a partner's look-up, the public confirmation, the call-back handover and
 * the reports know nothing of it — exactly as if it did not exist.
 */
export const REFERRAL_APPROVED = `EXISTS (SELECT 1 FROM records x
   WHERE x.id = r.record_id AND x.municipality_id = r.municipality_id AND x.countable)`;

/** What a partner may see of a referral `r`: its source counts and the referral itself was checked. */
export const PARTNER_VISIBLE = `(${SOURCE_VERIFIED} AND ${REFERRAL_APPROVED})`;

/**
 * The counting rule for referrals (reports, exports): a referral counts exactly when a partner may
 * see it — its source counts and its own latest revision was checked where the municipality requires it.
 */
export const COUNTABLE_REFERRAL = PARTNER_VISIBLE;

/** Where a referral `r` stands in its own second check: done (or not needed), awaiting it, or sent back. */
const SECOND_CHECK_COLUMN = `CASE
    WHEN ${REFERRAL_APPROVED} THEN 'done'
    WHEN EXISTS (SELECT 1 FROM records x JOIN record_reviews v ON v.record_id = x.id AND v.revision = x.revision
                  WHERE x.id = r.record_id AND x.municipality_id = r.municipality_id AND NOT x.superseded
                    AND v.decision = 'sentBack') THEN 'sentBack'
    ELSE 'awaiting'
  END AS second_check`;

/** The referral's open call-back request (warm handover), if any: until when, and whether sealed to the caller's key. */
const callbackColumn = (userParam: string, nowParam: string): string => `
  (SELECT json_build_object('expiresAt', h.expires_at,
            'sealedToYou', EXISTS (SELECT 1 FROM partner_handover_keys k
                                    WHERE k.staff_id = ${userParam} AND k.municipality_id = r.municipality_id
                                      AND h.boxes @> jsonb_build_array(jsonb_build_object('keyId', k.key_id::text))))
     FROM warm_handovers h
    WHERE h.referral_id = r.id AND h.municipality_id = r.municipality_id AND h.expires_at > ${nowParam}) AS callback`;

function callbackOf(value: CallbackJson | null): PartnerReferral['callback'] {
  return value === null ? null : { expiresAt: toIsoTimestamp(value.expiresAt), sealedToYou: value.sealedToYou };
}

const PARTNER_COLUMNS = `r.id::text AS id, r.case_number, r.offer_id, o.name AS offer_name, o.organisation,
  r.created_at, r.state, r.state_reason, r.state_changed_at, r.language, r.shared_note,
  r.municipality_id, r.seal_key_id`;

function stateOf(value: string): ReferralState {
  if (!isReferralState(value)) throw new Error('unknown referral state in the database');
  return value;
}

function reasonOf(value: string | null | undefined): ReferralReason | null {
  return typeof value === 'string' && isReferralReason(value) ? value : null;
}

/** The municipality's no-response weeks (DEFAULT_NO_RESPONSE_WEEKS if unset). */
export async function noResponseWeeksOf(q: Queryable, municipalityId: string): Promise<number> {
  const [row] = await q.query<{ weeks: number }>(
    'SELECT referral_no_response_weeks AS weeks FROM municipality_settings WHERE municipality_id = $1',
    [municipalityId],
  );
  return row?.weeks ?? DEFAULT_NO_RESPONSE_WEEKS;
}

function languageOf(value: string): FamilyLanguage {
  return (FAMILY_LANGUAGES as readonly string[]).includes(value) ? (value as FamilyLanguage) : 'de';
}

function toPartnerReferral(row: ReferralRow): Omit<PartnerReferral, 'history' | 'callback'> {
  return {
    id: row.id,
    caseNumber: row.case_number,
    offerId: row.offer_id,
    offerName: row.offer_name,
    organisation: row.organisation,
    createdAt: toIsoTimestamp(row.created_at),
    state: stateOf(row.state),
    reason: reasonOf(row.state_reason),
    stateChangedAt: toIsoTimestamp(row.state_changed_at),
    language: languageOf(row.language),
    sharedNote: openStoredOptional(row.shared_note, row.seal_key_id, sharedNotePlace(row.municipality_id, row.id)),
  };
}

const notFound = (): ServiceError => new ServiceError(404, 'notFound', defaultMessage('notFound'));

export class ReferralService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
    private readonly auditLog: AuditGroupCommit = new AuditGroupCommit(db),
  ) {}

  /**
   * The partner's referrals for one case: only to offers of the partner's own organisation, and
   * nothing at all while the gate's miss limits refuse this partner or address (the statement
   * checks them first, so a refused partner learns nothing, not even a hit; `refusedUntil` is then
   * the end of the refusal, else null). Answered only once the audit entry of who saw which referral (never the case
   * number or anything else) is committed — written together with the entries of concurrent
   * look-ups (AuditGroupCommit), since this is the look-up a partner desk makes for every family.
   * One round trip, planned once per connection.
   */
  async lookupForPartner(
    user: SessionUser,
    caseNumber: string,
    gate: LookupGate,
  ): Promise<{ referrals: PartnerReferral[]; refusedUntil: string | null }> {
    const rows = await this.db.query<
      Partial<ReferralRow> & {
        refused_until: unknown;
        history: { state: string; reason: string | null; changed_at: string }[] | null;
        callback: CallbackJson | null;
      }
    >(
      `WITH gate AS (SELECT ${refusedUntilSql('$6', '$7', '$8')} AS refused_until),
       found AS (
         SELECT ${PARTNER_COLUMNS},
                (SELECT coalesce(json_agg(json_build_object('state', c.state, 'reason', c.reason, 'changed_at', c.changed_at) ORDER BY c.id), '[]'::json)
                   FROM referral_state_changes c
                  WHERE c.municipality_id = r.municipality_id AND c.referral_id = r.id) AS history,
                ${callbackColumn('$4', '$5')}
           FROM referrals r
           JOIN offers o ON o.municipality_id = r.municipality_id AND o.id = r.offer_id
          WHERE r.municipality_id = $1 AND r.case_number = $2 AND o.partner_organisation_id = $3 AND ${PARTNER_VISIBLE}
            AND NOT EXISTS (SELECT 1 FROM gate WHERE gate.refused_until > $5)
       )
       SELECT CASE WHEN gate.refused_until > $5 THEN gate.refused_until END AS refused_until, found.*
         FROM gate LEFT JOIN found ON true
        ORDER BY found.created_at, found.id`,
      [user.municipalityId, caseNumber, user.organisationId, user.id, gate.now, gate.subjects, gate.maxMisses, gate.windowMs],
      { prepare: true },
    );
    const refusedUntil = rows[0]?.refused_until;
    const found = rows.filter((row): row is ReferralRow & (typeof rows)[number] => typeof row.id === 'string');
    await this.auditLog.append(
      user.municipalityId,
      found.map((row) => ({ actorId: user.id, action: 'referral.viewed', objectId: row.id })),
    );
    return {
      refusedUntil: refusedUntil === null || refusedUntil === undefined ? null : toIsoTimestamp(refusedUntil),
      referrals: found.map((row) => ({
        ...toPartnerReferral(row),
        history: (row.history ?? []).map((change) => ({
          state: stateOf(change.state),
          reason: reasonOf(change.reason),
          changedAt: toIsoTimestamp(change.changed_at),
        })),
        callback: callbackOf(row.callback),
      })),
    };
  }

  /** A partner's uptake mark (contacted, started, completed, declined), with its reason, on a referral to its own offer. */
  async markAsPartner(
    user: SessionUser,
    referralId: string,
    to: ReferralState,
    reason: ReferralReason | null = null,
  ): Promise<PartnerReferral> {
    return this.changeState(user, referralId, to, 'partner', reason);
  }

  /** The coordinator's "no response" mark (with what the follow-up learned, if anything), only once the referral is overdue. */
  async markAsCoordinator(
    user: SessionUser,
    referralId: string,
    to: ReferralState,
    reason: ReferralReason | null = null,
  ): Promise<PartnerReferral> {
    return this.changeState(user, referralId, to, 'coordinator', reason);
  }

  async settings(user: SessionUser): Promise<ReferralSettings> {
    return { noResponseWeeks: await this.noResponseWeeks(this.db, user.municipalityId) };
  }

  async updateSettings(user: SessionUser, settings: ReferralSettings): Promise<ReferralSettings> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO municipality_settings (municipality_id, referral_no_response_weeks) VALUES ($1, $2)
         ON CONFLICT (municipality_id) DO UPDATE SET referral_no_response_weeks = EXCLUDED.referral_no_response_weeks,
           updated_at = now()`,
        [user.municipalityId, settings.noResponseWeeks],
      );
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'referral.settingsChanged', objectId: null });
    });
    return settings;
  }

  /** Referrals still awaiting uptake after the configured weeks, oldest first. */
  async followUp(user: SessionUser): Promise<FollowUpList> {
    const weeks = await this.noResponseWeeks(this.db, user.municipalityId);
    // A referral still awaiting its second check is listed with that state: the partner has not seen it yet.
    const rows = await this.db.query<ReferralRow & { second_check: ReferralSecondCheck }>(
      `SELECT ${PARTNER_COLUMNS}, ${SECOND_CHECK_COLUMN}
         FROM referrals r
         JOIN offers o ON o.municipality_id = r.municipality_id AND o.id = r.offer_id
        WHERE r.municipality_id = $1 AND r.state IN ('suggested', 'handedOver') AND r.state_changed_at <= $2
        ORDER BY r.state_changed_at, r.id
        LIMIT 500`,
      [user.municipalityId, overdueBefore(this.clock(), weeks)],
    );
    // The list shows case numbers: who saw which referral's (its id, never the case number), one entry each.
    await auditEach(
      this.db,
      { municipalityId: user.municipalityId, actorId: user.id },
      rows.map((row) => ({ action: 'read.followUp' as const, objectId: row.id })),
    );
    return {
      noResponseWeeks: weeks,
      referrals: rows.map((row) => ({
        id: row.id,
        caseNumber: row.case_number,
        offerId: row.offer_id,
        offerName: row.offer_name,
        organisation: row.organisation,
        state: stateOf(row.state),
        createdAt: toIsoTimestamp(row.created_at),
        stateChangedAt: toIsoTimestamp(row.state_changed_at),
        secondCheck: row.second_check,
      })),
    };
  }

  /** States of the referrals made from this tablet's records (changed after `since`, if given). */
  async statesForTablet(user: SessionUser, deviceId: string, since: string | undefined): Promise<TabletReferralStates> {
    const now = this.clock();
    const rows = await this.db.query<{
      id: string;
      record_id: string;
      case_number: string;
      offer_id: string;
      state: string;
      state_changed_at: unknown;
    }>(
      `SELECT r.id::text AS id, r.record_id::text AS record_id, r.case_number, r.offer_id, r.state, r.state_changed_at
         FROM referrals r
        WHERE r.municipality_id = $1
          AND EXISTS (SELECT 1 FROM records rec WHERE rec.id = r.record_id AND rec.municipality_id = $1 AND rec.device_id = $2)
          AND ($3::timestamptz IS NULL OR r.state_changed_at > $3::timestamptz)
        ORDER BY r.state_changed_at, r.id
        LIMIT 2000`,
      [user.municipalityId, deviceId, since ?? null],
    );
    return {
      serverTime: now.toISOString(),
      referrals: rows.map((row) => ({
        id: row.id,
        recordId: row.record_id,
        caseNumber: row.case_number,
        offerId: row.offer_id,
        state: stateOf(row.state),
        stateChangedAt: toIsoTimestamp(row.state_changed_at),
      })),
    };
  }

  private async changeState(
    user: SessionUser,
    referralId: string,
    to: ReferralState,
    actor: ReferralActor,
    reason: ReferralReason | null,
  ): Promise<PartnerReferral> {
    const now = this.clock();
    const outcome = await this.db.transaction(async (tx) => {
      // The partner finds only referrals to its own organisation's offers: another's answer 404, like a missing one.
      // A partner cannot mark a referral it cannot see (source or referral not yet checked): 404 as well.
      const [row] = await tx.query<ReferralRow & { callback: CallbackJson | null; visible: boolean }>(
        `SELECT ${PARTNER_COLUMNS}, ${callbackColumn('$4', '$5')}, ${PARTNER_VISIBLE} AS visible
           FROM referrals r
           JOIN offers o ON o.municipality_id = r.municipality_id AND o.id = r.offer_id
          WHERE r.municipality_id = $1 AND r.id = $2::uuid
            AND ($3::text IS NULL OR (o.partner_organisation_id = $3 AND ${PARTNER_VISIBLE}))
          FOR UPDATE OF r`,
        [user.municipalityId, referralId, actor === 'partner' ? user.organisationId : null, user.id, now],
      );
      if (!row) throw notFound();
      // The coordinator sees it in the follow-up, but "no response" from a partner that was never shown it would be untrue.
      if (!row.visible) return { refused: 'awaitingSecondCheck', from: stateOf(row.state) } as const;
      const from = stateOf(row.state);
      const verdict = canTransition(
        from,
        to,
        actor,
        {
          stateChangedAt: new Date(toIsoTimestamp(row.state_changed_at)),
          now,
          noResponseWeeks: await this.noResponseWeeks(tx, user.municipalityId),
        },
        reason,
      );
      if (!verdict.ok) return { refused: verdict.reason, from } as const;
      await tx.query(
        'UPDATE referrals SET state = $3, state_reason = $4, state_changed_at = $5 WHERE municipality_id = $1 AND id = $2::uuid',
        [user.municipalityId, referralId, to, reason, now],
      );
      await tx.query(
        `INSERT INTO referral_state_changes (municipality_id, referral_id, state, reason, changed_at, changed_by)
         VALUES ($1, $2::uuid, $3, $4, $5, $6)`,
        [user.municipalityId, referralId, to, reason, now, user.id],
      );
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: `referral.${to}`, objectId: referralId });
      const [updated] = await this.withHistory(tx, user.municipalityId, [
        { ...row, state: to, state_reason: reason, state_changed_at: now },
      ]);
      if (!updated) throw notFound();
      return { referral: { ...updated, callback: callbackOf(row.callback) } };
    });
    if ('referral' in outcome) return outcome.referral;
    // A reason that does not fit the state is audited (nothing changed): 400, the reason names the rule.
    if (outcome.refused === 'reasonRequired' || outcome.refused === 'reasonNotForState') {
      await audit(this.db, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'referral.refusedReason',
        objectId: referralId,
      });
      throw new ServiceError(400, 'invalidRequest', `This reason does not fit the state ${to}.`, [
        { path: 'reason', message: outcome.refused },
      ]);
    }
    if (outcome.refused === 'awaitingSecondCheck') {
      await audit(this.db, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'referral.refusedAwaitingCheck',
        objectId: referralId,
      });
      throw new ServiceError(409, 'conflict', 'This referral awaits its second check; the partner has not seen it yet.', [
        { path: 'state', message: 'awaitingSecondCheck' },
      ]);
    }
    throw new ServiceError(409, 'conflict', `This referral cannot move from ${outcome.from} to ${to}.`, [
      { path: 'state', message: outcome.refused },
    ]);
  }

  private async noResponseWeeks(q: Queryable, municipalityId: string): Promise<number> {
    return noResponseWeeksOf(q, municipalityId);
  }

  private async withHistory(
    q: Queryable,
    municipalityId: string,
    rows: readonly ReferralRow[],
  ): Promise<Omit<PartnerReferral, 'callback'>[]> {
    if (rows.length === 0) return [];
    const changes = await q.query<{ referral_id: string; state: string; reason: string | null; changed_at: unknown }>(
      `SELECT referral_id::text AS referral_id, state, reason, changed_at FROM referral_state_changes
        WHERE municipality_id = $1 AND referral_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
        ORDER BY id`,
      [municipalityId, JSON.stringify(rows.map((row) => row.id))],
    );
    return rows.map((row) => ({
      ...toPartnerReferral(row),
      history: changes
        .filter((change) => change.referral_id === row.id)
        .map((change) => ({ state: stateOf(change.state), reason: reasonOf(change.reason), changedAt: toIsoTimestamp(change.changed_at) })),
    }));
  }
}
