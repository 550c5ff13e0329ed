// The screening questionnaire ("Fragenkatalog") as versioned data, not code,
// so a municipality can adapt it: sections of questions of a few types, skip
// logic ("show if"), required rules, weights and thresholds for the support
// need, and the answers that signal acute danger (child protection).
//
// loadQuestionnaire() refuses a broken definition with messages that name the
// problem; callers keep the last good definition. explainScore() applies skip
// logic, required rules and scoring to a set of answers and says which answer
// gave how many points; evaluate() is the same without the reasons (one code
// path, so an explanation never disagrees with a score); effectiveSupportNeed()
// and visibleAnswers() are the rules a stored screening follows (form, server
// and the report's parity test all use these).
import { z } from 'zod';
import { OFFER_FIELDS } from '@shared/offers';
import { OVERRIDE_REASON_MIN_LENGTH, type SupportNeedLevel } from '@shared/records/screening';

export const QUESTION_TYPES = ['yesNo', 'single', 'multiple', 'scale', 'number', 'note'] as const;
/** Who answers a question: the family itself (family mode, in its language) or the staff member (the default). */
export const ANSWERED_BY = ['staff', 'family'] as const;
export type AnsweredBy = (typeof ANSWERED_BY)[number];

/** A support-need level (the one list, SUPPORT_NEED_LEVELS, is defined with the record schema in shared/records/screening.ts). */
export type SupportNeed = SupportNeedLevel;
export { OVERRIDE_REASON_MIN_LENGTH };

const id = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9-]{0,63}$/, { message: 'an id is a lower-case letter followed by letters, digits or hyphens' });
/** Texts per language; German is required (source language). */
const text = z
  .record(z.string().regex(/^[a-z]{2}$/), z.string().min(1).max(500))
  .refine((t) => 'de' in t, { message: 'German text (de) is required' });
const weight = z.number().min(0).max(100);

