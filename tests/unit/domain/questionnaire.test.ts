import { describe, expect, it } from 'vitest';
import {
  effectiveSupportNeed,
  evaluate,
  isAnswered,
  loadQuestionnaire,
  visibleAnswers,
  type QuestionnaireDefinition,
} from '@domain/questionnaire';

function definition(overrides: Partial<QuestionnaireDefinition> = {}): unknown {
  return {
    id: 'test-screening',
    version: '2026.1',
    title: { de: 'Test' },
    sections: [
      {
        id: 'child',
        title: { de: 'Kind' },
        questions: [
          { id: 'preterm', type: 'yesNo', label: { de: 'Frühgeburt?' }, required: true, weightYes: 2, offerFields: ['health'] },
          {
            id: 'pretermWeeks',
            type: 'number',
            label: { de: 'Woche' },
            showIf: { question: 'preterm', equals: true },
            required: true,
            range: { min: 22, max: 37 },
          },
        ],
      },
      {
        id: 'family',
        title: { de: 'Familie' },
        questions: [
          {
            id: 'support',
            type: 'single',
            label: { de: 'Unterstützung' },
            options: [
              { id: 'good', label: { de: 'gut' } },
              { id: 'little', label: { de: 'wenig' }, weight: 2 },
              { id: 'none', label: { de: 'keine' }, weight: 4 },
            ],
            offerFields: ['social'],
          },
          {
            id: 'hardship',
            type: 'multiple',
            label: { de: 'Belastungen' },
            options: [
              { id: 'money', label: { de: 'Geld' }, weight: 1 },
              { id: 'housing', label: { de: 'Wohnen' }, weight: 1 },
              { id: 'violence', label: { de: 'Gewalt' }, weight: 5, acuteDanger: true },
            ],
          },
          { id: 'mood', type: 'scale', label: { de: 'Stimmung' }, scale: { min: 1, max: 5, weightPerStep: 1 } },
          { id: 'note', type: 'note', label: { de: 'Notiz' } },
        ],
      },
    ],
    thresholds: { informationOnly: 2, offerRecommended: 5, urgent: 10 },
    ...overrides,
  };
}

