// The one door to the append-only audit log: who did what to which object —
// never content, never secrets, never a case number. Every action the server
// records is listed in AuditAction, so a new one is a reviewed change here.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { ReviewRejectionReason } from '@domain/four-eyes';
import type { ReferralState } from '@domain/referral-state';
import type { ReviewDecision } from '@shared/four-eyes';
import type { AuthorshipRefusal } from '@domain/record-authorship';
import type { PersonalDataKind } from '@domain/personal-data-detector';

/**
 * The municipality id under which entries that belong to no municipality are chained:
 * a sign-in with an unknown username, a refresh with an unknown token. No municipality
 * can have it (001_init.sql allows [a-z0-9-] only), so no admin's export shows it;
 * the operator reads it in the database.
 */
export const SERVER_WIDE_AUDIT = '*';

export type AuditAction =
  // sessions and tablets (failures and refusals: object is the client address)
  | 'session.created'
  | 'session.refreshed'
  | 'session.revoked'
  | 'session.refreshTokenReused'
  | 'session.refusedDeviceProof'
  | 'session.refusedRevokedDevice'
  // sign-in limits (object: the client address)
  | 'session.signInFailed'
  | 'session.accountLocked'
  | 'session.refusedAccountLocked'
  | 'session.refusedThrottled'
  | 'session.accountUnlocked'
  // an unknown username (filed under SERVER_WIDE_AUDIT; the typed name is not kept)
  | 'session.signInUnknownUser'
  // the municipality's sign-in limit was reached in this window (actor: the account whose failure reached it)
  | 'security.signIn.municipalityLimitReached'
  // a refresh token unknown, expired, of an inactive account, or naming a tablet its sign-in never had
  | 'session.refreshFailed'
  // a refresh after the sign-in's absolute lifetime (municipality settings); the sign-in is ended
  | 'session.lifetimeEnded'
  // passwords (services/password-service.ts): never the password itself
  | 'session.createdForPasswordChange'
  | 'session.oneTimePasswordExpired'
  | 'password.changed'
  | 'password.changeRefusedWrongPassword'
  | 'password.changeRefusedWeak'
  | 'password.changeRefusedExpired'
  | 'staff.passwordReset'
  | 'staff.createRefusedWeakPassword'
  | 'staff.passwordResetRefusedSelf'
  // safeguard settings that wait for a second admin (services/safeguard-changes.ts; object: the change)
  | 'settings.safeguardChangeProposed'
  | 'settings.safeguardChangeConfirmed'
  | 'settings.safeguardChangeRejected'
  | 'settings.safeguardChangeSuperseded'
  | 'settings.safeguardChangeRefusedSelf'
  | 'settings.safeguardsRaised'
  // the second factor of office sign-ins (second-factor-service.ts; failures: object is the client address, never a code)
  | 'session.secondFactorDue'
  | 'session.secondFactorEnrolmentDue'
  | 'secondFactor.enrolmentStarted'
  | 'secondFactor.enrolled'
  | 'secondFactor.recoveryCodeUsed'
  | 'security.secondFactor.wrongCode'
  | 'security.secondFactor.replayedCode'
  | 'security.secondFactor.malformedCode'
  | 'security.secondFactor.challengeEnded'
  | 'security.secondFactor.refusedThrottled'
  | 'security.secondFactor.unknownChallenge'
  // by an admin (object: the account, or the required roles)
  | 'secondFactor.reset'
  | 'secondFactor.policyChanged'
  // passkeys (WebAuthn; object: the credential id, never a key; refusals: the client address)
  | 'passkey.registered'
  | 'passkey.used'
  | 'passkey.removed'
  | 'security.passkey.refused'
  | 'security.passkey.removalRefused'
  | 'device.enrolled'
  | 'device.revoked'
  | 'signingKey.enrolled'
  // administration
  | 'settings.updated'
  | 'organisation.created'
  // the workflows an organisation's staff are offered (object: the organisation)
  | 'organisation.workflowsChanged'
  | 'staff.created'
  | 'staff.updated'
  | 'staff.rolesChanged'
  | 'staff.personLinked'
  | 'staff.deactivated'
  | 'staff.reactivated'
  | 'questionnaire.activated'
  | 'offer.created'
  | 'offer.changed'
  | 'offer.removed'
  | 'offer.imported'
  // records, reviews, reports
  | 'record.received'
  // pushed by a colleague on the same tablet; the author (records.author_id) proven by their signature
  | 'record.receivedOnBehalf'
  | `security.push.${AuthorshipRefusal}`
  // refused for personal data in free text (object: `<record id>#<field path>`; the kind in the action, never the text)
  | `record.refusedPersonalData.${PersonalDataKind}`
  | 'case.withdrawn'
  // a withdrawal of another organisation's case, stored as a request until that organisation confirms it
  // (object: the withdrawal record; the confirmation and its refusals name the request's withdrawal record too)
  | 'case.withdrawalRequested'
  | 'case.withdrawalConfirmed'
  | 'case.withdrawalConfirmRefused'
  | `review.${ReviewDecision}`
  | `review.rejected.${ReviewRejectionReason}`
  // a send-back comment refused for personal data (object: `<review id>#comment`; never the text)
  | `review.refusedPersonalData.${PersonalDataKind}`
  | `security.review.${ReviewRejectionReason}`
  | 'report.generated'
  // exports for evaluators (object: the period; never a figure or a case number)
  | 'export.fhirReferrals'
  | 'export.fhirQuestionnaires'
  | 'export.fhirScreenings'
  | 'export.screeningsCsv'
  // referrals and warm handovers
  | `referral.${ReferralState}`
  | 'referral.viewed'
  // a partner's look-up of a valid case number that found no referral to its offers (object: the client address, never the case number)
  | 'security.partnerLookup.miss'
  | 'security.partnerLookup.throttled'
  | 'referral.withdrawnByRevision'
  | 'referral.settingsChanged'
  // a coordinator's mark on a referral that still awaits its second check (nothing changed)
  | 'referral.refusedAwaitingCheck'
  // confirmation without an account (actor null; object: the referral, or the offer for a wrong key or code)
  | 'referral.refusedReason'
  | 'referral.confirmedWithPartnerKey'
  | 'referral.confirmationRefused'
  // a slip code of a referral awaiting its second check: answered exactly like an unknown code
  | 'referral.confirmationAwaitingCheck'
  | 'offer.partnerKeyIssued'
  | 'security.confirmation.wrongKey'
  | 'security.confirmation.wrongCode'
  | 'security.confirmation.throttled'
  // free places of an offer (object: the offer; actor null on the public page)
  | 'offer.capacitySet'
  | 'offer.capacitySetWithPartnerKey'
  | 'offer.capacityViewed'
  | 'offer.capacityRefused'
  | 'handover.keySet'
  | 'handover.received'
  | 'handover.undeliverable'
  | 'handover.opened'
  | 'security.handover.keyPasswordWrong'
  // the audit log itself
  | 'audit.exported'
  | 'audit.verified';

