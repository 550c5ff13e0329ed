// The screening's family part as data: which questions the family goes
// through (its own, in order, as the skip rules show them), and the record of
// who answered what — the family's answers, a change staff made with the
// family (keeping what the family had chosen), and what a record keeps.
import { describe, expect, it } from 'vitest';
import {
  familyQuestionsOf,
  markFamilyAnswer,
  markStaffAnswer,
  readFamilyAnswers,
  recordedFamilyAnswers,
  visibleFamilyQuestions,
} from '@domain/family-answers';
import { evaluate, loadQuestionnaire, type QuestionnaireDefinition } from '@domain/questionnaire';
import defaultScreening from '@domain/default-screening.json';
import { screeningContentSchema } from '@shared/records/screening';
import familyDefinition from '../../fixtures/family-screening-definition.json';

function load(raw: unknown): QuestionnaireDefinition {
  const loaded = loadQuestionnaire(raw);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.definition;
}

describe('the family part of a questionnaire', () => {
  it('goes through the family’s own questions only, in questionnaire order', () => {
    const definition = load(familyDefinition);
    expect(familyQuestionsOf(definition).map((q) => q.id)).toEqual(['support', 'money', 'confidence', 'children', 'safety']);
  });

  it('follows the skip rules: a family question appears once an earlier answer shows it', () => {
    const definition = load(defaultScreening);
    const before = visibleFamilyQuestions(definition, {}).map((q) => q.id);
    expect(before).not.toContain('financialKind');
    const after = visibleFamilyQuestions(definition, { financialHardship: true }).map((q) => q.id);
    expect(after).toContain('financialKind');
    expect(after.indexOf('financialKind')).toBe(after.indexOf('financialHardship') + 1);
    // Staff's clinical and observational questions are never the family's.
    for (const staffQuestion of ['preterm', 'careAtHome', 'safetyAtHome', 'childHarmed', 'moodScale', 'feeding'])
      expect(familyQuestionsOf(definition).map((q) => q.id)).not.toContain(staffQuestion);
  });

  it('scores the default the same with and without its family marks', () => {
    const marked = load(defaultScreening);
    const unmarked = load({
      ...defaultScreening,
      sections: defaultScreening.sections.map((s) => ({
        ...s,
        questions: s.questions.map((q) => Object.fromEntries(Object.entries(q).filter(([key]) => key !== 'answeredBy'))),
      })),
    });
    const answers = {
      financialHardship: true,
      financialKind: ['debts', 'noIncome'],
      supportNetwork: 'nobody',
      housing: 'insecure',
      confidence: 4,
    };
    expect(evaluate(marked, answers)).toEqual(evaluate(unmarked, answers));
  });
});

describe('who answered what', () => {
  it('marks the family’s answers, and forgets a mark when the family clears its answer', () => {
    let marks = markFamilyAnswer({}, 'support', 'few');
    marks = markFamilyAnswer(marks, 'money', true);
    expect(marks).toEqual({ support: { by: 'family' }, money: { by: 'family' } });
    expect(markFamilyAnswer(marks, 'money', undefined)).toEqual({ support: { by: 'family' } });
  });

  it('records a change by staff with the family’s own answer, once, and undoes it when staff set it back', () => {
    const family = markFamilyAnswer({}, 'support', 'few');
    const changed = markStaffAnswer(family, 'support', 'few', 'nobody');
    expect(changed).toEqual({ support: { by: 'changedByStaff', familyAnswer: 'few' } });
    // A second change keeps what the family first said.
    expect(markStaffAnswer(changed, 'support', 'nobody', 'several')).toEqual({ support: { by: 'changedByStaff', familyAnswer: 'few' } });
    // Back to the family's choice: the family's answer again.
    expect(markStaffAnswer(changed, 'support', 'nobody', 'few')).toEqual({ support: { by: 'family' } });
    // Lists compare by content.
    const list = markFamilyAnswer({}, 'stress', ['a', 'b']);
    expect(markStaffAnswer(list, 'stress', ['a', 'b'], ['a', 'b'])).toEqual({ stress: { by: 'family' } });
  });

  it('leaves a question the family did not answer to staff', () => {
    const marks = markFamilyAnswer({}, 'support', 'few');
    expect(markStaffAnswer(marks, 'money', undefined, true)).toBe(marks);
  });

  it('keeps in the record only marks of shown questions, and a cleared answer only as a change by staff', () => {
    const marks = {
      support: { by: 'family' as const },
      money: { by: 'family' as const },
      confidence: { by: 'changedByStaff' as const, familyAnswer: 2 },
      hidden: { by: 'family' as const },
    };
    expect(recordedFamilyAnswers(marks, { support: 'few', hidden: true }, ['support', 'money', 'confidence'])).toEqual({
      support: { by: 'family' },
      confidence: { by: 'changedByStaff', familyAnswer: 2 },
    });
    expect(recordedFamilyAnswers({}, {}, [])).toBeUndefined();
  });

  it('reads a draft’s marks, dropping what is not a mark (a draft of an older app has none)', () => {
    expect(readFamilyAnswers(undefined)).toEqual({});
    expect(readFamilyAnswers({ a: { by: 'family' }, b: { by: 'someone' }, c: 'x', d: { by: 'changedByStaff' } })).toEqual({
      a: { by: 'family' },
    });
  });

  it('fits the record schema, which still accepts a screening without any family answer', () => {
    const base = {
      definitionId: 'birth-clinic-screening',
      definitionVersion: '2026.2',
      definitionHash: 'a'.repeat(64),
      answers: { support: 'nobody' },
      score: 3,
      supportNeed: 'informationOnly',
      acuteDanger: [],
      suggestedOffers: [],
    };
    expect(screeningContentSchema.safeParse(base).success).toBe(true);
    expect(
      screeningContentSchema.safeParse({ ...base, familyAnswers: { support: { by: 'changedByStaff', familyAnswer: 'few' } } }).success,
    ).toBe(true);
    expect(screeningContentSchema.safeParse({ ...base, familyAnswers: { support: { by: 'changedByStaff' } } }).success).toBe(false);
    expect(screeningContentSchema.safeParse({ ...base, familyAnswers: { support: { by: 'family', extra: 1 } } }).success).toBe(false);
  });
});
