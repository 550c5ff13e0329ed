// The author's four-eyes signature as it travels in a record envelope
// (src/shared/four-eyes.ts says what is signed). Separate from four-eyes.ts so
// the envelope schema can use it without an import cycle.
import { z } from 'zod';
import { UUID_PATTERN } from '../ids';

export const keyFingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/);
/** IEEE-P1363 r‖s (64 bytes), base64url without padding. */
export const signatureSchema = z.string().regex(/^[A-Za-z0-9_-]{86}$/, { message: 'invalidSignature' });

export const signerSchema = z.strictObject({
  /** The staff account that signed. */
  signerId: z.string().min(1).max(100),
  keyFingerprint: keyFingerprintSchema,
  signature: signatureSchema,
});
export type Signer = z.infer<typeof signerSchema>;

/** The author's signature, carried in the envelope of a record that needs a second check. */
export const authorSignatureSchema = z.strictObject({
  /** Names the review this signature asks for; a review id is accepted only once. */
  reviewId: z.string().regex(UUID_PATTERN, { message: 'invalidId' }),
  ...signerSchema.shape,
});
export type AuthorSignature = z.infer<typeof authorSignatureSchema>;
