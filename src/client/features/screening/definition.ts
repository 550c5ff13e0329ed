// The screening questionnaire this tablet uses: the default Fragenkatalog,
// checked once by loadQuestionnaire (a broken definition is never half-used),
// and the helpers that show its texts in the staff language.
import defaultScreening from '../../../domain/default-screening.json';
import { loadQuestionnaire, type AnswerValue, type Answers, type LoadResult, type Question, type QuestionnaireDefinition } from '../../../domain/questionnaire';

/** The default definition, checked at module load (cheap; never throws). */
export const DEFAULT_SCREENING: LoadResult = loadQuestionnaire(defaultScreening);

export type StaffTextLanguage = 'de' | 'en';

/** 'en' for English staff, German otherwise (German is the questionnaire's reference text). */
export function staffTextLanguage(language: string | undefined): StaffTextLanguage {
  return language?.split('-')[0] === 'en' ? 'en' : 'de';
}

/** A definition text in the staff language, German where the translation is missing. */
export function textIn(text: Readonly<Record<string, string>>, language: StaffTextLanguage): string {
  return text[language] ?? text.de ?? '';
}

export function allQuestions(definition: QuestionnaireDefinition): Question[] {
  return definition.sections.flatMap((section) => section.questions);
}

/** Whether a value counts as an answer (the engine's rule: blank text and empty lists do not). */
export function isAnswered(value: AnswerValue | undefined): value is AnswerValue {
  if (value === undefined) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** The answers to the visible questions only, notes trimmed: what a record stores. */
export function visibleAnswers(answers: Answers, visible: readonly string[]): Record<string, AnswerValue> {
  const result: Record<string, AnswerValue> = {};
  for (const id of visible) {
    const value = answers[id];
    if (!isAnswered(value)) continue;
    result[id] = typeof value === 'string' ? value.trim() : value;
  }
  return result;
}

/** Reads answers from a stored draft, keeping only values of an answer's shape. */
export function readAnswers(raw: unknown): Record<string, AnswerValue> {
  const result: Record<string, AnswerValue> = {};
  if (!raw || typeof raw !== 'object') return result;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) result[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) result[key] = value;
  }
  return result;
}
