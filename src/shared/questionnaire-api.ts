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