function loaded(): QuestionnaireDefinition {
  const result = loadQuestionnaire(definition());
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

describe('loading a questionnaire definition', () => {
  it('accepts a sound definition', () => {
    expect(loadQuestionnaire(definition()).ok).toBe(true);
  });

  it('refuses a skip rule that refers to a later or unknown question, naming it', () => {
    const broken = definition();
    const sections = (broken as { sections: { questions: Record<string, unknown>[] }[] }).sections;
    (sections[0]?.questions[0] ?? {}).showIf = { question: 'support', equals: 'none' };
    const result = loadQuestionnaire(broken);
    expect(result).toEqual({
      ok: false,
      problems: ['question "preterm": skip rule refers to "support", which is not an earlier question'],
    });
  });

  it('refuses a duplicate question id', () => {
    const broken = definition();
    const sections = (broken as { sections: { questions: Record<string, unknown>[] }[] }).sections;
    (sections[1]?.questions[3] ?? {}).id = 'preterm';
    expect(loadQuestionnaire(broken)).toEqual({ ok: false, problems: ['duplicate question id "preterm"'] });
  });

  it('refuses thresholds out of range or out of order', () => {
    const tooHigh = loadQuestionnaire(definition({ thresholds: { informationOnly: 2, offerRecommended: 5, urgent: 99 } }));
    expect(tooHigh.ok).toBe(false);
    expect(!tooHigh.ok && tooHigh.problems[0]).toMatch(/threshold urgent \(99\) is out of range.*maximum score 17/);
    const unordered = loadQuestionnaire(definition({ thresholds: { informationOnly: 6, offerRecommended: 5, urgent: 10 } }));
    expect(!unordered.ok && unordered.problems).toEqual(['thresholds must rise: 0 < informationOnly ≤ offerRecommended ≤ urgent']);
  });

  it('refuses malformed data with the path of the problem', () => {
    const result = loadQuestionnaire({ ...(definition() as object), version: 'latest' });
    expect(result).toEqual({ ok: false, problems: ['version: version looks like 2026.1'] });
  });
});

describe('who answers a question, and the family languages', () => {
  type Editable = { sections: { questions: Record<string, unknown>[] }[] };
  const familyFirst = () => {
    const edited = definition() as Editable;
    const support = edited.sections[1]?.questions[0] ?? {};
    support.answeredBy = 'family';
    support.label = { de: 'Unterstützung', en: 'Support', ar: 'الدعم' };
    return edited;
  };

  it('reads a definition without answeredBy as before (every question asked by staff)', () => {
    const result = loadQuestionnaire(definition());
    expect(result.ok && result.definition.sections.flatMap((s) => s.questions).some((q) => 'answeredBy' in q)).toBe(false);
  });

  it('refuses a family question whose texts lack a language the municipality offers, naming each text and language', () => {
    const result = loadQuestionnaire(familyFirst(), { familyLanguages: ['de', 'en', 'ar'] });
    expect(result).toEqual({
      ok: false,
      problems: [
        'question "support": option "good" lacks the family language(s) en, ar (a family answers it)',
        'question "support": option "little" lacks the family language(s) en, ar (a family answers it)',
        'question "support": option "none" lacks the family language(s) en, ar (a family answers it)',
      ],
    });
    // A staff question needs German only; without the municipality's languages only the format is checked.
    const staff = familyFirst();
    (staff.sections[1]?.questions[0] ?? {}).answeredBy = 'staff';
    expect(loadQuestionnaire(staff, { familyLanguages: ['de', 'en', 'ar'] }).ok).toBe(true);
    expect(loadQuestionnaire(familyFirst()).ok).toBe(true);
  });

  it('refuses an unknown respondent', () => {
    const broken = definition() as Editable;
    (broken.sections[0]?.questions[0] ?? {}).answeredBy = 'mother';
    expect(loadQuestionnaire(broken).ok).toBe(false);
  });

  it('scores the same whoever answers and in whatever languages the texts are', () => {
    const plain = loaded();
    const family = loadQuestionnaire(familyFirst());
    if (!family.ok) throw new Error(family.problems.join('; '));
    const answers = { preterm: true, pretermWeeks: 30, support: 'none', hardship: ['money', 'violence'], mood: 4 };
    expect(evaluate(family.definition, answers)).toEqual(evaluate(plain, answers));
  });
});

describe('evaluating answers', () => {
  it('shows a follow-up question only when its skip rule holds, and requires it then', () => {
    const definitionLoaded = loaded();
    expect(evaluate(definitionLoaded, { preterm: false }).visible).not.toContain('pretermWeeks');
    const shown = evaluate(definitionLoaded, { preterm: true });
    expect(shown.visible).toContain('pretermWeeks');
    expect(shown.missing).toEqual(['pretermWeeks']);
    expect(evaluate(definitionLoaded, {}).missing).toEqual(['preterm']);
  });

  it('ignores answers to hidden questions', () => {
    expect(evaluate(loaded(), { preterm: false, pretermWeeks: 30 }).missing).toEqual([]);
  });

  it('scores to each support need level at its threshold', () => {
    const d = loaded();
    expect(evaluate(d, { preterm: false, support: 'good' }).supportNeed).toBe('none');
    expect(evaluate(d, { preterm: true, pretermWeeks: 34 })).toMatchObject({ score: 2, supportNeed: 'informationOnly' });
    expect(evaluate(d, { preterm: true, pretermWeeks: 34, hardship: ['money', 'housing'], mood: 2 })).toMatchObject({
      score: 5,
      supportNeed: 'offerRecommended',
    });
    expect(evaluate(d, { preterm: true, pretermWeeks: 34, support: 'none', mood: 5 })).toMatchObject({ score: 10, supportNeed: 'urgent' });
  });

  it('flags acute danger at once, whatever the score', () => {
    const result = evaluate(loaded(), { preterm: false, hardship: ['violence'] });
    expect(result.acuteDanger).toEqual(['hardship']);
    expect(result.supportNeed).toBe('urgent');
  });

  it('points to the offer fields of the answers that scored', () => {
    expect(evaluate(loaded(), { preterm: true, pretermWeeks: 30, support: 'little' }).offerFields).toEqual(['health', 'social']);
    expect(evaluate(loaded(), { preterm: false, support: 'good' }).offerFields).toEqual([]);
  });
});

describe('the rules a stored screening follows', () => {
  it('lets a staff override win over the computed support need', () => {
    expect(effectiveSupportNeed({ supportNeed: 'none' })).toBe('none');
    expect(effectiveSupportNeed({ supportNeed: 'none', override: { supportNeed: 'urgent' } })).toBe('urgent');
    expect(effectiveSupportNeed({ supportNeed: 'urgent', override: { supportNeed: 'informationOnly' } })).toBe('informationOnly');
  });

  it('counts blank text and empty lists as unanswered, and stores only visible answers, trimmed', () => {
    expect(isAnswered('  ')).toBe(false);
    expect(isAnswered([])).toBe(false);
    expect(isAnswered(false)).toBe(true);
    expect(isAnswered(0)).toBe(true);
    expect(visibleAnswers({ a: ' note ', b: true, c: '', d: ['x'] }, ['a', 'c', 'd'])).toEqual({ a: 'note', d: ['x'] });
  });
});