export interface AuditEntry {
  municipalityId: string;
  /** null for an action nobody signed in made. */
  actorId: string | null;
  action: AuditAction;
  objectId: string | null;
}

/** Appends one entry, in the caller's transaction if `q` is one. */
export async function audit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query('INSERT INTO audit_log (municipality_id, actor_id, action, object_id) VALUES ($1, $2, $3, $4)', [
    entry.municipalityId,
    entry.actorId,
    entry.action,
    entry.objectId,
  ]);
}

/** Appends one entry per item (one statement, in the items' order) by the same actor; nothing for none. */
export async function auditEach(
  q: Queryable,
  by: { municipalityId: string; actorId: string | null },
  items: readonly { action: AuditAction; objectId: string | null }[],
): Promise<void> {
  if (items.length === 0) return;
  await q.query(
    `INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
     SELECT $1, $2, x->>'action', x->>'objectId'
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(x, n)
      ORDER BY n`,
    [by.municipalityId, by.actorId, JSON.stringify(items)],
  );
}

/**
 * An INSERT into the audit log to embed in a larger statement (a data-modifying
 * CTE), so a read and the record of who made it commit as one: one row per row
 * of `from`. The arguments are SQL expressions of the caller's statement (its
 * parameters, its CTE's columns); the action is a literal from AuditAction.
 */
export function auditInsertSql(parts: {
  municipalityId: string;
  actorId: string;
  action: AuditAction;
  objectId: string;
  from: string;
}): string {
  const action = `'${parts.action.replaceAll("'", "''")}'`;
  return `INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
         SELECT ${parts.municipalityId}, ${parts.actorId}, ${action}, ${parts.objectId} FROM ${parts.from}`;
}

// ---------------------------------------------------------------------------
// The hash chain (migration 012): the database links every row to the one before
// it, per municipality. What follows reads the chain back and checks it, so an
// edited or deleted entry is found here or, from the JSON Lines export, by a
// separate log store that never trusted this database.

