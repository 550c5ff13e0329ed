// The default birth-clinic screening (src/domain/default-screening.json): it
// loads, speaks German and English, and typical answer combinations land on the
// support need and the offer fields a practitioner would expect.
import { describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import {
  QUESTION_TYPES,
  evaluate,
  loadQuestionnaire,
  type Answers,
  type Condition,
  type Question,
  type QuestionnaireDefinition,
} from '@domain/questionnaire';

function loaded(): QuestionnaireDefinition {
  const result = loadQuestionnaire(defaultScreening);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

const definition = loaded();
const questions: Question[] = definition.sections.flatMap((s) => s.questions);

function question(id: string): Question {
  const found = questions.find((q) => q.id === id);
  if (!found) throw new Error(`no question "${id}"`);
  return found;
}

/** Every required question answered, nothing of concern. */
const noConcern: Answers = {
  motherHealthProblem: false,
  aftercareMidwife: 'arranged',
  partnerInvolved: 'livesWithUs',
  partnerHealthProblem: false,
  preterm: false,
  childIllness: false,
  childDisability: false,
  feeding: 'wellOn',
  moodScale: 1,
  moodEarlier: false,
  pregnancyPlanned: 'planned',
  prenatalCare: 'regular',
  confidence: 1,
  careAtHome: 'secured',
  safetyAtHome: 'safe',
  childHarmed: false,
  parentAgeGroup: 'over21',
  supportNetwork: 'several',
  otherChildren: 1,
  financialHardship: false,
  housing: 'adequate',
  languages: ['de'],
};

function withAnswers(changes: Answers): Answers {
  return { ...noConcern, ...changes };
}

function conditionKinds(condition: Condition): string[] {
  if ('all' in condition) return ['all', ...condition.all.flatMap(conditionKinds)];
  if ('any' in condition) return ['any', ...condition.any.flatMap(conditionKinds)];
  if ('not' in condition) return ['not', ...conditionKinds(condition.not)];
  if ('equals' in condition) return ['equals'];
  if ('in' in condition) return ['in'];
  return ['includes'];
}

describe('the default screening definition', () => {
  it('loads as birth-clinic-screening 2026.2', () => {
    const result = loadQuestionnaire(defaultScreening);
    expect(result.ok && result.definition).toMatchObject({ id: 'birth-clinic-screening', version: '2026.2' });
  });

  it('has about 25 to 35 questions in the agreed sections', () => {
    expect(definition.sections.map((s) => s.id)).toEqual([
      'mother',
      'partner',
      'child',
      'mood',
      'pregnancy',
      'overload',
      'social',
      'language',
    ]);
    expect(questions.length).toBeGreaterThanOrEqual(25);
    expect(questions.length).toBeLessThanOrEqual(35);
  });

  it('has German and English text for every title, label, hint, option and scale end', () => {
    const texts: [string, Record<string, string> | undefined][] = [['title', definition.title]];
    for (const section of definition.sections) {
      texts.push([`section ${section.id}`, section.title]);
      for (const q of section.questions) {
        texts.push([`${q.id}.label`, q.label]);
        if (q.hint) texts.push([`${q.id}.hint`, q.hint]);
        for (const option of q.options ?? []) texts.push([`${q.id}.${option.id}`, option.label]);
        if (q.scale) texts.push([`${q.id}.minLabel`, q.scale.minLabel], [`${q.id}.maxLabel`, q.scale.maxLabel]);
      }
    }
    const incomplete = texts.filter(([, t]) => !t?.de?.trim() || !t.en?.trim()).map(([where]) => where);
    expect(incomplete).toEqual([]);
  });

  it('uses every question type and every kind of skip rule', () => {
    expect(new Set(questions.map((q) => q.type))).toEqual(new Set(QUESTION_TYPES));
    const kinds = new Set(questions.flatMap((q) => (q.showIf ? conditionKinds(q.showIf) : [])));
    expect(kinds).toEqual(new Set(['equals', 'in', 'includes', 'all', 'any', 'not']));
  });

  it('asks for no personal data: ages only as groups, no names, addresses or dates', () => {
    const wording = questions.map((q) => `${q.label.de} ${q.label.en ?? ''}`).join(' ');
    expect(wording).not.toMatch(/\b(name|namen|adresse|address|anschrift|straße|street|geburtsdatum|date of birth|telefon|phone)\b/i);
    expect(question('parentAgeGroup').options?.map((o) => o.id)).toEqual(['under18', 'age18to21', 'over21']);
    for (const q of questions.filter((x) => x.type === 'number')) expect(q.range?.max).toBeLessThan(100);
  });

  it('keeps the documented thresholds (docs/QUESTIONNAIRE.md)', () => {
    expect(definition.thresholds).toEqual({ informationOnly: 1, offerRecommended: 5, urgent: 14 });
  });
});

describe('support need of typical answer combinations', () => {
  it('finds no need when nothing is of concern', () => {
    expect(evaluate(definition, noConcern)).toMatchObject({ score: 0, supportNeed: 'none', missing: [], acuteDanger: [], offerFields: [] });
  });

  it.each<[string, Answers]>([
    ['feeding questions', { feeding: 'someQuestions' }],
    ['still looking for an aftercare midwife', { aftercareMidwife: 'stillLooking' }],
    ['a young parent of 18 to 21', { parentAgeGroup: 'age18to21' }],
    ['a slightly low mood', { moodScale: 2 }],
    ['a preterm birth in week 35', { preterm: true, pretermWeek: 35 }],
    ['worries about money', { financialHardship: true }],
    ['little German, mediator wanted', { languages: ['ar'], germanComfort: 'partly', interpreterWanted: true }],
  ])('gives information only for a single mild concern: %s', (_, changes) => {
    expect(evaluate(definition, withAnswers(changes))).toMatchObject({ supportNeed: 'informationOnly', missing: [], acuteDanger: [] });
  });

  it('recommends an offer for several social concerns', () => {
    const result = evaluate(
      definition,
      withAnswers({
        partnerInvolved: 'noPartner',
        singleParent: true,
        supportNetwork: 'hardlyAnyone',
        financialHardship: true,
        financialKind: ['benefits'],
      }),
    );
    expect(result).toMatchObject({ score: 7, supportNeed: 'offerRecommended', offerFields: ['education', 'social', 'youthWelfare'] });
  });

  it('recommends an offer for several health concerns of the baby', () => {
    const result = evaluate(definition, withAnswers({ preterm: true, pretermWeek: 31, specialCareAtHome: true, feeding: 'difficult' }));
    expect(result).toMatchObject({ score: 6, supportNeed: 'offerRecommended', offerFields: ['health'] });
  });

  it('recommends an offer, not urgency, for a preterm baby with a tired, low mother', () => {
    const result = evaluate(
      definition,
      withAnswers({
        preterm: true,
        pretermWeek: 33,
        specialCareAtHome: true,
        feeding: 'difficult',
        moodScale: 3,
        strain: ['exhausted'],
        prenatalCare: 'lateStart',
      }),
    );
    expect(result).toMatchObject({ score: 11, supportNeed: 'offerRecommended' });
  });

  it('recommends an offer when one heavy concern stands alone (no home)', () => {
    expect(evaluate(definition, withAnswers({ housing: 'noHome' }))).toMatchObject({
      score: 5,
      supportNeed: 'offerRecommended',
      offerFields: ['social'],
    });
  });

  it('is urgent for a heavy combination, without any acute danger', () => {
    const result = evaluate(
      definition,
      withAnswers({
        parentAgeGroup: 'under18',
        partnerInvolved: 'notInvolved',
        singleParent: true,
        supportNetwork: 'nobody',
        financialHardship: true,
        financialKind: ['debts', 'noIncome'],
        housing: 'insecure',
        moodScale: 4,
      }),
    );
    expect(result).toMatchObject({ score: 18, supportNeed: 'urgent', acuteDanger: [] });
    expect(result.offerFields).toEqual(['education', 'health', 'social', 'youthWelfare']);
  });

  it('is urgent when both parents struggle with substance use and the mother is very low', () => {
    const result = evaluate(
      definition,
      withAnswers({
        motherHealthProblem: true,
        motherHealthKind: ['substanceUse'],
        partnerHealthProblem: true,
        partnerHealthKind: ['substanceUse'],
        moodScale: 5,
        moodTalkWanted: true,
      }),
    );
    expect(result).toMatchObject({ score: 15, supportNeed: 'urgent', acuteDanger: [], offerFields: ['health'] });
  });
});

describe('acute danger', () => {
  const dangerAnswers: [string, Answers][] = questions.flatMap((q): [string, Answers][] => {
    if (q.acuteDangerIfYes) return [[`${q.id} = yes`, { [q.id]: true }]];
    return (q.options ?? [])
      .filter((o) => o.acuteDanger)
      .map((o): [string, Answers] => [`${q.id} = ${o.id}`, { [q.id]: q.type === 'multiple' ? [o.id] : o.id }]);
  });

  it('has exactly the agreed acute-danger answers, none of them behind a skip rule', () => {
    expect(dangerAnswers.map(([name]) => name)).toEqual(['careAtHome = nobodyCanCare', 'safetyAtHome = threatened', 'childHarmed = yes']);
    for (const [, answer] of dangerAnswers) for (const id of Object.keys(answer)) expect(question(id).showIf).toBeUndefined();
  });

  it.each(dangerAnswers)('triggers the emergency instruction at once: %s', (_, answer) => {
    const [questionId] = Object.keys(answer);
    const result = evaluate(definition, withAnswers(answer));
    expect(result.acuteDanger).toEqual([questionId]);
    expect(result.supportNeed).toBe('urgent');
    expect(result.offerFields).toContain('youthWelfare');
  });

  it('triggers even when nothing else was answered yet', () => {
    for (const [, answer] of dangerAnswers) {
      const result = evaluate(definition, answer);
      expect(result.acuteDanger).toHaveLength(1);
      expect(result.supportNeed).toBe('urgent');
    }
  });

  it('is not triggered by worry short of danger', () => {
    const result = evaluate(definition, withAnswers({ careAtHome: 'worried', safetyAtHome: 'unsure' }));
    expect(result).toMatchObject({ acuteDanger: [], supportNeed: 'offerRecommended', score: 7 });
  });
});

describe('skip rules', () => {
  // [question, answers under which it is hidden, answers under which it is shown]
  const cases: [string, Answers[], Answers[]][] = [
    ['motherHealthKind', [{ motherHealthProblem: false }, {}], [{ motherHealthProblem: true }]],
    [
      'partnerHealthProblem',
      [{ partnerInvolved: 'noPartner' }, { partnerInvolved: 'notInvolved' }],
      [{ partnerInvolved: 'livesWithUs' }, { partnerInvolved: 'involvedApart' }],
    ],
    [
      'partnerHealthKind',
      [
        { partnerInvolved: 'livesWithUs', partnerHealthProblem: false },
        { partnerInvolved: 'noPartner', partnerHealthProblem: true },
      ],
      [{ partnerInvolved: 'involvedApart', partnerHealthProblem: true }],
    ],
    ['pretermWeek', [{ preterm: false }], [{ preterm: true }]],
    [
      'specialCareAtHome',
      [{ preterm: false, childIllness: false, childDisability: false }],
      [{ preterm: true }, { childIllness: true }, { childDisability: true }],
    ],
    [
      'moodTalkWanted',
      [{ moodScale: 3, moodEarlier: false }, { moodScale: 1 }],
      [{ moodScale: 4 }, { moodScale: 5 }, { moodScale: 2, moodEarlier: true }],
    ],
    ['singleParent', [{ partnerInvolved: 'livesWithUs' }], [{ partnerInvolved: 'involvedApart' }, { partnerInvolved: 'noPartner' }, {}]],
    ['financialKind', [{ financialHardship: false }], [{ financialHardship: true }]],
    ['languageOther', [{ languages: ['de', 'ar'] }], [{ languages: ['other'] }, { languages: ['de', 'other'] }]],
    ['germanComfort', [{ languages: ['de'] }, { languages: ['ar', 'de'] }], [{ languages: ['ar'] }, { languages: ['other'] }]],
    [
      'interpreterWanted',
      // A comfort answer left over from before German was added is hidden, so it does not count.
      [
        { languages: ['ar'], germanComfort: 'well' },
        { languages: ['ar', 'de'], germanComfort: 'hardly' },
      ],
      [
        { languages: ['ar'], germanComfort: 'partly' },
        { languages: ['fa'], germanComfort: 'hardly' },
      ],
    ],
  ];

  it('covers every skip rule of the definition', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(
      questions
        .filter((q) => q.showIf)
        .map((q) => q.id)
        .sort(),
    );
  });

  it.each(cases)('%s is hidden when its condition is false and shown when it is true', (id, hidden, shown) => {
    for (const answers of hidden) expect(evaluate(definition, answers).visible, JSON.stringify(answers)).not.toContain(id);
    for (const answers of shown) expect(evaluate(definition, answers).visible, JSON.stringify(answers)).toContain(id);
  });

  it('does not count the answer to a hidden question', () => {
    const result = evaluate(definition, withAnswers({ financialHardship: false, financialKind: ['debts', 'noIncome'] }));
    expect(result).toMatchObject({ score: 0, supportNeed: 'none' });
  });
});

describe('required questions', () => {
  it('lists every unanswered required question as missing', () => {
    expect(evaluate(definition, {}).missing).toEqual([
      'partnerInvolved',
      'preterm',
      'feeding',
      'moodScale',
      'prenatalCare',
      'careAtHome',
      'parentAgeGroup',
      'supportNetwork',
      'languages',
    ]);
  });

  it('requires the week of a preterm birth only once preterm is answered yes', () => {
    expect(evaluate(definition, withAnswers({ preterm: true })).missing).toEqual(['pretermWeek']);
    expect(evaluate(definition, withAnswers({ preterm: true, pretermWeek: 30 })).missing).toEqual([]);
  });

  it('treats an empty choice of languages as unanswered', () => {
    expect(evaluate(definition, withAnswers({ languages: [] })).missing).toEqual(['languages']);
  });
});

describe('offer fields', () => {
  it.each<[string, Answers, string[]]>([
    ['health of the mother', { motherHealthProblem: true }, ['health']],
    ['health of the partner', { partnerHealthProblem: true, partnerHealthKind: ['mentalHealth'] }, ['health']],
    ['health of the baby', { childDisability: true }, ['health']],
    ['postpartum mood', { moodScale: 3 }, ['health']],
    ['late prenatal care', { prenatalCare: 'lateStart' }, ['health']],
    ['an unplanned pregnancy that is still hard', { pregnancyPlanned: 'unplannedHard' }, ['social']],
    ['unsure in caring for the baby', { confidence: 4 }, ['education']],
    ['overload with crying', { strain: ['crying'] }, ['education', 'youthWelfare']],
    ['a very young parent', { parentAgeGroup: 'under18' }, ['youthWelfare']],
    ['little support', { supportNetwork: 'nobody' }, ['education', 'social']],
    ['financial hardship', { financialHardship: true, financialKind: ['babyThings'] }, ['social']],
    ['housing hardship', { housing: 'insecure' }, ['social']],
    ['language mediator wanted', { languages: ['ru'], germanComfort: 'hardly', interpreterWanted: true }, ['social']],
  ])('%s points to %j', (_, changes, fields) => {
    expect(evaluate(definition, withAnswers(changes)).offerFields).toEqual(fields);
  });

  it('gives every question that can score at least one offer field', () => {
    const canScore = (q: Question): boolean =>
      (q.weightYes ?? 0) > 0 ||
      q.acuteDangerIfYes === true ||
      (q.scale?.weightPerStep ?? 0) > 0 ||
      (q.options ?? []).some((o) => (o.weight ?? 0) > 0 || o.acuteDanger);
    expect(questions.filter((q) => canScore(q) && !q.offerFields?.length).map((q) => q.id)).toEqual([]);
  });
});
