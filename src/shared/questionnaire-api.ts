// The wire format of municipality-adapted screening questionnaires
// (docs/QUESTIONNAIRE.md): a coordinator or admin uploads a definition; tablets
// pull the active one. The definition itself travels as plain JSON: the
// server checks it with the domain validator (src/domain/questionnaire.ts),
// and the tablet checks it again before using it (it may come from a newer format).
import { z } from 'zod';
import { CONTENT_HASH_PATTERN } from './content-hash';

/** Upper bound of an uploaded definition (bytes of JSON); the default is about 20 kB. */
export const MAX_QUESTIONNAIRE_BYTES = 256 * 1024;

const definitionIdSchema = z.string().regex(/^[a-z][a-zA-Z0-9-]{0,63}$/);
const versionSchema = z.string().regex(/^[0-9]{4}\.[0-9]+$/);
const hashSchema = z.string().regex(CONTENT_HASH_PATTERN);

/** The body of an upload: the definition as JSON (checked by the domain validator, which names every problem). */
export const uploadQuestionnaireRequestSchema = z.record(z.string(), z.unknown());

/** What the server stored and made active. */
export const questionnaireSummarySchema = z.strictObject({
  definitionId: definitionIdSchema,
  version: versionSchema,
  definitionHash: hashSchema,
  uploadedAt: z.iso.datetime(),
});
export type QuestionnaireSummary = z.infer<typeof questionnaireSummarySchema>;

/** The municipality's active definition, or null: the tablet then uses the built-in default. */
export const activeQuestionnaireResponseSchema = z.strictObject({
  questionnaire: z
    .strictObject({
      definitionId: definitionIdSchema,
      version: versionSchema,
      definitionHash: hashSchema,
      definition: z.record(z.string(), z.unknown()),
    })
    .nullable(),
});
export type ActiveQuestionnaireResponse = z.infer<typeof activeQuestionnaireResponseSchema>;
export type PulledQuestionnaire = NonNullable<ActiveQuestionnaireResponse['questionnaire']>;

/**
 * The questionnaire as an XLSForm-style spreadsheet (docs/QUESTIONNAIRE.md, "Authoring in a spreadsheet"):
 * the .xlsx travels as base64 inside JSON, like the offer catalogue file.
 */
export const MAX_QUESTIONNAIRE_XLSX_BYTES = 1024 * 1024;
export const XLSFORM_SHEETS = ['survey', 'choices', 'settings'] as const;
export type XlsFormSheet = (typeof XLSFORM_SHEETS)[number];
export const questionnaireXlsxRequestSchema = z.strictObject({
  base64: z
    .string()
    .min(1)
    .max(Math.ceil(MAX_QUESTIONNAIRE_XLSX_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/),
});
export const questionnaireXlsxExportSchema = z.strictObject({ fileName: z.string(), base64: z.string() });
export type QuestionnaireXlsxExport = z.infer<typeof questionnaireXlsxExportSchema>;

/** What can be wrong in a questionnaire spreadsheet; the office names each in German with sheet, row and column. */
export const XLSFORM_PROBLEMS = [
  'unreadableFile',
  'missingSheet',
  'tooManyRows',
  'missingColumn',
  'unknownColumn',
  'duplicateColumn',
  'required',
  'invalidName',
  'duplicateName',
  'unsupportedType',
  'integerNotSupported',
  'outsideGroup',
  'nestedGroup',
  'unclosedGroup',
  'endWithoutGroup',
  'emptyGroup',
  'notForType',
  'invalidYesNo',
  'invalidNumber',
  'invalidAnsweredBy',
  'invalidOfferField',
  'unknownList',
  'yesNoList',
  'duplicateChoice',
  'unsupportedRelevant',
  'unknownQuestion',
  'laterQuestion',
  'unknownChoice',
  'wrongValue',
  'unsupportedConstraint',
  'invalidParameters',
  'tooLong',
  // A problem the definition check (loadQuestionnaire) found after conversion; `detail` holds its text.
  'definition',
] as const;
export type XlsFormProblemKind = (typeof XLSFORM_PROBLEMS)[number];
/**
 * One problem of a questionnaire spreadsheet: the sheet, the row as the spreadsheet numbers it (header = 1),
 * the column as its header reads in the file, and the value found. A questionnaire holds no case data, so
 * the value goes back to the coordinator who sent it (never logged).
 */
export const xlsFormProblemSchema = z.strictObject({
  sheet: z.enum(XLSFORM_SHEETS).nullable(),
  row: z.int().min(0).nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  problem: z.enum(XLSFORM_PROBLEMS),
  detail: z.string().nullable(),
});
export type XlsFormProblem = z.infer<typeof xlsFormProblemSchema>;

/** What a spreadsheet would become, or every problem in it; nothing is written. */
export const questionnaireXlsxPreviewSchema = z.strictObject({
  problems: z.array(xlsFormProblemSchema),
  /** More problems than listed (the list stops at 100). */
  moreProblems: z.boolean(),
  /** Set when there are no problems: what uploading the file would activate. */
  definition: z
    .strictObject({
      definitionId: definitionIdSchema,
      version: versionSchema,
      sections: z.int().min(0),
      questions: z.int().min(0),
      familyQuestions: z.int().min(0),
      languages: z.array(z.string()),
      /** This id and version is already stored: uploading makes it active again (same content) or is refused (other content). */
      versionExists: z.boolean(),
    })
    .nullable(),
});
export type QuestionnaireXlsxPreview = z.infer<typeof questionnaireXlsxPreviewSchema>;
