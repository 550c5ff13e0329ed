// The referral side of the backend API: the coordinator's offer catalogue
// maintenance (with file import/export) and follow-up list, the partner's
// look-up by case number and uptake marks, and the tablet's pull of referral
// states. A partner never gets anything about a case but its referrals.
import { boundedInstantSchema } from './instants';
import { z } from 'zod';
import { offerSchema, translationsWithoutGerman } from './offers';
import { offerCapacitySchema } from './offer-capacity';
import { offerIdSchema, partnerKeySchema, slipCodeSchema } from './records/referral';
import { caseNumberFormatSchema } from './records/case-number-format';
import { FAMILY_LANGUAGES } from './languages';
import { UUID_PATTERN } from './ids';

/** Kept in sync with src/domain/referral-state.ts REFERRAL_STATES (a unit test checks). */
export const REFERRAL_STATE_VALUES = ['suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse'] as const;
export const PARTNER_STATE_VALUES = ['contacted', 'started', 'completed', 'declined'] as const;
/** Kept in sync with src/domain/referral-state.ts REFERRAL_REASONS (a unit test checks). */
export const REFERRAL_REASON_VALUES = [
  'gotHelp',
  'appointmentMade',
  'couldNotContact',
  'notEligible',
  'noCapacity',
  'noLongerInterested',
  'referredElsewhere',
  'other',
] as const;
const reasonSchema = z.enum(REFERRAL_REASON_VALUES, { error: 'unknownReason' });

const organisationId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'invalidOrganisation' });

/** An offer as the coordinator maintains it: the tablet's offer plus the partner organisation confirming uptake. */
export const managedOfferSchema = offerSchema.extend({
  partnerOrganisationId: organisationId.nullable(),
});
export type ManagedOffer = z.infer<typeof managedOfferSchema>;

export const managedOfferListSchema = z.strictObject({
  offers: z.array(managedOfferSchema),
  /** The partners' free places, per offer that has them (docs/REFERRALS.md, "Capacity"): shown, never edited here. */
  capacities: z.array(z.strictObject({ offerId: z.string(), capacity: offerCapacitySchema })).optional(),
});
/** A translation needs the German text it stands for: that text is the fallback for every other language. */
function requireGermanForTranslations(offer: Parameters<typeof translationsWithoutGerman>[0], context: z.RefinementCtx): void {
  for (const path of translationsWithoutGerman(offer)) {
    context.addIssue({ code: 'custom', path: path.split('.'), message: 'germanTextMissing' });
  }
}
/** What the office sends to add an offer (and the offer form checks before sending). */
export const offerRequestSchema = managedOfferSchema.superRefine(requireGermanForTranslations);
export const updateOfferRequestSchema = managedOfferSchema.omit({ id: true }).superRefine(requireGermanForTranslations);
export type UpdateOfferRequest = z.infer<typeof updateOfferRequestSchema>;
export const offerIdParamsSchema = z.strictObject({ offerId: z.string().min(1).max(100) });

export const partnerOrganisationListSchema = z.strictObject({
  organisations: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      /** Active staff with a call-back key (warm handover): 0 → tablets offer no call-back for its offers. */
      callbackKeys: z.int().min(0),
    }),
  ),
});

/** The catalogue file (CSV or .xlsx) a coordinator exports, edits in a spreadsheet and imports back. */
export const MAX_CSV_BYTES = 1024 * 1024;
export const MAX_XLSX_BYTES = 1024 * 1024;
export const MAX_CSV_ROWS = 2000;
/**
 * HSDS repeats ids and taxonomy terms for every offer: up to ~9 KB of JSON per offer (measured, docs/HSDS.md),
 * ~18 MB for the 2,000 offers a file may hold; the zipped package of the same ~2.1 MB.
 */
export const MAX_HSDS_JSON_BYTES = 24 * 1024 * 1024;
export const MAX_HSDS_ZIP_BYTES = 4 * 1024 * 1024;
/** Spreadsheets (CSV, .xlsx) and Open Referral HSDS 3.1: JSON, or the tabular data package as one .zip (docs/HSDS.md). */
export const OFFER_FILE_FORMATS = ['csv', 'xlsx', 'hsdsJson', 'hsdsZip'] as const;
export type OfferFileFormat = (typeof OFFER_FILE_FORMATS)[number];
/** An export: CSV and HSDS JSON as text, .xlsx and the HSDS .zip as base64 (all inside JSON, like every office call). */
export const offerFileExportSchema = z.strictObject({
  fileName: z.string(),
  format: z.enum(OFFER_FILE_FORMATS),
  content: z.string(),
});
export type OfferFileExport = z.infer<typeof offerFileExportSchema>;
export const offerFileSchema = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('csv'), text: z.string().min(1).max(MAX_CSV_BYTES) }),
  z.strictObject({
    format: z.literal('xlsx'),
    base64: z
      .string()
      .min(1)
      .max(Math.ceil(MAX_XLSX_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/),
  }),
  z.strictObject({ format: z.literal('hsdsJson'), text: z.string().min(1).max(MAX_HSDS_JSON_BYTES) }),
  z.strictObject({
    format: z.literal('hsdsZip'),
    base64: z
      .string()
      .min(1)
      .max(Math.ceil(MAX_HSDS_ZIP_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/),
  }),
]);
export type OfferFile = z.infer<typeof offerFileSchema>;
export const offerImportPreviewRequestSchema = z.strictObject({ file: offerFileSchema });
/** Importing is confirming a preview: `baseVersion` is the catalogue the preview was made against (else 409). */
export const offerImportRequestSchema = z.strictObject({ file: offerFileSchema, baseVersion: z.string().min(1).max(100) });

