// An answer as staff read it: option labels instead of option ids, yes/no in
// words, numbers and notes as they are. Used wherever a screening's answers are
// shown after the fact (evaluation, second check, approver queue).
import type { Question } from '@domain/questionnaire';
import { textIn, type StaffTextLanguage } from './definition';

export function answerText(
  question: Question | undefined,
  value: unknown,
  language: StaffTextLanguage,
  words: { yes: string; no: string },
): string {
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  const label = (id: unknown): string => {
    const option = question?.options?.find((o) => o.id === id);
    return option ? textIn(option.label, language) : String(id);
  };
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'string' && question?.options) return label(value);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** A chosen option's label (the options that scored or set danger). */
export function optionLabel(question: Question | undefined, optionId: string, language: StaffTextLanguage): string {
  const option = question?.options?.find((o) => o.id === optionId);
  return option ? textIn(option.label, language) : optionId;
}