/** One chained entry as exported: exactly the fields the row hash covers, plus the hashes. */
export interface AuditChainEntry {
  seq: number;
  municipalityId: string;
  actorId: string | null;
  action: string;
  objectId: string | null;
  /** UTC with microseconds, as hashed (the column's full precision). */
  at: string;
  prevHash: string;
  rowHash: string;
}

/** prev_hash of a municipality's first entry. */
export const AUDIT_CHAIN_GENESIS = '0'.repeat(64);

/**
 * The serialisation the row hash covers, byte for byte as audit_chain_canonical() in
 * migration 012 builds it: "<octets>:<value>" per field, "-" for null, joined by "|".
 */
export function auditChainCanonical(entry: Omit<AuditChainEntry, 'rowHash'>): string {
  const fields = [String(entry.seq), entry.municipalityId, entry.actorId, entry.action, entry.objectId, entry.at, entry.prevHash];
  return fields.map((field) => (field === null ? '-' : `${Buffer.byteLength(field, 'utf8')}:${field}`)).join('|');
}

export function auditChainHash(entry: Omit<AuditChainEntry, 'rowHash'>): string {
  return createHash('sha256').update(auditChainCanonical(entry), 'utf8').digest('hex');
}

/** Why a link does not hold: a gap in the numbering (a deleted entry), a wrong back-link, or content that no longer matches its hash (an edit). */
export type AuditChainBreak = 'missingEntry' | 'prevHashMismatch' | 'rowHashMismatch';

export type AuditChainVerdict =
  | { intact: true; entries: number; lastHash: string }
  | { intact: false; entries: number; firstBrokenSeq: number; problem: AuditChainBreak };

/**
 * Checks entries in chain order, one at a time (so an export of any size streams
 * through it); the verdict names the first link that does not hold. A deleted last
 * entry leaves no gap: comparing lastHash with a copy kept elsewhere finds it.
 */
export class AuditChainVerifier {
  private entries = 0;
  private lastHash = AUDIT_CHAIN_GENESIS;
  private broken: { firstBrokenSeq: number; problem: AuditChainBreak } | null = null;

  add(entry: AuditChainEntry): void {
    this.entries += 1;
    if (this.broken) return;
    const expectedSeq = this.entries;
    if (entry.seq !== expectedSeq) this.broken = { firstBrokenSeq: expectedSeq, problem: 'missingEntry' };
    else if (entry.prevHash !== this.lastHash) this.broken = { firstBrokenSeq: entry.seq, problem: 'prevHashMismatch' };
    else if (auditChainHash(entry) !== entry.rowHash) this.broken = { firstBrokenSeq: entry.seq, problem: 'rowHashMismatch' };
    else this.lastHash = entry.rowHash;
  }

  verdict(): AuditChainVerdict {
    return this.broken
      ? { intact: false, entries: this.entries, ...this.broken }
      : { intact: true, entries: this.entries, lastHash: this.lastHash };
  }
}

interface AuditChainRow {
  seq: string;
  municipality_id: string;
  actor_id: string | null;
  action: string;
  object_id: string | null;
  at: string;
  prev_hash: string;
  row_hash: string;
}

/** Reads a municipality's chain in order, in pages, so an export never holds the whole log in memory. */
export async function* readAuditChain(q: Queryable, municipalityId: string, pageSize = 1000): AsyncGenerator<AuditChainEntry> {
  let after = 0;
  for (;;) {
    const rows = await q.query<AuditChainRow>(
      `SELECT chain_seq::text AS seq, municipality_id, actor_id, action, object_id,
              to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, prev_hash, row_hash
         FROM audit_log WHERE municipality_id = $1 AND chain_seq > $2
        ORDER BY chain_seq LIMIT $3`,
      [municipalityId, after, pageSize],
    );
    for (const row of rows) {
      yield {
        seq: Number(row.seq),
        municipalityId: row.municipality_id,
        actorId: row.actor_id,
        action: row.action,
        objectId: row.object_id,
        at: row.at,
        prevHash: row.prev_hash,
        rowHash: row.row_hash,
      };
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.seq);
  }
}

/** Verifies a municipality's chain as the database holds it now. */
export async function verifyAuditChain(q: Queryable, municipalityId: string): Promise<AuditChainVerdict> {
  const verifier = new AuditChainVerifier();
  for await (const entry of readAuditChain(q, municipalityId)) verifier.add(entry);
  return verifier.verdict();
}
