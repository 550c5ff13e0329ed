// The failure a service (or a route) throws when a request cannot be served:
// a typed reason from the shared contract, the status it answers with and a
// message without any submitted value. http/errors.ts turns it into the one
// error envelope; services never import from http/.
import type { ErrorReason } from '@shared/protocol';

export interface Issue {
  path: string;
  message: string;
}

/** An expected failure with a typed reason; thrown by services and routes. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly statusCode: number,
    readonly reason: ErrorReason,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}

interface ZodLikeIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Zod issues as {path, message}. Zod's messages name what was expected, never the
 * submitted value; unknown keys are the one place a submitted string would be
 * echoed, so those get a fixed message and the parent's path.
 */
export function issuesFromZod(issues: readonly ZodLikeIssue[], prefix = ''): Issue[] {
  return issues.slice(0, 50).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    const message = issue.code === 'unrecognized_keys' ? 'unrecognizedKeys' : issue.message;
    return { path, message };
  });
}

const MESSAGES: Record<ErrorReason, string> = {
  malformedJson: 'The request body is not valid JSON.',
  invalidRequest: 'The request is not valid.',
  payloadTooLarge: 'The request body is too large.',
  unsupportedMediaType: 'The request body must be application/json.',
  clientTooOld: 'This app version is too old; please update.',
  unauthorized: 'Not signed in, or the session has ended.',
  forbidden: 'Not allowed.',
  notFound: 'Not found.',
  rateLimited: 'Too many attempts; please wait a moment.',
  unavailable: 'The server is busy or restarting; please try again shortly.',
  invalidRecord: 'The record is not valid.',
  hashMismatch: 'The content hash does not match the content.',
  revisionConflict: 'This revision already exists with different content.',
  deviceRevoked: 'This tablet has been revoked.',
  sessionExpired: 'This sign-in has reached its maximum lifetime; please sign in again with your password.',
  conflict: 'This conflicts with existing data.',
  consentMissing: 'No consent of this case covers this record.',
  caseWithdrawn: 'The consent for this case was withdrawn; nothing more is stored for it.',
  personalData: 'A free-text field holds personal data (name, address, phone, e-mail, IBAN or exact date); see issues for the field.',
  staleRevision: 'A newer revision of this record exists; only the latest can be reviewed.',
  invalidSignature: 'A signature does not verify for what it claims to cover.',
  unknownKey: 'A signing key is not enrolled for the person named.',
  keyRevoked: 'A signing key has been revoked.',
  selfApproval: 'The second check must be made by a different person than the author.',
  notApprover: 'Only an approver of the author’s organisation can make the second check.',
  reviewIdUsed: 'This review id has already been used.',
  alreadyReviewed: 'This revision has already been reviewed.',
  authorNotAllowed: 'The author may no longer record on tablets (deactivated or without a tablet role).',
  wrongPassword: 'The current password is wrong.',
  weakPassword: 'The new password is too weak.',
  passwordExpired: 'This one-time password has expired; ask an administrator for a new one.',
  passwordChangeRequired: 'Set a new password first; this session may do nothing else.',
  selfConfirmation: 'A change you proposed must be confirmed by another administrator.',
  secondFactorWrong: 'The code is wrong or has expired.',
  secondFactorReplayed: 'This code has already been used; wait for the next one.',
  secondFactorMalformed: 'A code has 6 digits; a recovery code has 10 characters.',
  passkeyRefused: 'The passkey was not accepted.',
  passkeysUnavailable: 'Passkeys are not set up on this server (PUBLIC_ORIGIN).',
  lastSecondFactor: 'This is your last second factor, and your role requires one.',
  internal: 'Something went wrong on the server.',
};

/** The standard message of a reason, for failures that need no more specific text. */
export function defaultMessage(reason: ErrorReason): string {
  return MESSAGES[reason];
}