/** What can be wrong in a catalogue file; the office names each in German with the row, column and value. */
export const OFFER_FILE_PROBLEMS = [
  'unreadableFile',
  'emptyFile',
  'missingColumn',
  'unknownColumn',
  'duplicateColumn',
  'tooManyRows',
  'wrongColumnCount',
  'required',
  'tooLong',
  'invalidId',
  'notAllowed',
  'chooseOne',
  'unknownDistrict',
  'unknownOrganisation',
  'duplicateOfferId',
  // A text in another language whose German column is empty: German is the fallback, so it comes first.
  'translationWithoutGerman',
  // HSDS only: no HSDS catalogue at all; an entry that is no HSDS service; a service id that is not its offer's.
  'notHsds',
  'notHsdsService',
  'hsdsIdMismatch',
] as const;
/**
 * One problem of a catalogue file: the row as the spreadsheet numbers it (header = 1), the column as its
 * header reads in the file, the value found and the values allowed there. The catalogue holds organisation
 * data only, so the value is shown back to the coordinator who sent it (never logged).
 */
export const offerFileProblemSchema = z.strictObject({
  row: z.int().min(0),
  column: z.string().nullable(),
  value: z.string().nullable(),
  allowed: z.array(z.string()).nullable(),
  max: z.int().nullable(),
  problem: z.enum(OFFER_FILE_PROBLEMS),
});
export type OfferFileProblem = z.infer<typeof offerFileProblemSchema>;

/** The columns of the catalogue file, in order; the office names them with the same labels as the offer form. */
export const OFFER_FILE_COLUMNS = [
  'id',
  'name',
  'organisation',
  'type',
  'agePhases',
  'fields',
  'districts',
  'languages',
  'cost',
  'address',
  'phone',
  'hours',
  'whatToBring',
  'partnerOrganisationId',
  // Added later: a file without it still imports (the stored text is kept).
  'directions',
] as const;
export type OfferFileColumn = (typeof OFFER_FILE_COLUMNS)[number];

/** What the preview names as changed: a column, or the texts in other languages as one. */
export const OFFER_CHANGE_COLUMNS = [...OFFER_FILE_COLUMNS, 'translations'] as const;
export type OfferChangeColumn = (typeof OFFER_CHANGE_COLUMNS)[number];

const namedOffer = z.strictObject({ id: z.string(), name: z.string() });
/** What an import of the file would change, counted against the catalogue as it is (nothing written yet). */
export const offerImportPreviewSchema = z.strictObject({
  problems: z.array(offerFileProblemSchema),
  /** More problems than listed (the list stops at 100). */
  moreProblems: z.boolean(),
  baseVersion: z.string(),
  created: z.array(namedOffer),
  changed: z.array(namedOffer.extend({ columns: z.array(z.enum(OFFER_CHANGE_COLUMNS)) })),
  removed: z.array(namedOffer),
  /** Not in the file but kept: families were referred to it (remove it by hand once no longer needed). */
  kept: z.array(namedOffer),
  unchanged: z.int().min(0),
});
export type OfferImportPreview = z.infer<typeof offerImportPreviewSchema>;
export const offerImportResponseSchema = z.strictObject({ created: z.int(), changed: z.int(), removed: z.int() });

const referralIdSchema = z.string().regex(UUID_PATTERN, { message: 'invalidId' });
export const referralIdParamsSchema = z.strictObject({ referralId: referralIdSchema });

export const referralStateChangeSchema = z.strictObject({
  state: z.enum(REFERRAL_STATE_VALUES),
  reason: reasonSchema.nullable(),
  changedAt: z.iso.datetime(),
});

/** What a partner's look-up says of a call-back request (warm handover): until when, and whether it is sealed to the caller's key. */
export const partnerCallbackSchema = z.strictObject({
  expiresAt: z.iso.datetime(),
  sealedToYou: z.boolean(),
});

