// The second factor of an office sign-in (TOTP, RFC 6238, or a passkey — src/shared/passkeys.ts —
// plus single-use recovery codes):
// what the password step answers when a code is still due, the code check, the enrolment
// and the administrator's policy. The same schemas validate on the server and in the office forms.
import { z } from 'zod';
import { loginResponseSchema } from './protocol';

/** The office roles a municipality can require a second factor for; admin is always required. */
export const SECOND_FACTOR_ROLES = ['admin', 'coordinator', 'partner'] as const;
export type SecondFactorRole = (typeof SECOND_FACTOR_ROLES)[number];
export const ALWAYS_REQUIRED_ROLE: SecondFactorRole = 'admin';

/** A TOTP code: 6 digits (spaces typed for readability are dropped before the check). */
export const TOTP_CODE_PATTERN = /^\d{6}$/;
/** A recovery code: 10 Crockford base-32 characters, shown as two groups of five. */
export const RECOVERY_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}$/;
/** How many recovery codes an enrolment hands out. */
export const RECOVERY_CODE_COUNT = 10;

/** Drops spaces and upper-cases, so "123 456" and "abcde-fghjk" are read as typed. */
export function normaliseSecondFactorCode(typed: string): string {
  return typed.replace(/\s+/g, '').toUpperCase();
}

/**
 * The answer of the password step when the sign-in still needs its second factor:
 * 'verify' asks for a code of the enrolled authenticator (or a recovery code),
 * 'enrol' means the account's role requires a second factor and none is set up yet.
 * The pending token opens nothing but the routes below, for a few minutes.
 */
export const secondFactorPendingSchema = z.strictObject({
  secondFactor: z.enum(['verify', 'enrol']),
  pendingToken: z.string(),
  pendingExpiresAt: z.iso.datetime(),
  /**
   * Whether a passkey may answer this step: for 'verify', the account has one (and the server
   * knows its public origin); for 'enrol', the server can set one up. Otherwise the app only.
   */
  passkey: z.boolean(),
});
export type SecondFactorPending = z.infer<typeof secondFactorPendingSchema>;

/** What POST /api/session answers: the session, or the second factor still to come. */
export const signInResponseSchema = z.union([loginResponseSchema, secondFactorPendingSchema]);
export type SignInResponse = z.infer<typeof signInResponseSchema>;

export function isSecondFactorPending(response: SignInResponse): response is SecondFactorPending {
  return 'secondFactor' in response;
}

const pendingTokenSchema = z.string().min(1).max(100);

/** A code as typed; its format is checked by the server so a malformed one is audited too. */
export const secondFactorCodeSchema = z.string().trim().min(1).max(40);

export const secondFactorVerifyRequestSchema = z.strictObject({
  pendingToken: pendingTokenSchema,
  /** A current 6-digit code or one of the recovery codes. */
  code: secondFactorCodeSchema,
});
export type SecondFactorVerifyRequest = z.infer<typeof secondFactorVerifyRequestSchema>;

export const secondFactorEnrolmentRequestSchema = z.strictObject({ pendingToken: pendingTokenSchema });

/** The new secret, shown once: as an otpauth:// URI for the QR code and as text to type in. */
export const secondFactorEnrolmentSchema = z.strictObject({
  secret: z.string(),
  otpauthUri: z.string(),
});
export type SecondFactorEnrolment = z.infer<typeof secondFactorEnrolmentSchema>;

export const secondFactorConfirmRequestSchema = z.strictObject({
  pendingToken: pendingTokenSchema,
  code: secondFactorCodeSchema,
});
export type SecondFactorConfirmRequest = z.infer<typeof secondFactorConfirmRequestSchema>;

/** A confirmed enrolment: the session, and the recovery codes — shown this once, kept only hashed. */
export const secondFactorConfirmResponseSchema = z.strictObject({
  session: loginResponseSchema,
  recoveryCodes: z.array(z.string()).length(RECOVERY_CODE_COUNT),
});
export type SecondFactorConfirmResponse = z.infer<typeof secondFactorConfirmResponseSchema>;

/** The municipality's policy: the office roles that must sign in with a second factor (admin always). */
export const secondFactorPolicySchema = z.strictObject({
  requiredRoles: z
    .array(z.enum(SECOND_FACTOR_ROLES))
    .max(SECOND_FACTOR_ROLES.length)
    .refine((roles) => roles.includes(ALWAYS_REQUIRED_ROLE), { message: 'adminAlwaysRequired' })
    .refine((roles) => new Set(roles).size === roles.length, { message: 'duplicateRole' }),
});
export type SecondFactorPolicy = z.infer<typeof secondFactorPolicySchema>;

/** For the admin: the policy and who has a second factor (never a secret or a code). */
export const secondFactorOverviewSchema = z.strictObject({
  requiredRoles: z.array(z.enum(SECOND_FACTOR_ROLES)),
  enrolled: z.array(
    z.strictObject({
      accountId: z.string(),
      enrolledAt: z.iso.datetime(),
      recoveryCodesLeft: z.number().int(),
      /** Whether an authenticator app is set up, and how many passkeys. */
      authenticatorApp: z.boolean(),
      passkeys: z.number().int(),
    }),
  ),
});
export type SecondFactorOverview = z.infer<typeof secondFactorOverviewSchema>;
