// A birth-clinic screening (Moers): the answers to a versioned questionnaire
// definition (src/domain/questionnaire.ts), the score and support need the
// definition's rules gave, an optional override by the staff member (with a
// reason), the questions that signalled acute danger, and the offers suggested.
import { z } from 'zod';
import { CONTENT_HASH_PATTERN } from '../content-hash';
import { districtField } from './district';

export const SCREENING_SCHEMA_VERSION = 1;
/** The support-need levels, lowest first: the ONE list (questionnaire scoring, the form, report categories). */
export const SUPPORT_NEED_LEVELS = ['none', 'informationOnly', 'offerRecommended', 'urgent'] as const;
export type SupportNeedLevel = (typeof SUPPORT_NEED_LEVELS)[number];
/** Shortest reason a staff member must give for overriding the computed support need (trimmed characters). */
export const OVERRIDE_REASON_MIN_LENGTH = 5;
export const SCREENING_NOTE_MAX_LENGTH = 500;

const answerValue = z.union([z.boolean(), z.string().max(SCREENING_NOTE_MAX_LENGTH), z.array(z.string().max(64)).max(30), z.number()]);
const questionId = z.string().regex(/^[a-z][a-zA-Z0-9-]{0,63}$/);

/**
 * Who gave an answer, for the answers the family gave itself on the tablet (family mode): `family` —
 * the stored answer is the family's own; `changedByStaff` — staff changed it with the family afterwards,
 * `familyAnswer` is what the family had chosen and `answers` holds the changed one (or nothing, if staff
 * cleared it). A question without an entry was answered by staff, as every answer of a screening saved
 * before family self-completion.
 */
export const FAMILY_ANSWER_MARKS = ['family', 'changedByStaff'] as const;
export const familyAnswerSchema = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('family') }),
  z.strictObject({ by: z.literal('changedByStaff'), familyAnswer: answerValue }),
]);
export type FamilyAnswerMark = z.infer<typeof familyAnswerSchema>;

export const screeningContentSchema = z.strictObject({
  definitionId: z.string().regex(/^[a-z][a-zA-Z0-9-]{0,63}$/),
  definitionVersion: z.string().regex(/^[0-9]{4}\.[0-9]+$/),
  /** SHA-256 of the definition used (canonical JSON), so the server knows exactly which rules applied. */
  definitionHash: z.string().regex(CONTENT_HASH_PATTERN),
  answers: z.record(questionId, answerValue),
  /** Optional (absent: staff answered everything): which answers the family gave itself, and which staff changed. */
  familyAnswers: z.record(questionId, familyAnswerSchema).optional(),
  score: z.number().min(0).max(10_000),
  supportNeed: z.enum(SUPPORT_NEED_LEVELS),
  override: z
    .strictObject({
      supportNeed: z.enum(SUPPORT_NEED_LEVELS),
      reason: z.string().trim().min(OVERRIDE_REASON_MIN_LENGTH, { message: 'overrideReasonRequired' }).max(SCREENING_NOTE_MAX_LENGTH),
    })
    .optional(),
  acuteDanger: z.array(z.string()).max(50),
  suggestedOffers: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)).max(20),
  ...districtField,
});
export type ScreeningContent = z.infer<typeof screeningContentSchema>;
