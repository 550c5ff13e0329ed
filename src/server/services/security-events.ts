// The security events a service reports back to its route, which writes them as
// one JSON line each to the server log (http/security-log.ts) for log shipping;
// the audit entry is written by the service itself. The list is the reviewed set
// (docs/DEPLOYMENT.md lists them): a new kind is a change here.
export const SECURITY_EVENT_KINDS = [
  'signIn.failed',
  'signIn.unknownUser',
  'signIn.accountLocked',
  'signIn.refusedLocked',
  'signIn.refusedThrottled',
  'signIn.municipalityLimitReached',
  'signIn.refusedDeviceProof',
  'signIn.refusedRevokedDevice',
  'signIn.rateLimited',
  'signIn.oneTimePasswordExpired',
  'password.changeRefusedWrongPassword',
  'refresh.failed',
  'refresh.tokenReused',
  'refresh.refusedDeviceProof',
  'refresh.refusedRevokedDevice',
  'refresh.lifetimeEnded',
  'refresh.rateLimited',
  'secondFactor.wrongCode',
  'secondFactor.replayedCode',
  'secondFactor.malformedCode',
  'secondFactor.challengeEnded',
  'secondFactor.refusedThrottled',
  'secondFactor.unknownChallenge',
  'passkey.registered',
  'passkey.used',
  'passkey.removed',
  'passkey.refused',
  'passkey.removalRefused',
  'partnerLookup.miss',
  'partnerLookup.throttled',
  'access.unauthorized',
  'access.forbidden',
  'access.rateLimited',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** What a service tells its route to log: never a password, token, typed username or case content. */
export interface SecurityNote {
  kind: SecurityEventKind;
  /** The account concerned, when the attempt named an existing one. */
  accountId: string | null;
  /** Its municipality, when known. */
  municipalityId: string | null;
}
