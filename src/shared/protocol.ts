// The sync protocol between tablet and backend (DESIGN.md §5). Push is
// idempotent by record id + revision; the server answers per record, so one
// invalid record never blocks the others. Every API error uses one envelope.
import { z } from 'zod';
import { RECORD_KINDS, recordIdSchema } from './records/sync-record';
import { emergencyPresentationSchema } from './emergency-instruction';
import { deviceOrganisationWorkflowsSchema } from './organisation-workflows';

/** Bump when an old tablet can no longer talk to the server: it is answered `clientTooOld`. */
export const SYNC_PROTOCOL_VERSION = 1;
export const MAX_PUSH_BATCH = 500;
/** Request body limit for push, in bytes: 500 records of a few kB each. */
export const MAX_PUSH_BODY_BYTES = 4 * 1024 * 1024;

export const ERROR_REASONS = [
  'malformedJson',
  'invalidRequest',
  'payloadTooLarge',
  'unsupportedMediaType',
  'clientTooOld',
  'unauthorized',
  'forbidden',
  'notFound',
  'rateLimited',
  /** The backend is overloaded or shutting down: retry after the Retry-After header's seconds. */
  'unavailable',
  'invalidRecord',
  'hashMismatch',
  'revisionConflict',
  'deviceRevoked',
  /** The sign-in reached its absolute lifetime (municipality settings): sign in again with the password. */
  'sessionExpired',
  'conflict',
  'consentMissing',
  'caseWithdrawn',
  /** Free text holds personal data (src/domain/personal-data-guard.ts): issues name each field and the kind of signal. */
  'personalData',
  // Four-eyes (src/domain/four-eyes.ts)
  'staleRevision',
  'invalidSignature',
  'unknownKey',
  'keyRevoked',
  'selfApproval',
  'notApprover',
  'reviewIdUsed',
  'alreadyReviewed',
  // A record pushed on behalf of its author (src/domain/record-authorship.ts)
  'authorNotAllowed',
  // Passwords (src/domain/password-strength.ts) and safeguards waiting for a second admin (src/domain/safeguards.ts)
  'wrongPassword',
  'weakPassword',
  'passwordExpired',
  'passwordChangeRequired',
  'selfConfirmation',
  // The second factor of an office sign-in (src/shared/second-factor.ts)
  'secondFactorWrong',
  'secondFactorReplayed',
  'secondFactorMalformed',
  // Passkeys (src/shared/passkeys.ts)
  'passkeyRefused',
  'passkeysUnavailable',
  'lastSecondFactor',
  'internal',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    reason: z.enum(ERROR_REASONS),
    message: z.string(),
    /** Field paths and messages; never echoes submitted values. */
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/**
 * Records are validated one by one (so one bad record is rejected alone);
 * here they are only required to be objects.
 */
export const pushRequestSchema = z.strictObject({
  protocolVersion: z.int().min(1),
  deviceId: recordIdSchema,
  records: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const PUSH_OUTCOMES = ['accepted', 'rejected'] as const;

export const pushResultSchema = z.strictObject({
  /** Echoed when the submitted record carried a readable id. */
  id: z.string().nullable(),
  revision: z.int().nullable(),
  outcome: z.enum(PUSH_OUTCOMES),
  /** HTTP-like status of this one record: 200 accepted, 409 conflict, 422 invalid. */
  status: z.union([z.literal(200), z.literal(409), z.literal(422)]),
  reason: z.enum(ERROR_REASONS).optional(),
  message: z.string().optional(),
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  /** Server time the revision was first stored (the same on every retry). */
  receivedAt: z.iso.datetime().optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  results: z.array(pushResultSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** What a tablet needs offline about its municipality (pulled, cached on the device). */
export const siteSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
});
/** The family contact line's longest form (migration 016). */
export const FAMILY_CONTACT_MAX_LENGTH = 200;
/** Asked for with CONFIG_FEATURES_PARAM by tablets that parse `familyContact`. */
export const FAMILY_CONTACT_FEATURE = 'familyContact';

/** Asked for with CONFIG_FEATURES_PARAM by tablets that parse `referralNoResponseWeeks` in their configuration. */
export const REFERRAL_FOLLOW_UP_FEATURE = 'referralFollowUp';

export const deviceConfigSchema = z.strictObject({
  protocolVersion: z.int(),
  serverTime: z.iso.datetime(),
  municipality: z.strictObject({ id: z.string(), name: z.string() }),
  homeSites: z.array(siteSchema),
  /** Districts (Sozialräume) for small-area reporting and offer matching. */
  districts: z.array(siteSchema),
  /** What welcome visitors hand over; empty: the built-in list (src/shared/records/welcome-visit.ts). */
  welcomeItems: z.array(siteSchema).default([]),
  /**
   * Child protection (§ 8a SGB VIII): whom to phone at once when answers
   * signal acute danger — shown offline, never waiting for sync.
   */
  emergencyContacts: z.array(z.strictObject({ label: z.string(), phone: z.string() })),
  /**
   * How the instruction is presented (title, discreet start). Absent from a configuration cached
   * before it existed, from an older server, and from the answer to a tablet that did not ask
   * for it (CONFIG_FEATURES_PARAM): the built-in presentation applies.
   */
  emergencyPresentation: emergencyPresentationSchema.optional(),
  /**
   * Where a family can ask questions, printed on its case card (the municipality's office, phone,
   * hours). Absent while the office has not set it up, and for a tablet that did not ask for it
   * (FAMILY_CONTACT_FEATURE): the card then shows no contact line.
   */
  familyContact: z.string().min(1).max(FAMILY_CONTACT_MAX_LENGTH).optional(),
  /**
   * The workflows each organisation of the municipality offers on the home, in order (the admin's
   * choice or its kind's default; shared/organisation-workflows.ts). Every organisation, since
   * colleagues of several may share a tablet. Absent from an older server, a configuration cached
   * before it, and the answer to a tablet that did not ask (ORGANISATION_WORKFLOWS_FEATURE): all workflows.
   */
  organisationWorkflows: deviceOrganisationWorkflowsSchema.optional(),
  /**
   * After how many weeks without uptake a referral needs follow-up: the municipality's setting
   * (office → follow-up), the same rule the office's follow-up list uses. Absent from an older
   * server, a configuration cached before it, and the answer to a tablet that did not ask
   * (REFERRAL_FOLLOW_UP_FEATURE): the default (DEFAULT_NO_RESPONSE_WEEKS, 6).
   */
  referralNoResponseWeeks: z.int().min(1).max(52).optional(),
  security: z.strictObject({
    /** Lock after this many minutes without a touch (default 5). */
    autoLockMinutes: z.int().min(1).max(60),
    /** Wrong unlocks before a person's key slot is wiped on the tablet (default 10). */
    maxUnlockAttempts: z.int().min(3).max(50),
    /** Days a sent (and, where needed, approved) record's content stays on the tablet (default 0). */
    retentionDaysAfterSync: z.int().min(0).max(30),
  }),
  /** Which records need the second check (src/domain/four-eyes.ts), and accounts marked as one person. */
  fourEyes: z
    .strictObject({
      kinds: z.array(z.enum(RECORD_KINDS)),
      forReferrals: z.boolean(),
      linkedAccounts: z.array(z.strictObject({ accountId: z.string(), personId: z.string() })),
    })
    // A configuration cached before this field existed: the default rule (screenings and referrals).
    .default({ kinds: ['screening'], forReferrals: true, linkedAccounts: [] }),
});
export type DeviceConfig = z.infer<typeof deviceConfigSchema>;

/** Withdrawals the tablet must apply (delete that case's content locally). */
export const withdrawalsResponseSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  withdrawals: z.array(z.strictObject({ caseNumber: z.string(), withdrawnAt: z.iso.datetime() })),
});
export type WithdrawalsResponse = z.infer<typeof withdrawalsResponseSchema>;

export const loginRequestSchema = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
  /** The enrolled tablet signing in; binds the session to it and yields its escrow key. */
  deviceId: recordIdSchema.optional(),
  /** Proof that the request comes from that tablet (its enrollment secret); required with deviceId. */
  deviceSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/)
    .optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const ROLES = ['fieldworker', 'approver', 'coordinator', 'partner', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that record or approve on a tablet: only they get a key slot and may push, pull and review. */
export const TABLET_ROLES = ['fieldworker', 'approver', 'coordinator'] as const satisfies readonly Role[];

export const sessionUserSchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  organisationId: z.string(),
  municipalityId: z.string(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const loginResponseSchema = z.strictObject({
  /** Short-lived access token (bearer), 15 minutes. */
  token: z.string(),
  expiresAt: z.iso.datetime(),
  /** Rotating refresh token: each use returns a new one and invalidates the old. */
  refreshToken: z.string(),
  refreshExpiresAt: z.iso.datetime(),
  user: sessionUserSchema,
  /**
   * Present when `deviceId` named an active enrolled tablet of the user's
   * municipality: the key that unwraps the tablet's escrowed data key, so a
   * colleague's first sign-in can get a key slot of their own.
   */
  deviceEscrowKey: z.string().optional(),
  /**
   * Present for a sign-in not bound to a tablet (the office): the municipality's minutes without
   * activity, or hidden, after which the office discards its tokens. Left out for tablets, whose
   * older builds parse this answer strictly; they lock by their configuration's autoLockMinutes.
   */
  officeLockMinutes: z.int().min(1).max(60).optional(),
  /**
   * Present (true) after signing in with a one-time password from an admin's reset: the session
   * may only set a new password (POST /api/session/password); every other route answers 403
   * passwordChangeRequired. Such a session is never bound to a tablet and carries no escrow key.
   */
  mustChangePassword: z.literal(true).optional(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const refreshRequestSchema = z.strictObject({
  refreshToken: z.string().min(1).max(200),
  deviceId: recordIdSchema.optional(),
  deviceSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/)
    .optional(),
});
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export const healthResponseSchema = z.strictObject({
  status: z.literal('ok'),
  protocolVersion: z.int(),
  database: z.enum(['postgres', 'pglite']),
});
