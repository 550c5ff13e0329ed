// Warm handover (warme Übergabe): only where a family explicitly asks a partner
// to call them back, the tablet seals the call-back number to the public keys
// of that partner's staff (src/shared/crypto/handover-box.ts) and sends the
// boxes with the referral record — beside its content, never in it. The
// backend stores the boxes apart from every record, cannot open them, hands
// them to that partner once and deletes them then, or after 14 days unopened.
import { z } from 'zod';
import { UUID_PATTERN } from './ids';
import { MIN_PBKDF2_ITERATIONS } from './crypto/key-derivation';
import { base64UrlSchema, handoverBoxSchema, handoverKeyIdSchema, offerIdSchema } from './records/referral';

export { MAX_HANDOVER_RECIPIENTS, handoverBoxSchema, warmHandoverSchema, type WarmHandover } from './records/referral';
export { callbackKeysSchema, type CallbackKeys } from './offers';

/** Unopened boxes are deleted this many days after the referral reached the server. */
export const HANDOVER_TTL_DAYS = 14;

/**
 * A call-back number as staff type it with the family: digits with the usual
 * separators, optionally a leading +; 6 to 15 digits.
 */
export const callbackPhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()/-]{4,28}[0-9]$/, { message: 'invalidPhone' })
  .refine(
    (value) => {
      const digits = value.replace(/[^0-9]/g, '').length;
      return digits >= 6 && digits <= 15;
    },
    { message: 'invalidPhone' },
  );

/** What is sealed: the number, nothing else about the family. */
export const handoverPayloadSchema = z.strictObject({ phone: callbackPhoneSchema });

const wrappedHandoverKeySchema = z.strictObject({
  kdf: z.strictObject({
    name: z.literal('PBKDF2'),
    hash: z.literal('SHA-256'),
    iterations: z.int().min(MIN_PBKDF2_ITERATIONS).max(10_000_000),
    salt: base64UrlSchema(64),
  }),
  iv: base64UrlSchema(16),
  ct: base64UrlSchema(400),
});

/** A partner staff member's handover key: the public key, and the private key wrapped in the browser. */
export const handoverKeySchema = z.strictObject({
  keyId: handoverKeyIdSchema,
  publicKey: base64UrlSchema(200),
  wrapped: wrappedHandoverKeySchema,
});

/**
 * Enrolling or replacing one's key also asks for the account password: a taken-over session alone
 * must not be able to put its own key in the way of the next families' numbers.
 */
export const handoverKeyEnrollmentSchema = handoverKeySchema.extend({
  password: z.string().min(1).max(1024),
});
export type HandoverKeyEnrollment = z.infer<typeof handoverKeyEnrollmentSchema>;

export const handoverKeyResponseSchema = z.strictObject({
  key: handoverKeySchema.extend({ createdAt: z.iso.datetime() }).nullable(),
});
export type HandoverKeyResponse = z.infer<typeof handoverKeyResponseSchema>;

/** Opening names the key the browser has unlocked: a box for another (older or newer) key is not handed out. */
export const handoverOpenRequestSchema = z.strictObject({ keyId: handoverKeyIdSchema });

/** The one answer that carries a box: after it, the server has deleted all boxes of that referral. */
export const handoverRevealResponseSchema = z.strictObject({
  recordId: z.string().regex(UUID_PATTERN),
  offerId: offerIdSchema,
  box: handoverBoxSchema,
});
export type HandoverRevealResponse = z.infer<typeof handoverRevealResponseSchema>;
