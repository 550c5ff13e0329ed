// The screening's family part: which questions the family answers itself while
// it holds the tablet (the definition's `answeredBy: 'family'`, in order, as the
// skip rules show them), and the record of who answered what — the family's own
// answers, and the ones staff changed with the family afterwards, with what the
// family had chosen. Pure: the form keeps the marks beside the answers.
import { familyAnswerSchema, type FamilyAnswerMark } from '@shared/records/screening';
import { evaluate, isAnswered, type AnswerValue, type Answers, type Question, type QuestionnaireDefinition } from './questionnaire';

export type FamilyAnswers = Readonly<Record<string, FamilyAnswerMark>>;

/** Every question the family answers itself, in questionnaire order, shown or not. */
export function familyQuestionsOf(definition: QuestionnaireDefinition): Question[] {
  return definition.sections.flatMap((section) => section.questions.filter((question) => question.answeredBy === 'family'));
}

/**
 * The family's questions shown for these answers (skip rules applied), in order: the screens the family
 * goes through. A later screen can appear or go as the family answers an earlier one.
 */
export function visibleFamilyQuestions(definition: QuestionnaireDefinition, answers: Answers): Question[] {
  const visible = new Set(evaluate(definition, answers).visible);
  return familyQuestionsOf(definition).filter((question) => visible.has(question.id));
}

function sameAnswer(a: AnswerValue | undefined, b: AnswerValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => value === b[index]);
  return a === b;
}

function without(marks: FamilyAnswers, id: string): Record<string, FamilyAnswerMark> {
  return Object.fromEntries(Object.entries(marks).filter(([key]) => key !== id));
}

/** The family answered (or cleared) `id` while holding the tablet: the answer is the family's own. */
export function markFamilyAnswer(marks: FamilyAnswers, id: string, value: AnswerValue | undefined): FamilyAnswers {
  const rest = without(marks, id);
  return isAnswered(value) ? { ...rest, [id]: { by: 'family' } } : rest;
}

/**
 * Staff set `id` to `value` (with the family). An answer the family gave becomes "changed by staff",
 * remembering the family's choice once; set back to exactly that choice, it is the family's again.
 * A question the family left open stays staff's.
 */
export function markStaffAnswer(
  marks: FamilyAnswers,
  id: string,
  before: AnswerValue | undefined,
  value: AnswerValue | undefined,
): FamilyAnswers {
  const mark = marks[id];
  if (mark === undefined) return marks;
  const familyAnswer = mark.by === 'family' ? before : mark.familyAnswer;
  if (familyAnswer === undefined) return without(marks, id);
  if (sameAnswer(familyAnswer, value)) return { ...without(marks, id), [id]: { by: 'family' } };
  return { ...without(marks, id), [id]: { by: 'changedByStaff', familyAnswer } };
}

/**
 * The marks a record keeps: only of questions still shown (a hidden answer is not stored, nor who gave
 * it), and a family answer only while the answer is there; a change by staff also when staff cleared it.
 */
export function recordedFamilyAnswers(marks: FamilyAnswers, answers: Answers, visible: readonly string[]): FamilyAnswers | undefined {
  const shown = new Set(visible);
  const kept = Object.entries(marks).filter(([id, mark]) => shown.has(id) && (mark.by === 'changedByStaff' || isAnswered(answers[id])));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** Reads the marks of a stored draft, keeping only well-formed ones (a draft of an older app has none). */
export function readFamilyAnswers(raw: unknown): FamilyAnswers {
  if (!raw || typeof raw !== 'object') return {};
  const marks: Record<string, FamilyAnswerMark> = {};
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = familyAnswerSchema.safeParse(value);
    if (parsed.success) marks[id] = parsed.data;
  }
  return marks;
}