export type Condition =
  | { question: string; equals: string | number | boolean }
  | { question: string; in: (string | number)[] }
  | { question: string; includes: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ question: id, equals: z.union([z.string(), z.number(), z.boolean()]) }),
    z.strictObject({ question: id, in: z.array(z.union([z.string(), z.number()])).min(1) }),
    z.strictObject({ question: id, includes: z.string() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

const optionSchema = z.strictObject({
  id,
  label: text,
  weight: weight.optional(),
  /** Choosing this option signals acute danger to the child. */
  acuteDanger: z.boolean().optional(),
});

const questionSchema = z.strictObject({
  id,
  type: z.enum(QUESTION_TYPES),
  label: text,
  hint: text.optional(),
  required: z.boolean().optional(),
  /** Absent means staff: definitions written before family self-completion stay valid unchanged. */
  answeredBy: z.enum(ANSWERED_BY).optional(),
  showIf: conditionSchema.optional(),
  /** yesNo: weight of "yes"; acuteDangerIfYes flags child protection. */
  weightYes: weight.optional(),
  acuteDangerIfYes: z.boolean().optional(),
  options: z.array(optionSchema).min(2).max(20).optional(),
  /** scale: min..max; weightPerStep adds (value - min) × weight. */
  scale: z
    .strictObject({ min: z.int(), max: z.int(), minLabel: text.optional(), maxLabel: text.optional(), weightPerStep: weight.optional() })
    .optional(),
  /** number: allowed range. */
  range: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  /** Offer catalog fields a "yes"/chosen answer points to (matching offers). */
  offerFields: z.array(z.enum(OFFER_FIELDS)).optional(),
});
export type Question = z.infer<typeof questionSchema>;

const definitionSchema = z.strictObject({
  id,
  version: z.string().regex(/^[0-9]{4}\.[0-9]+$/, { message: 'version looks like 2026.1' }),
  title: text,
  sections: z.array(z.strictObject({ id, title: text, questions: z.array(questionSchema).min(1) })).min(1),
  /** Score from which each support need applies (ascending). */
  thresholds: z.strictObject({ informationOnly: weight, offerRecommended: weight, urgent: weight }),
});
export type QuestionnaireDefinition = z.infer<typeof definitionSchema>;

export type LoadResult = { ok: true; definition: QuestionnaireDefinition } | { ok: false; problems: string[] };

function conditionQuestions(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionQuestions);
  if ('any' in condition) return condition.any.flatMap(conditionQuestions);
  if ('not' in condition) return conditionQuestions(condition.not);
  return [condition.question];
}

/** Highest score a set of answers can reach: the ceiling thresholds must stay within. */
export function maximumScore(definition: QuestionnaireDefinition): number {
  let total = 0;
  for (const question of definition.sections.flatMap((s) => s.questions)) {
    if (question.type === 'yesNo') total += question.weightYes ?? 0;
    if (question.type === 'single') total += Math.max(0, ...(question.options ?? []).map((o) => o.weight ?? 0));
    if (question.type === 'multiple') total += (question.options ?? []).reduce((sum, o) => sum + (o.weight ?? 0), 0);
    if (question.type === 'scale' && question.scale)
      total += (question.scale.max - question.scale.min) * (question.scale.weightPerStep ?? 0);
  }
  return total;
}

/** Checks that depend on where a definition is used rather than on the definition alone. */
export interface LoadOptions {
  /**
   * The languages the municipality offers families: every text of a question the family answers
   * (label, hint, options, scale ends) must exist in each of them. The server checks uploads against
   * them; a tablet, which only shows what the server accepted, leaves them out.
   */
  familyLanguages?: readonly string[];
}

/** The texts of a question a family reads, each with where it sits (for naming a missing translation). */
function familyTexts(question: Question): [string, Record<string, string>][] {
  const texts: [string, Record<string, string>][] = [['label', question.label]];
  if (question.hint) texts.push(['hint', question.hint]);
  for (const option of question.options ?? []) texts.push([`option "${option.id}"`, option.label]);
  if (question.scale?.minLabel) texts.push(['scale minLabel', question.scale.minLabel]);
  if (question.scale?.maxLabel) texts.push(['scale maxLabel', question.scale.maxLabel]);
  return texts;
}

/** Parses and checks a definition; every problem is named, nothing is half-loaded. */
export function loadQuestionnaire(input: unknown, options: LoadOptions = {}): LoadResult {
  const parsed = definitionSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(definition)'}: ${issue.message}`) };
  }
  const definition = parsed.data;
  const problems: string[] = [];
  const seen = new Map<string, Question>();
  for (const section of definition.sections) {
    for (const question of section.questions) {
      if (seen.has(question.id)) problems.push(`duplicate question id "${question.id}"`);
      for (const referenced of question.showIf ? conditionQuestions(question.showIf) : []) {
        if (referenced === question.id) problems.push(`question "${question.id}": skip rule refers to the question itself`);
        else if (!seen.has(referenced))
          problems.push(`question "${question.id}": skip rule refers to "${referenced}", which is not an earlier question`);
      }
      const needsOptions = question.type === 'single' || question.type === 'multiple';
      if (needsOptions && !question.options) problems.push(`question "${question.id}": a ${question.type} question needs options`);
      if (!needsOptions && question.options) problems.push(`question "${question.id}": only single/multiple questions have options`);
      const optionIds = (question.options ?? []).map((o) => o.id);
      if (new Set(optionIds).size !== optionIds.length) problems.push(`question "${question.id}": duplicate option id`);
      if (question.type === 'scale' && (!question.scale || question.scale.max <= question.scale.min)) {
        problems.push(`question "${question.id}": a scale needs min < max`);
      }
      if (question.type === 'number' && question.range && question.range.max < question.range.min) {
        problems.push(`question "${question.id}": range max is below min`);
      }
      if (question.answeredBy === 'family') {
        for (const [where, text] of familyTexts(question)) {
          const missingLanguages = (options.familyLanguages ?? []).filter((language) => !text[language]);
          if (missingLanguages.length > 0)
            problems.push(
              `question "${question.id}": ${where} lacks the family language(s) ${missingLanguages.join(', ')} (a family answers it)`,
            );
        }
      }
      seen.set(question.id, question);
    }
  }
  const { informationOnly, offerRecommended, urgent } = definition.thresholds;
  if (!(informationOnly > 0 && informationOnly <= offerRecommended && offerRecommended <= urgent)) {
    problems.push('thresholds must rise: 0 < informationOnly ≤ offerRecommended ≤ urgent');
  }
  const ceiling = maximumScore(definition);
  for (const [name, value] of Object.entries(definition.thresholds)) {
    if (value > ceiling)
      problems.push(`threshold ${name} (${String(value)}) is out of range: no answers can reach it (maximum score ${String(ceiling)})`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definition };
}

export type AnswerValue = boolean | string | string[] | number;
export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

export function conditionHolds(condition: Condition, answers: Answers): boolean {
  if ('all' in condition) return condition.all.every((c) => conditionHolds(c, answers));
  if ('any' in condition) return condition.any.some((c) => conditionHolds(c, answers));
  if ('not' in condition) return !conditionHolds(condition.not, answers);
  const value = answers[condition.question];
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return (typeof value === 'string' || typeof value === 'number') && condition.in.includes(value);
  return Array.isArray(value) && value.includes(condition.includes);
}

export interface Evaluation {
  /** Questions shown, in order (skip logic applied). */
  visible: string[];
  /** Required visible questions without an answer. */
  missing: string[];
  score: number;
  supportNeed: SupportNeed;
  /** Questions whose answer signals acute danger: show the emergency instruction now. */
  acuteDanger: string[];
  /** Fields of the offer catalog the answers point to. */
  offerFields: string[];
}

/** Whether a value counts as an answer: blank text and empty lists do not (scoring, required rules and storing agree). */
export function isAnswered(value: AnswerValue | undefined): value is AnswerValue {
  if (value === undefined) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** The answers to the visible questions only, notes trimmed: what a screening record stores. */
export function visibleAnswers(answers: Answers, visible: readonly string[]): Record<string, AnswerValue> {
  const result: Record<string, AnswerValue> = {};
  for (const id of visible) {
    const value = answers[id];
    if (!isAnswered(value)) continue;
    result[id] = typeof value === 'string' ? value.trim() : value;
  }
  return result;
}

/**
 * The support need that applies: a staff member's override wins over the
 * computed one. What the form shows and what the report counts (the SQL's
 * coalesce in report_facts is the fast path of this rule).
 */
export function effectiveSupportNeed(screening: {
  supportNeed: SupportNeed;
  override?: { supportNeed: SupportNeed } | null | undefined;
}): SupportNeed {
  return screening.override?.supportNeed ?? screening.supportNeed;
}

/** What one visible, answered question gave: its points and whether it set acute danger. */
export interface AnswerContribution {
  questionId: string;
  sectionId: string;
  points: number;
  /** The answer matches a rule of the definition that means acute danger (acuteDangerIfYes, or an option's acuteDanger). */
  acuteDanger: boolean;
  /** single/multiple: the chosen options with their points and danger rule, in the definition's order. */
  options: { id: string; points: number; acuteDanger: boolean }[];
  /** scale: the steps above the minimum and the points per step (points = steps × pointsPerStep). */
  scale?: { steps: number; pointsPerStep: number };
}

/** Why the computed support need is what it is. */
export type SupportNeedReason =
  { kind: 'acuteDanger' } | { kind: 'threshold'; threshold: Exclude<SupportNeed, 'none'>; from: number } | { kind: 'belowThresholds' };

/**
 * The evaluation with its reasons: every visible answered question with the
 * points it gave (zero included, in questionnaire order), the thresholds, and
 * why the support need follows. The score IS the sum of the contributions —
 * evaluate() is this function without the reasons, so the explanation a
 * reviewer reads and the score a record stores cannot differ.
 */
export interface ScoreExplanation extends Evaluation {
  contributions: AnswerContribution[];
  thresholds: QuestionnaireDefinition['thresholds'];
  reason: SupportNeedReason;
}

function contributionOf(question: Question, sectionId: string, value: AnswerValue): AnswerContribution {
  const contribution: AnswerContribution = { questionId: question.id, sectionId, points: 0, acuteDanger: false, options: [] };
  if (question.type === 'yesNo' && value === true) {
    contribution.points = question.weightYes ?? 0;
    contribution.acuteDanger = question.acuteDangerIfYes === true;
  } else if ((question.type === 'single' && typeof value === 'string') || (question.type === 'multiple' && Array.isArray(value))) {
    const chosen = typeof value === 'string' ? [value] : value;
    for (const option of question.options ?? []) {
      if (!chosen.includes(option.id)) continue;
      const part = { id: option.id, points: option.weight ?? 0, acuteDanger: option.acuteDanger === true };
      contribution.options.push(part);
      contribution.points += part.points;
      contribution.acuteDanger ||= part.acuteDanger;
    }
  } else if (question.type === 'scale' && typeof value === 'number' && question.scale) {
    const scale = { steps: value - question.scale.min, pointsPerStep: question.scale.weightPerStep ?? 0 };
    contribution.scale = scale;
    contribution.points = scale.steps * scale.pointsPerStep;
  }
  return contribution;
}

function supportNeedOf(score: number, acuteDanger: boolean, thresholds: QuestionnaireDefinition['thresholds']): SupportNeedReason {
  if (acuteDanger) return { kind: 'acuteDanger' };
  for (const threshold of ['urgent', 'offerRecommended', 'informationOnly'] as const) {
    if (score >= thresholds[threshold]) return { kind: 'threshold', threshold, from: thresholds[threshold] };
  }
  return { kind: 'belowThresholds' };
}

/** Applies skip logic, required rules and scoring, and says why. Answers to hidden questions do not count. */
export function explainScore(definition: QuestionnaireDefinition, answers: Answers): ScoreExplanation {
  const visible: string[] = [];
  const missing: string[] = [];
  const contributions: AnswerContribution[] = [];
  const shownAnswers: Record<string, AnswerValue | undefined> = {};
  for (const section of definition.sections) {
    for (const question of section.questions) {
      if (question.showIf && !conditionHolds(question.showIf, shownAnswers)) continue;
      visible.push(question.id);
      const value = answers[question.id];
      shownAnswers[question.id] = value;
      if (!isAnswered(value)) {
        if (question.required) missing.push(question.id);
        continue;
      }
      contributions.push(contributionOf(question, section.id, value));
    }
  }
  const questions = new Map(definition.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
  const score = contributions.reduce((sum, c) => sum + c.points, 0);
  const acuteDanger = contributions.filter((c) => c.acuteDanger).map((c) => c.questionId);
  const offerFields = new Set(
    contributions.filter((c) => c.points > 0 || c.acuteDanger).flatMap((c) => questions.get(c.questionId)?.offerFields ?? []),
  );
  const reason = supportNeedOf(score, acuteDanger.length > 0, definition.thresholds);
  const supportNeed: SupportNeed = reason.kind === 'acuteDanger' ? 'urgent' : reason.kind === 'threshold' ? reason.threshold : 'none';
  return {
    visible,
    missing,
    score,
    supportNeed,
    acuteDanger,
    offerFields: [...offerFields].sort(),
    contributions,
    thresholds: definition.thresholds,
    reason,
  };
}

/** Applies skip logic, required rules and scoring (explainScore without the reasons). */
export function evaluate(definition: QuestionnaireDefinition, answers: Answers): Evaluation {
  const { visible, missing, score, supportNeed, acuteDanger, offerFields } = explainScore(definition, answers);
  return { visible, missing, score, supportNeed, acuteDanger, offerFields };
}
