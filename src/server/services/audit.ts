// The one door to the append-only audit log: who did what to which object —
// never content, never secrets, never a case number (a read of cases names the
// records or referrals read, ids that lead to a case only inside this database). Every action the server
// records is listed in AuditAction, so a new one is a reviewed change here.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { withMunicipality } from '../db/tenant-scope';
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
  // reads of case-level data (object: the record or referral read, one entry per case item; docs/THREAT-MODEL.md)
  | 'read.reviewQueue'
  | 'read.followUp'
  // a lost-tablet report (object: the tablet)
  | 'read.tabletExposure'
  // a request refused for a missing or invalid sign-in (401) or a missing role or tablet (403);
  // object: "<method> <route pattern>" — never the URL with its ids. Those a service audited more specifically are not repeated.
  | 'security.denied.unauthorized'
  | 'security.denied.forbidden'
  // refusals without a sign-in beyond the per-minute audit cap (object: how many; the security log has each)
  | 'security.denied.unauditedCount'
  // retention (services/retention-service.ts; actor null; object: how many)
  | 'retention.recordsDeleted'
  | 'retention.referralsDeleted'
  | 'retention.sessionsDeleted'
  // the audit log itself; 'audit.expired' is the anchor after the oldest entries were deleted
  // (object: "<last deleted seq>:<its row hash>", written by audit_log_expire() in 028_retention.sql)
  | 'audit.expired'
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

/** One entry for AuditGroupCommit.append: the municipality is the append's. */
export interface GroupedAuditEntry {
  actorId: string | null;
  action: AuditAction;
  objectId: string | null;
}

interface PendingAppend {
  entries: readonly GroupedAuditEntry[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most this many entries in one statement; more wait for the next. */
const GROUP_COMMIT_MAX_ENTRIES = 2000;

async function insertGroup(db: Database, municipalityId: string, entries: readonly GroupedAuditEntry[]): Promise<void> {
  // Written in the entries' own municipality (row-level security, migration 027), whichever
  // request's context started the drain.
  await withMunicipality(municipalityId, () =>
    db.query(
      `INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
     SELECT $1, e.actor_id, e.action, e.object_id
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(actor_id, action, object_id, n)
      ORDER BY e.n`,
      [municipalityId, entries.map((e) => e.actorId), entries.map((e) => e.action), entries.map((e) => e.objectId)],
    ),
  );
}

/**
 * Appends the audit entries of concurrent requests together: one statement and
 * one commit per municipality for everything that arrived while the previous
 * append was being written ("group commit"). The chain (migration 012) holds a
 * lock per municipality until commit, so one commit per request would queue
 * every request of a municipality behind the one before it and its disk flush;
 * this is what limited the partner look-up under load. `append` resolves only
 * once its entries are committed, so a caller that answers after it never shows
 * anything unaudited; if the shared statement fails, each request's entries are
 * tried again on their own, so one request's failure cannot fail another's.
 * Entries of one append stay together and in order; appends are written in the
 * order they arrived.
 */
export class AuditGroupCommit {
  private readonly queues = new Map<string, PendingAppend[]>();

  constructor(private readonly db: Database) {}

  append(municipalityId: string, entries: readonly GroupedAuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(municipalityId);
      if (queue) {
        queue.push({ entries, resolve, reject });
        return;
      }
      this.queues.set(municipalityId, [{ entries, resolve, reject }]);
      void this.drain(municipalityId);
    });
  }

  /** Writes the municipality's queue until it is empty; the queue exists while this runs. */
  private async drain(municipalityId: string): Promise<void> {
    const queue = this.queues.get(municipalityId);
    if (!queue) return;
    while (queue.length > 0) {
      const group: PendingAppend[] = [];
      let size = 0;
      while (queue.length > 0 && (group.length === 0 || size + (queue[0]?.entries.length ?? 0) <= GROUP_COMMIT_MAX_ENTRIES)) {
        const next = queue.shift();
        if (!next) break;
        group.push(next);
        size += next.entries.length;
      }
      try {
        await insertGroup(
          this.db,
          municipalityId,
          group.flatMap((pending) => pending.entries),
        );
        for (const pending of group) pending.resolve();
      } catch (error) {
        if (group.length === 1) {
          group[0]?.reject(error);
          continue;
        }
        for (const pending of group) {
          try {
            await insertGroup(this.db, municipalityId, pending.entries);
            pending.resolve();
          } catch (own) {
            pending.reject(own);
          }
        }
      }
    }
    this.queues.delete(municipalityId);
  }
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

/**
 * Why a link does not hold: a gap in the numbering (a deleted entry), a wrong back-link, content that
 * no longer matches its hash (an edit), or a chain that starts after entry 1 with no anchor entry
 * ('audit.expired') naming the link it starts from (a beginning deleted outside the retention job).
 */
export type AuditChainBreak = 'missingEntry' | 'prevHashMismatch' | 'rowHashMismatch' | 'unanchoredStart';

export type AuditChainVerdict =
  | { intact: true; entries: number; lastHash: string; firstSeq: number }
  | { intact: false; entries: number; firstBrokenSeq: number; problem: AuditChainBreak };

/** The anchor's object: which link the remaining chain starts from. */
export function auditAnchorObject(lastDeletedSeq: number, lastDeletedHash: string): string {
  return `${String(lastDeletedSeq)}:${lastDeletedHash}`;
}

/**
 * Checks entries in chain order, one at a time (so an export of any size streams
 * through it); the verdict names the first link that does not hold. A chain whose
 * oldest entries were deleted by retention starts at a later entry: its back-link is
 * accepted when an anchor entry later in the chain names exactly that link. A deleted
 * last entry leaves no gap: comparing lastHash with a copy kept elsewhere finds it.
 */
export class AuditChainVerifier {
  private entries = 0;
  private firstSeq: number | null = null;
  private nextSeq = 1;
  private lastHash = AUDIT_CHAIN_GENESIS;
  private startAnchor: string | null = null;
  private anchorSeen = false;
  private broken: { firstBrokenSeq: number; problem: AuditChainBreak } | null = null;

  add(entry: AuditChainEntry): void {
    this.entries += 1;
    if (this.broken) return;
    if (this.firstSeq === null) {
      this.firstSeq = entry.seq;
      if (entry.seq > 1) {
        // Trusted only once the anchor turns up (checked in verdict()).
        this.nextSeq = entry.seq;
        this.lastHash = entry.prevHash;
        this.startAnchor = auditAnchorObject(entry.seq - 1, entry.prevHash);
      }
    }
    if (entry.seq !== this.nextSeq) this.broken = { firstBrokenSeq: this.nextSeq, problem: 'missingEntry' };
    else if (entry.prevHash !== this.lastHash) this.broken = { firstBrokenSeq: entry.seq, problem: 'prevHashMismatch' };
    else if (auditChainHash(entry) !== entry.rowHash) this.broken = { firstBrokenSeq: entry.seq, problem: 'rowHashMismatch' };
    else {
      this.lastHash = entry.rowHash;
      this.nextSeq = entry.seq + 1;
      if (entry.action === 'audit.expired' && entry.actorId === null && entry.objectId === this.startAnchor) this.anchorSeen = true;
    }
  }

  verdict(): AuditChainVerdict {
    if (this.broken) return { intact: false, entries: this.entries, ...this.broken };
    if (this.startAnchor !== null && !this.anchorSeen) {
      return { intact: false, entries: this.entries, firstBrokenSeq: this.firstSeq ?? 1, problem: 'unanchoredStart' };
    }
    return { intact: true, entries: this.entries, lastHash: this.lastHash, firstSeq: this.firstSeq ?? 1 };
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
