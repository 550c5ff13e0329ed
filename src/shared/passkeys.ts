// Passkeys (WebAuthn) as a second factor of office sign-ins, beside the authenticator app:
// the ceremonies' JSON as the browser sends it (@simplewebauthn/browser), the sign-in step
// with a pending token, and the own list of passkeys. The same schemas validate on the
// server and in the office forms; the options the server hands out are passed on unread.
import { z } from 'zod';
import { RECOVERY_CODE_COUNT } from './second-factor';

/** base64url as WebAuthn's JSON uses it (no padding). */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'invalidEncoding' });

const credentialId = base64url(1366);
export const PASSKEY_LABEL_MAX = 60;

/**
 * The options of a ceremony (PublicKeyCredentialCreationOptionsJSON or ...RequestOptionsJSON),
 * as produced by @simplewebauthn/server; the browser library reads them, nothing else does.
 */
export const passkeyOptionsSchema = z.looseObject({ challenge: z.string() });
export type PasskeyOptions = z.infer<typeof passkeyOptionsSchema>;

const transportsSchema = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(7);
const clientExtensionsSchema = z.record(z.string(), z.unknown());

/** A new passkey as the browser answers navigator.credentials.create() (RegistrationResponseJSON). */
export const passkeyRegistrationSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16_384),
    authenticatorData: base64url(8192).optional(),
    transports: transportsSchema.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: clientExtensionsSchema,
});
export type PasskeyRegistration = z.infer<typeof passkeyRegistrationSchema>;

/** A passkey's answer to a challenge, as the browser gives navigator.credentials.get() (AuthenticationResponseJSON). */
export const passkeyAssertionSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(8192),
    signature: base64url(1024),
    userHandle: base64url(256).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: clientExtensionsSchema,
});
export type PasskeyAssertion = z.infer<typeof passkeyAssertionSchema>;

const pendingTokenSchema = z.string().min(1).max(100);
/** What the person calls the passkey ("Laptop Büro"), to tell several apart; no content of a case belongs here. */
export const passkeyLabelSchema = z.string().trim().min(1, { message: 'required' }).max(PASSKEY_LABEL_MAX, { message: 'tooLong' });

/** Asks for the options of a sign-in with a passkey, or of setting one up as the required factor. */
export const passkeyPendingRequestSchema = z.strictObject({ pendingToken: pendingTokenSchema });

/** The second step of a sign-in, answered by a passkey instead of a code. */
export const passkeySignInRequestSchema = z.strictObject({
  pendingToken: pendingTokenSchema,
  credential: passkeyAssertionSchema,
});

/** Setting up a passkey as the required second factor, right after the password. */
export const passkeyEnrolmentRequestSchema = z.strictObject({
  pendingToken: pendingTokenSchema,
  label: passkeyLabelSchema,
  credential: passkeyRegistrationSchema,
});

/** Adding a passkey to one's own account when signed in: the password again, so an open session alone cannot. */
export const passkeyRegistrationOptionsRequestSchema = z.strictObject({ password: z.string().min(1).max(1024) });
export type PasskeyRegistrationOptionsRequest = z.infer<typeof passkeyRegistrationOptionsRequestSchema>;

export const passkeyAddRequestSchema = z.strictObject({
  label: passkeyLabelSchema,
  credential: passkeyRegistrationSchema,
});

/** One of the own passkeys, as listed: never its key. */
export const passkeySummarySchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type PasskeySummary = z.infer<typeof passkeySummarySchema>;

/** The own passkeys, whether an authenticator app is set up too, and whether a role requires a second factor. */
export const ownPasskeysSchema = z.strictObject({
  /** false when the server has no PUBLIC_ORIGIN: passkeys cannot be used on this instance. */
  available: z.boolean(),
  passkeys: z.array(passkeySummarySchema),
  authenticatorApp: z.boolean(),
  required: z.boolean(),
});
export type OwnPasskeys = z.infer<typeof ownPasskeysSchema>;

/** A passkey added: and, when it is the account's first second factor, its recovery codes (shown once). */
export const passkeyAddedSchema = z.strictObject({
  passkey: passkeySummarySchema,
  recoveryCodes: z.array(z.string()).length(RECOVERY_CODE_COUNT).nullable(),
});
export type PasskeyAdded = z.infer<typeof passkeyAddedSchema>;
