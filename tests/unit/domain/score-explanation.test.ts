// The explainable score: which answer gave how many points, which rule set
// acute danger, the thresholds and why the support need follows — and the
// score is always exactly the sum of what the explanation lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import {
  evaluate,
  explainScore,
  loadQuestionnaire,
  type AnswerValue,
  type Question,
  type QuestionnaireDefinition,
} from '@domain/questionnaire';

function loaded(input: unknown): QuestionnaireDefinition {
  const result = loadQuestionnaire(input);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

const example = loaded({
  id: 'test-screening',
  version: '2026.1',
  title: { de: 'Test' },
  sections: [
    {
      id: 'child',
      title: { de: 'Kind' },
      questions: [
        { id: 'preterm', type: 'yesNo', label: { de: 'Frühgeburt?' }, weightYes: 2, offerFields: ['health'] },
        { id: 'week', type: 'number', label: { de: 'Woche' }, showIf: { question: 'preterm', equals: true }, range: { min: 22, max: 37 } },
        { id: 'harmed', type: 'yesNo', label: { de: 'Verletzt?' }, weightYes: 0, acuteDangerIfYes: true },
      ],
    },
    {
      id: 'family',
      title: { de: 'Familie' },
      questions: [
        {
          id: 'hardship',
          type: 'multiple',
          label: { de: 'Belastungen' },
          options: [
            { id: 'money', label: { de: 'Geld' }, weight: 1 },
            { id: 'housing', label: { de: 'Wohnen' }, weight: 3 },
            { id: 'violence', label: { de: 'Gewalt' }, weight: 5, acuteDanger: true },
          ],
        },
        { id: 'mood', type: 'scale', label: { de: 'Stimmung' }, scale: { min: 1, max: 5, weightPerStep: 2 } },
      ],
    },
  ],
  thresholds: { informationOnly: 2, offerRecommended: 5, urgent: 12 },
});

describe('explainScore', () => {
  it('lists every visible answered question in questionnaire order with its section and points, zero included', () => {
    const explained = explainScore(example, { mood: 3, preterm: false, hardship: ['housing', 'money'] });
    expect(explained.contributions.map((c) => [c.sectionId, c.questionId, c.points])).toEqual([
      ['child', 'preterm', 0],
      ['family', 'hardship', 4],
      ['family', 'mood', 4],
    ]);
    expect(explained.score).toBe(8);
  });

  it('names each chosen option with its points, and a scale as steps × points per step', () => {
    const explained = explainScore(example, { hardship: ['money', 'housing'], mood: 4 });
    const [hardship, mood] = explained.contributions;
    expect(hardship?.options).toEqual([
      { id: 'money', points: 1, acuteDanger: false },
      { id: 'housing', points: 3, acuteDanger: false },
    ]);
    expect(mood?.scale).toEqual({ steps: 3, pointsPerStep: 2 });
    expect(mood?.points).toBe(6);
  });

  it('says which answer set acute danger, even one worth no points', () => {
    const explained = explainScore(example, { harmed: true, hardship: ['violence', 'money'] });
    expect(explained.contributions.filter((c) => c.acuteDanger).map((c) => c.questionId)).toEqual(['harmed', 'hardship']);
    expect(explained.contributions.find((c) => c.questionId === 'harmed')?.points).toBe(0);
    expect(explained.contributions.find((c) => c.questionId === 'hardship')?.options.filter((o) => o.acuteDanger)).toEqual([
      { id: 'violence', points: 5, acuteDanger: true },
    ]);
    expect(explained.acuteDanger).toEqual(['harmed', 'hardship']);
    expect(explained.reason).toEqual({ kind: 'acuteDanger' });
    expect(explained.supportNeed).toBe('urgent');
  });

  it('gives the thresholds and the one the score reached', () => {
    expect(explainScore(example, { preterm: true }).thresholds).toEqual({ informationOnly: 2, offerRecommended: 5, urgent: 12 });
    expect(explainScore(example, {}).reason).toEqual({ kind: 'belowThresholds' });
    expect(explainScore(example, { preterm: true }).reason).toEqual({ kind: 'threshold', threshold: 'informationOnly', from: 2 });
    expect(explainScore(example, { preterm: true, mood: 3 }).reason).toEqual({ kind: 'threshold', threshold: 'offerRecommended', from: 5 });
    expect(explainScore(example, { preterm: true, mood: 5, hardship: ['housing'] })).toMatchObject({
      score: 13,
      supportNeed: 'urgent',
      reason: { kind: 'threshold', threshold: 'urgent', from: 12 },
    });
  });

  it('leaves hidden answers out: a week entered before "preterm" was corrected to no', () => {
    const explained = explainScore(example, { preterm: false, week: 30 });
    expect(explained.contributions.map((c) => c.questionId)).toEqual(['preterm']);
    expect(explained.visible).not.toContain('week');
  });
});

/** Any value per question of the default definition: well-formed, off-type, or missing. */
function answersFor(definition: QuestionnaireDefinition): fc.Arbitrary<Record<string, AnswerValue>> {
  const valueOf = (question: Question): fc.Arbitrary<AnswerValue> => {
    const ids = (question.options ?? []).map((o) => o.id);
    const own: fc.Arbitrary<AnswerValue> =
      question.type === 'yesNo'
        ? fc.boolean()
        : question.type === 'single'
          ? fc.constantFrom(...ids, 'unknownOption')
          : question.type === 'multiple'
            ? fc.subarray([...ids, 'unknownOption'])
            : question.type === 'scale'
              ? fc.integer({ min: question.scale?.min ?? 0, max: question.scale?.max ?? 5 })
              : question.type === 'number'
                ? fc.integer({ min: 0, max: 60 })
                : fc.string({ maxLength: 20 });
    return fc.oneof({ weight: 8, arbitrary: own }, { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.string({ maxLength: 5 })) });
  };
  const questions = definition.sections.flatMap((s) => s.questions);
  return fc.record(Object.fromEntries(questions.map((q) => [q.id, valueOf(q)])), { requiredKeys: [] }) as fc.Arbitrary<
    Record<string, AnswerValue>
  >;
}

describe('explainScore over any answer set of the default questionnaire (property)', () => {
  const definition = loaded(defaultScreening);

  it('the sum of the breakdown is the score, danger and need follow from it, and evaluate agrees', () => {
    fc.assert(
      fc.property(answersFor(definition), (answers) => {
        const explained = explainScore(definition, answers);
        expect(explained.contributions.reduce((sum, c) => sum + c.points, 0)).toBe(explained.score);
        for (const c of explained.contributions) {
          if (c.options.length > 0) expect(c.options.reduce((sum, o) => sum + o.points, 0)).toBe(c.points);
          if (c.scale) expect(c.scale.steps * c.scale.pointsPerStep).toBe(c.points);
          expect(explained.visible).toContain(c.questionId);
        }
        expect(explained.acuteDanger).toEqual(explained.contributions.filter((c) => c.acuteDanger).map((c) => c.questionId));
        const { thresholds, score } = explained;
        const expectedNeed =
          explained.acuteDanger.length > 0 || score >= thresholds.urgent
            ? 'urgent'
            : score >= thresholds.offerRecommended
              ? 'offerRecommended'
              : score >= thresholds.informationOnly
                ? 'informationOnly'
                : 'none';
        expect(explained.supportNeed).toBe(expectedNeed);
        const { visible, missing, supportNeed, acuteDanger, offerFields } = explained;
        expect(evaluate(definition, answers)).toEqual({ visible, missing, score, supportNeed, acuteDanger, offerFields });
      }),
      { numRuns: 150 },
    );
  });
});
