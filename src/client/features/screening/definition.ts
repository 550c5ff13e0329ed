// The screening questionnaire this tablet uses: the default Fragenkatalog,
// checked once by loadQuestionnaire (a broken definition is never half-used),
// and the helpers that show its texts in the staff language.
import defaultScreening from '@domain/default-screening.json';
import { loadQuestionnaire, type AnswerValue, type LoadResult, type Question, type QuestionnaireDefinition } from '@domain/questionnaire';

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

/** A definition text in the family's language, German where the translation is missing (the reference text). */
export function familyText(text: Readonly<Record<string, string>>, language: string): string {
  return text[language] ?? text.de ?? '';
}

export function allQuestions(definition: QuestionnaireDefinition): Question[] {
  return definition.sections.flatMap((section) => section.questions);
}

/** Reads answers from a stored draft, keeping only values of an answer's shape. */
export function readAnswers(raw: unknown): Record<string, AnswerValue> {
  const result: Record<string, AnswerValue> = {};
  if (!raw || typeof raw !== 'object') return result;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))
      result[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) result[key] = value;
  }
  return result;
}
