// The envelope every record travels in (DESIGN.md §3): client-generated UUIDv7
// id, kind, schema version, form version, revision, device, advisory device
// time and the content hash over canonical JSON. One schema per record kind,
// joined in a discriminated union on `kind`.
import { z } from 'zod';
import { UUID_PATTERN } from '../ids';
import { CONTENT_HASH_PATTERN } from '../content-hash';
import { HOME_CONTACT_SCHEMA_VERSION, homeContactContentSchema } from './home-contact';
import { caseNumberFormatSchema } from './case-number-format';
import { authorSignatureSchema } from './author-signature';
import {
  CONSENT_REFUSAL_SCHEMA_VERSION,
  CONSENT_SCHEMA_VERSION,
  CONSENT_WITHDRAWAL_SCHEMA_VERSION,
  consentContentSchema,
  consentRefusalContentSchema,
  consentWithdrawalContentSchema,
} from './consent';

import { MEDIATION_SCHEMA_VERSION, mediationContentSchema } from './mediation';
import { SCREENING_SCHEMA_VERSION, screeningContentSchema } from './screening';
import { REFERRAL_SCHEMA_VERSION, referralContentSchema, slipCodesSchema, warmHandoverSchema } from './referral';
import {
  WELCOME_VISIT_ATTEMPT_SCHEMA_VERSION,
  WELCOME_VISIT_SCHEMA_VERSIONS,
  WELCOME_VISIT_TYPES_SCHEMA_VERSION,
  isCatalogueOfferId,
  welcomeVisitAttemptContentSchema,
  welcomeVisitContentSchema,
} from './welcome-visit';

export const RECORD_KINDS = [
  'homeContact',
  'consent',
  'consentRefusal',
  'consentWithdrawal',
  'welcomeVisit',
  'welcomeVisitAttempt',
  'mediation',
  'screening',
  'referral',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

const KNOWN_KINDS: ReadonlySet<string> = new Set(RECORD_KINDS);
/** A kind this version knows (a database row may carry one from a newer version). */
export function isRecordKind(kind: string): kind is RecordKind {
  return KNOWN_KINDS.has(kind);
}

export const recordIdSchema = z.string().regex(UUID_PATTERN, { message: 'invalidId' });

const envelopeFields = {
  id: recordIdSchema,
  revision: z.int().min(1).max(1_000_000),
  formVersion: z.string().regex(/^[0-9A-Za-z.-]{1,32}$/),
  deviceId: recordIdSchema,
  /** Device clock, advisory only: the server's receivedAt is authoritative. */
  createdAt: z.iso.datetime({ offset: true }),
  contentHash: z.string().regex(CONTENT_HASH_PATTERN, { message: 'invalidContentHash' }),
  /** Present when the record needs a second check (four-eyes): the author's signature over this revision. */
  authorSignature: authorSignatureSchema.optional(),
};

export const homeContactRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('homeContact'),
  schemaVersion: z.literal(HOME_CONTACT_SCHEMA_VERSION),
  /** null for an anonymous tally; a case number when linked to a consented case. */
  caseNumber: caseNumberFormatSchema.nullable(),
  content: homeContactContentSchema,
});

export const consentRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('consent'),
  schemaVersion: z.literal(CONSENT_SCHEMA_VERSION),
  caseNumber: caseNumberFormatSchema,
  content: consentContentSchema,
});

export const consentRefusalRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('consentRefusal'),
  schemaVersion: z.literal(CONSENT_REFUSAL_SCHEMA_VERSION),
  caseNumber: z.null(),
  content: consentRefusalContentSchema,
});

export const consentWithdrawalRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('consentWithdrawal'),
  schemaVersion: z.literal(CONSENT_WITHDRAWAL_SCHEMA_VERSION),
  caseNumber: caseNumberFormatSchema,
  content: consentWithdrawalContentSchema,
});

/**
 * A welcome visit that took place: always for a consented case. Version 2 names
 * catalogue offers (their id format; the server also checks its catalogue);
 * version 1, from before, named offer types and is still accepted as it was.
 */
