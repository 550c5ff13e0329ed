// Who wrote a pushed record (DESIGN.md §5, "A tablet is shared"). A tablet sends
// the records of everyone enrolled on it, whoever is signed in; the author is
// proven by the author's signature made at save time with the author's signing
// key enrolled for THAT tablet, never by who happens to push. Pure: the sync
// service gathers the facts, this decides.
//   - no signature, or signed by the pusher: the pusher is the author (the old
//     path: a record saved before every record was signed is sent only by its author);
//   - signed by someone else: accepted as theirs only if the account exists in
//     the pusher's municipality, is active and may record on tablets, the key the
//     signature names is enrolled for that account on the pushing tablet and not
//     revoked, and the signature verifies over exactly this revision.
import type { SyncRecord } from '@shared/records/sync-record';
import { authorStatement, verifyStatement } from '@shared/four-eyes';
import { subjectOf } from './four-eyes';

/** What the server knows about the account a signature names, and the key it names. */
export interface AuthorAccountFacts {
  accountId: string;
  active: boolean;
  /** May record on a tablet (fieldworker, approver or coordinator). */
  mayRecord: boolean;
  /** The key with the fingerprint the signature names, if enrolled for this account (any tablet). */
  key: { publicKey: string; deviceId: string; revoked: boolean } | undefined;
}

export type AuthorshipRefusal = 'invalidSignature' | 'unknownKey' | 'keyRevoked' | 'authorNotAllowed';

export type AuthorshipVerdict =
  { ok: true; authorId: string; onBehalf: boolean } | { ok: false; reason: AuthorshipRefusal; issue: { path: string; message: string } };

/** The account a record claims as its author: its signer, or the pusher when it carries no signature. */
export function claimedAuthor(record: SyncRecord, pusherId: string): string {
  return record.authorSignature?.signerId ?? pusherId;
}

export async function judgeAuthorship(
  record: SyncRecord,
  pusher: { accountId: string; deviceId: string },
  author: AuthorAccountFacts | undefined,
): Promise<AuthorshipVerdict> {
  const signature = record.authorSignature;
  if (signature === undefined || signature.signerId === pusher.accountId) {
    return { ok: true, authorId: pusher.accountId, onBehalf: false };
  }
  const refuse = (reason: AuthorshipRefusal, path: string, message: string): AuthorshipVerdict => ({
    ok: false,
    reason,
    issue: { path: `authorSignature.${path}`, message },
  });
  // An account of another municipality looks exactly like one that does not exist.
  if (author?.accountId !== signature.signerId) return refuse('unknownKey', 'signerId', 'unknownAuthor');
  if (!author.active || !author.mayRecord) return refuse('authorNotAllowed', 'signerId', 'authorNotAllowed');
  if (author.key === undefined || author.key.deviceId !== pusher.deviceId) {
    return refuse('unknownKey', 'keyFingerprint', 'keyNotEnrolledOnThisTablet');
  }
  if (author.key.revoked) return refuse('keyRevoked', 'keyFingerprint', 'keyRevoked');
  const statement = authorStatement(subjectOf(record), signature.reviewId, signature.signerId, signature.keyFingerprint);
  if (!(await verifyStatement(author.key.publicKey, statement, signature.signature))) {
    return refuse('invalidSignature', 'signature', 'signatureDoesNotVerify');
  }
  return { ok: true, authorId: signature.signerId, onBehalf: true };
}