/** What a partner sees of one referral: offer, dates, language and the note the family agreed to share. Nothing else. */
export const partnerReferralSchema = z.strictObject({
  id: z.string(),
  caseNumber: z.string(),
  offerId: z.string(),
  offerName: z.string(),
  organisation: z.string(),
  createdAt: z.iso.datetime(),
  state: z.enum(REFERRAL_STATE_VALUES),
  /** Why it ended or stalled, where the state carries one (src/domain/referral-state.ts REASONS_BY_STATE). */
  reason: reasonSchema.nullable(),
  stateChangedAt: z.iso.datetime(),
  language: z.enum(FAMILY_LANGUAGES),
  sharedNote: z.string().nullable(),
  history: z.array(referralStateChangeSchema),
  /** An open call-back request (warm handover): never the number, which only the reveal hands out, once. */
  callback: partnerCallbackSchema.nullable(),
});
export type PartnerReferral = z.infer<typeof partnerReferralSchema>;

export const partnerLookupRequestSchema = z.strictObject({ caseNumber: caseNumberFormatSchema });
export const partnerReferralListSchema = z.strictObject({ referrals: z.array(partnerReferralSchema) });
/** A reason that does not fit the state is refused by the server (400, `reasonNotForState` / `reasonRequired`). */
export const partnerStateRequestSchema = z.strictObject({ state: z.enum(PARTNER_STATE_VALUES), reason: reasonSchema.optional() });
export const coordinatorStateRequestSchema = z.strictObject({ state: z.literal('noResponse'), reason: reasonSchema.optional() });

export const REFERRAL_SECOND_CHECK_VALUES = ['done', 'awaiting', 'sentBack'] as const;
export type ReferralSecondCheck = (typeof REFERRAL_SECOND_CHECK_VALUES)[number];

export const followUpReferralSchema = z.strictObject({
  id: z.string(),
  caseNumber: z.string(),
  offerId: z.string(),
  offerName: z.string(),
  organisation: z.string(),
  state: z.enum(REFERRAL_STATE_VALUES),
  createdAt: z.iso.datetime(),
  stateChangedAt: z.iso.datetime(),
  /** The referral's own second check: done (or not required), awaiting it, or sent back — partners see only `done`. */
  secondCheck: z.enum(REFERRAL_SECOND_CHECK_VALUES),
});
export const followUpListSchema = z.strictObject({
  noResponseWeeks: z.int(),
  referrals: z.array(followUpReferralSchema),
});
export type FollowUpList = z.infer<typeof followUpListSchema>;

export const referralSettingsSchema = z.strictObject({
  noResponseWeeks: z.int({ error: 'invalidWeeks' }).min(1, { message: 'invalidWeeks' }).max(52, { message: 'invalidWeeks' }),
});
export type ReferralSettings = z.infer<typeof referralSettingsSchema>;

/** The tablet's pull: states of the referrals made on this tablet. */
export const tabletReferralStatesQuerySchema = z.strictObject({
  since: boundedInstantSchema.optional(),
});
export const tabletReferralStatesSchema = z.strictObject({
  serverTime: z.iso.datetime(),
  referrals: z.array(
    z.strictObject({
      id: z.string(),
      recordId: z.string(),
      caseNumber: z.string(),
      offerId: z.string(),
      state: z.enum(REFERRAL_STATE_VALUES),
      stateChangedAt: z.iso.datetime(),
    }),
  ),
});
export type TabletReferralStates = z.infer<typeof tabletReferralStatesSchema>;

// Confirmation without an account (docs/REFERRALS.md): a partner who has no
// Lotse account confirms on one public page with the slip code and the offer's
// partner key. Both travel in the body, never in a URL. The answer names only
// the offer and the referral's date — never the case number or anything else.
export const publicConfirmationLookupSchema = z.strictObject({
  slipCode: slipCodeSchema,
  partnerKey: partnerKeySchema,
});
export const publicConfirmationRequestSchema = publicConfirmationLookupSchema.extend({
  state: z.enum(PARTNER_STATE_VALUES),
  reason: reasonSchema.nullable(),
});
export const publicConfirmationSchema = z.strictObject({
  offerName: z.string(),
  /** YYYY-MM-DD, the day the referral was made. */
  referredOn: z.iso.date(),
  state: z.enum(REFERRAL_STATE_VALUES),
  reason: reasonSchema.nullable(),
});
export type PublicConfirmation = z.infer<typeof publicConfirmationSchema>;

/** The coordinator's view of an offer's partner key: never the key, only its public id and when it was issued. */
export const partnerKeyStatusSchema = z.strictObject({
  offerId: z.string(),
  keyId: z.string().nullable(),
  issuedAt: z.iso.datetime().nullable(),
});
export const partnerKeyStatusListSchema = z.strictObject({ keys: z.array(partnerKeyStatusSchema) });
/** Issued or rotated: the key itself, shown this once (the server keeps only its hash). */
export const issuedPartnerKeySchema = z.strictObject({
  offerId: offerIdSchema,
  partnerKey: partnerKeySchema,
  issuedAt: z.iso.datetime(),
});
