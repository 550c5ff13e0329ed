// Row shapes of the tablet database. Content lives only inside `sealed`
// (AES-256-GCM, see vault.ts); what is outside is a random id or a
// non-identifying status field needed to list, order and send records.
import type { ErrorReason } from '@shared/protocol';
import type { RecordKind, SyncRecord } from '@shared/records/sync-record';
import type { Sealed } from '@shared/crypto/aes-gcm';
import type { ReviewDecision, ReviewSubmission } from '@shared/four-eyes';
import type { KdfParams } from '@shared/crypto/key-derivation';

export type RecordSyncState = 'pending' | 'sent' | 'rejected';

/**
 * Where a record stands in the second check (four-eyes): not required for it,
 * awaiting it, approved, or sent back to the author with a comment.
 */
export type ReviewState = 'notRequired' | 'awaiting' | 'approved' | 'sentBack';

export interface RecordRejection {
  reason: ErrorReason;
  message: string;
  issues: { path: string; message: string }[];
}

/** What the sealed box of a record row holds. */
export interface RecordSecret {
  envelope: SyncRecord;
  rejection?: RecordRejection;
}

export interface RecordRow {
  id: string;
  kind: RecordKind;
  revision: number;
  schemaVersion: number;
  ownerId: string;
  syncState: RecordSyncState;
  createdAt: string;
  updatedAt: string;
  /** Server time of acknowledgement. */
  sentAt?: string;
  /** Absent once the content was dropped after sync (a content-free stub remains). */
  sealed?: Sealed;
  /**
   * Sealed like the content, kept when the content is dropped: the record's case number, so the
   * list still says whose it was (kind and date are the clear fields). Absent in rows from before.
   */
  stub?: Sealed;
  contentRemovedAt?: string;
  /** Only in rows written before encryption (schema v2); sealed at the first unlock. */
  envelope?: SyncRecord;
  rejection?: RecordRejection;
  /** Four-eyes state of this revision; absent only in rows saved before reviews were tracked. */
  reviewState?: ReviewState;
  /** The record recommends offers and no referral was made from it yet (keeps its content a while, domain/retention.ts). */
  referralPending?: true;
}

/** A record as screens see it while the vault is unlocked. */
export interface StoredRecord {
  id: string;
  kind: RecordKind;
  revision: number;
  syncState: RecordSyncState;
  /** The staff member who saved this revision on this tablet ('*' for a withdrawal anyone may send). */
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  rejection?: RecordRejection;
  /** null for a content-free stub. */
  envelope: SyncRecord | null;
  /** The case the record names (null: anonymous), also for a stub; undefined for a stub from before stubs kept it. */
  caseNumber?: string | null;
  reviewState: ReviewState;
  /** The decision on this revision, if any (who, when, the send-back comment). */
  review?: ReviewView;
  /** It recommends offers and no referral was made from it yet (the home lists it under referrals). */
  referralPending?: true;
}

export interface ReviewView {
  id: string;
  decision: ReviewDecision;
  comment: string | null;
  reviewerName: string;
  decidedAt: string;
  /** pending: made on this tablet, not yet accepted by the server; rejected: the server refused it. */
  syncState: RecordSyncState;
  rejection?: RecordRejection;
}

/** What the sealed box of a review row holds. */
export interface ReviewSecret {
  submission: ReviewSubmission;
  reviewerName: string;
  rejection?: RecordRejection;
}

export interface ReviewRow {
  /** The review id (the one the author signed). */
  id: string;
  recordId: string;
  revision: number;
  decision: ReviewDecision;
  syncState: RecordSyncState;
  createdAt: string;
  sealed: Sealed;
}

export interface OutboxEntry {
  seq?: number;
  recordId: string;
  revision: number;
  /** The author: the staff member who saved it ('legacy' for rows from before v3, ANY_OWNER for withdrawals). */
  ownerId: string;
  enqueuedAt: string;
  /**
   * The record carries its author's signature (made at saving): any colleague
   * unlocked on this tablet may send it. Absent on entries from before every
   * record was signed: only the author's own session sends those.
   */
  signed?: true;
}

export interface MetaEntry {
  key: string;
  value: unknown;
}

export interface DraftEntry {
  /** `${ownerId}:${draftId}` — each person's drafts are their own. The property keeps its stored name (the key path). */
  formId: string;
  sealed?: Sealed;
  updatedAt: string;
  /** Plaintext drafts from schema v2, sealed at the first unlock. */
  values?: unknown;
}

export interface KeySlot {
  userId: string;
  displayName: string;
  roles: string[];
  organisationId: string;
  municipalityId: string;
  kdf: KdfParams;
  /** The tablet's data key, sealed with the key derived from this person's passphrase. */
  wrappedDataKey: Sealed;
  /** This person's ECDSA P-256 private key on this tablet (PKCS#8), sealed the same way. */
  wrappedSigningKey: Sealed;
  signingPublicKey: string;
  signingKeyEnrolled: boolean;
  failedAttempts: number;
  nextAttemptAt: number | null;
  /**
   * HMAC-SHA-256 over failedAttempts, nextAttemptAt and this slot's salt and IV, under the tablet's
   * non-extractable counter key (meta `unlockCounterKey`). A counter edited in IndexedDB no longer
   * matches it, and the vault treats the slot as exhausted (vault.ts, THREAT-MODEL.md).
   * Absent only on slots from before the tag, until the vault adopts them.
   */
  counterTag?: string;
  /** The passphrase rule version the passphrase was chosen under (unlock-policy.ts); absent = 0. */
  passphraseRule?: number;
  createdAt: string;
}