export const welcomeVisitRecordSchema = z
  .strictObject({
    ...envelopeFields,
    kind: z.literal('welcomeVisit'),
    schemaVersion: z.union(WELCOME_VISIT_SCHEMA_VERSIONS.map((version) => z.literal(version))),
    caseNumber: caseNumberFormatSchema,
    content: welcomeVisitContentSchema,
  })
  .superRefine((record, ctx) => {
    if (record.schemaVersion === WELCOME_VISIT_TYPES_SCHEMA_VERSION) return;
    const ids = record.content.offersRecommended;
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', message: 'duplicateOffer', path: ['content', 'offersRecommended'] });
    ids.forEach((id, index) => {
      if (!isCatalogueOfferId(id)) ctx.addIssue({ code: 'custom', message: 'unknownOffer', path: ['content', 'offersRecommended', index] });
    });
  });

/** Nobody at home / declined: an anonymous count, no case. */
export const welcomeVisitAttemptRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('welcomeVisitAttempt'),
  schemaVersion: z.literal(WELCOME_VISIT_ATTEMPT_SCHEMA_VERSION),
  caseNumber: z.null(),
  content: welcomeVisitAttemptContentSchema,
});

export const mediationRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('mediation'),
  schemaVersion: z.literal(MEDIATION_SCHEMA_VERSION),
  caseNumber: caseNumberFormatSchema.nullable(),
  content: mediationContentSchema,
});

/** A birth-clinic screening: always for a consented case. */
export const screeningRecordSchema = z.strictObject({
  ...envelopeFields,
  kind: z.literal('screening'),
  schemaVersion: z.literal(SCREENING_SCHEMA_VERSION),
  caseNumber: caseNumberFormatSchema,
  content: screeningContentSchema,
});

/** A referral of a consented case to one or more offers (src/shared/records/referral.ts). */
export const referralRecordSchema = z
  .strictObject({
    ...envelopeFields,
    kind: z.literal('referral'),
    schemaVersion: z.literal(REFERRAL_SCHEMA_VERSION),
    caseNumber: caseNumberFormatSchema,
    content: referralContentSchema,
    /**
     * The call-back number sealed to the partner's keys, only with the record's
     * first sending; not content (not hashed, never stored with the record).
     */
    warmHandover: warmHandoverSchema.optional(),
    /** The slip code printed for each offer (confirmation without an account); not content, stored only hashed. */
    slipCodes: slipCodesSchema.optional(),
  })
  .refine((record) => record.warmHandover === undefined || record.warmHandover.offerId === record.content.callbackOfferId, {
    message: 'handoverWithoutCallbackConsent',
    path: ['warmHandover', 'offerId'],
  })
  .refine((record) => record.slipCodes === undefined || record.slipCodes.every((c) => record.content.offerIds.includes(c.offerId)), {
    message: 'slipCodeForOfferNotReferred',
    path: ['slipCodes'],
  });

export const syncRecordSchema = z.discriminatedUnion('kind', [
  screeningRecordSchema,
  homeContactRecordSchema,
  consentRecordSchema,
  consentRefusalRecordSchema,
  consentWithdrawalRecordSchema,
  welcomeVisitRecordSchema,
  welcomeVisitAttemptRecordSchema,
  mediationRecordSchema,
  referralRecordSchema,
]);
export type SyncRecord = z.infer<typeof syncRecordSchema>;
export type HomeContactRecord = z.infer<typeof homeContactRecordSchema>;
export type ConsentRecord = z.infer<typeof consentRecordSchema>;
export type ConsentRefusalRecord = z.infer<typeof consentRefusalRecordSchema>;
export type ConsentWithdrawalRecord = z.infer<typeof consentWithdrawalRecordSchema>;
export type WelcomeVisitRecord = z.infer<typeof welcomeVisitRecordSchema>;
export type WelcomeVisitAttemptRecord = z.infer<typeof welcomeVisitAttemptRecordSchema>;
export type MediationRecord = z.infer<typeof mediationRecordSchema>;
export type ScreeningRecord = z.infer<typeof screeningRecordSchema>;
export type ReferralRecord = z.infer<typeof referralRecordSchema>;
