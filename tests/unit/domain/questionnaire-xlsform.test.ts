import { describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import { FAMILY_LANGUAGES } from '@shared/languages';
import { evaluate, loadQuestionnaire, type QuestionnaireDefinition } from '@domain/questionnaire';
import { conditionToRelevant, definitionToSheets, sheetsToDefinition, type XlsFormSheets } from '@domain/questionnaire-xlsform';
import type { XlsFormProblem } from '@shared/questionnaire-api';

function checked(input: unknown): QuestionnaireDefinition {
  const result = loadQuestionnaire(input);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

const nine = (de: string) =>
  Object.fromEntries(FAMILY_LANGUAGES.map((language) => [language, language === 'de' ? de : `${de} (${language})`]));

/** Every feature the subset carries: family questions in nine languages, scale ends, ranges, each kind of skip rule. */
const rich = checked({
  id: 'rich-screening',
  version: '2026.3',
  title: nine('Reich'),
  sections: [
    {
      id: 'first',
      title: nine('Erster Teil'),
      questions: [
        {
          id: 'preterm',
          type: 'yesNo',
          label: nine('Frühgeburt?'),
          hint: nine('Vor der 37. Woche'),
          required: true,
          weightYes: 2,
          answeredBy: 'family',
          offerFields: ['health'],
        },
        {
          id: 'week',
          type: 'number',
          label: { de: 'Woche' },
          showIf: { question: 'preterm', equals: true },
          range: { min: 22, max: 36.5 },
        },
        {
          id: 'partner',
          type: 'single',
          label: { de: 'Partner', en: 'Partner' },
          answeredBy: 'staff',
          options: [
            { id: 'livesWithUs', label: { de: 'wohnt bei uns' } },
            { id: 'apart', label: { de: 'getrennt' }, weight: 0 },
            { id: 'none', label: { de: 'keiner' }, weight: 2.5 },
          ],
        },
        {
          id: 'worries',
          type: 'multiple',
          label: { de: 'Sorgen' },
          showIf: { all: [{ question: 'partner', in: ['apart', 'none'] }, { not: { question: 'preterm', equals: false } }] },
          options: [
            { id: 'money', label: { de: 'Geld' }, weight: 1 },
            { id: 'violence', label: { de: 'Gewalt' }, weight: 10, acuteDanger: true },
          ],
          offerFields: ['social', 'youthWelfare'],
        },
      ],
    },
    {
      id: 'second',
      title: { de: 'Zweiter Teil' },
      questions: [
        {
          id: 'mood',
          type: 'scale',
          label: { de: 'Stimmung' },
          scale: { min: 1, max: 5, minLabel: { de: 'gut', ar: 'جيد' }, maxLabel: { de: 'schlecht' }, weightPerStep: 1 },
        },
        {
          id: 'moodNote',
          type: 'note',
          label: { de: 'Notiz' },
          showIf: {
            any: [
              { question: 'mood', equals: 4 },
              { question: 'mood', equals: 5 },
              { question: 'worries', includes: 'money' },
            ],
          },
        },
        {
          id: 'harmed',
          type: 'yesNo',
          label: { de: 'Verletzt?' },
          weightYes: 10,
          acuteDangerIfYes: true,
          showIf: { question: 'mood', in: [3, 4, 5] },
        },
      ],
    },
  ],
  thresholds: { informationOnly: 1, offerRecommended: 5, urgent: 14 },
});

function converted(sheets: XlsFormSheets): QuestionnaireDefinition {
  const result = sheetsToDefinition(sheets);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.definition;
}

function problemsOf(sheets: XlsFormSheets, options: { familyLanguages?: readonly string[] } = {}): XlsFormProblem[] {
  const result = sheetsToDefinition(sheets, options);
  if (result.ok) throw new Error('the spreadsheet was accepted');
  return result.problems;
}

/** A sheet with one cell changed (row as the spreadsheet numbers it, column by header). */
function edit(rows: string[][], row: number, column: string, value: string): string[][] {
  const index = (rows[0] ?? []).indexOf(column);
  if (index < 0) throw new Error(`no column ${column}`);
  return rows.map((cells, at) => (at === row - 1 ? cells.map((cell, i) => (i === index ? value : cell)) : [...cells]));
}

function rowOf(rows: string[][], name: string): number {
  return rows.findIndex((cells) => cells[1] === name) + 1;
}

describe('a questionnaire to XLSForm sheets and back', () => {
  it('gives back the default questionnaire unchanged', () => {
    const definition = checked(defaultScreening);
    expect(converted(definitionToSheets(definition))).toEqual(definition);
  });

  it('gives back family questions, nine languages, scale ends, ranges and every kind of skip rule unchanged', () => {
    expect(converted(definitionToSheets(rich))).toEqual(rich);
  });

  it('writes XLSForm: groups for sections, select lists, yes/no, range, decimal with a constraint, relevant expressions', () => {
    const { survey, choices, settings } = definitionToSheets(rich);
    expect(survey[0]?.slice(0, 3)).toEqual(['type', 'name', 'label::de']);
    expect(survey[0]).toContain('label::uk');
    expect(survey.map((cells) => cells[0])).toEqual([
      'type',
      'begin group',
      'select_one yes_no',
      'decimal',
      'select_one partner',
      'select_multiple worries',
      'end group',
      'begin group',
      'range',
      'text',
      'select_one yes_no',
      'end group',
    ]);
    const relevant = (survey[0] ?? []).indexOf('relevant');
    expect(survey[rowOf(survey, 'worries') - 1]?.[relevant]).toBe(
      "(${partner} = 'apart' or ${partner} = 'none') and not(${preterm} = 'no')",
    );
    expect(choices.filter((cells) => cells[0] === 'partner').map((cells) => cells[1])).toEqual(['livesWithUs', 'apart', 'none']);
    expect(settings[1]?.slice(0, 2)).toEqual(['rich-screening', '2026.3']);
  });

  it('scores an imported definition exactly as the one exported', () => {
    const definition = checked(defaultScreening);
    const back = converted(definitionToSheets(definition));
    const answers = {
      singleParent: true,
      supportNetwork: 'nobody',
      financialHardship: true,
      hardshipKind: ['debts', 'noIncome'],
      moodScale: 4,
    };
    expect(evaluate(back, answers)).toEqual(evaluate(definition, answers));
  });

  it('reads the XLSForm spellings of a language column and of required', () => {
    const { survey, choices, settings } = definitionToSheets(rich);
    const renamed = survey.map((cells, row) =>
      row === 0 ? cells.map((h) => (h === 'label::en' ? 'label::English (en)' : h === 'label::de' ? 'label' : h)) : cells,
    );
    const back = converted({ survey: edit(renamed, rowOf(survey, 'preterm'), 'required', 'TRUE'), choices, settings });
    expect(back.sections[0]?.questions[0]?.label).toEqual(rich.sections[0]?.questions[0]?.label);
    expect(back.sections[0]?.questions[0]?.required).toBe(true);
  });
});

describe('a refused spreadsheet names every problem with its sheet, row and column', () => {
  const base = definitionToSheets(rich);
  const survey = base.survey;
  const at = (name: string) => rowOf(survey, name);

  it.each<[string, () => XlsFormSheets, Partial<XlsFormProblem>]>([
    ['a missing sheet', () => ({ survey, choices: base.choices }), { problem: 'missingSheet', sheet: 'settings' }],
    [
      'a missing column',
      () => ({ ...base, survey: survey.map((cells) => cells.slice(1)) }),
      { problem: 'missingColumn', sheet: 'survey', row: 1, column: 'type' },
    ],
    [
      'an unknown column that holds something',
      () => ({ ...base, survey: survey.map((cells, row) => [...cells, row === 0 ? 'appearance' : row === 3 ? 'minimal' : '']) }),
      { problem: 'unknownColumn', sheet: 'survey', row: 1, column: 'appearance' },
    ],
    [
      'a duplicate column',
      () => ({ ...base, survey: survey.map((cells, row) => [...cells, row === 0 ? 'Weight' : '']) }),
      { problem: 'duplicateColumn', sheet: 'survey', row: 1, column: 'Weight' },
    ],
    [
      'a question without German label',
      () => ({ ...base, survey: edit(survey, at('week'), 'label::de', '') }),
      { problem: 'required', sheet: 'survey', row: at('week'), column: 'label::de' },
    ],
    [
      'an invalid name',
      () => ({ ...base, survey: edit(survey, at('week'), 'name', 'Week 1') }),
      { problem: 'invalidName', sheet: 'survey', row: at('week'), column: 'name', value: 'Week 1' },
    ],
    [
      'a duplicate name',
      () => ({ ...base, survey: edit(survey, at('partner'), 'name', 'week') }),
      { problem: 'duplicateName', sheet: 'survey', row: at('partner'), column: 'name', value: 'week' },
    ],
    [
      'an unsupported type',
      () => ({ ...base, survey: edit(survey, at('moodNote'), 'type', 'geopoint') }),
      { problem: 'unsupportedType', row: at('moodNote'), column: 'type', value: 'geopoint' },
    ],
    [
      'an integer question',
      () => ({ ...base, survey: edit(survey, at('week'), 'type', 'integer') }),
      { problem: 'integerNotSupported', row: at('week'), column: 'type' },
    ],
    [
      'a question outside a group',
      () => ({ ...base, survey: edit(survey, 2, 'type', 'note') }),
      { problem: 'unsupportedType', row: 2, column: 'type', value: 'note' },
    ],
    [
      'a question before any group',
      () => ({ ...base, survey: [survey[0] ?? [], ...survey.slice(2)] }),
      { problem: 'outsideGroup', sheet: 'survey', row: 2, column: 'type', value: 'preterm' },
    ],
    [
      'a nested group',
      () => ({ ...base, survey: [...survey.slice(0, 3), ['begin group', 'inner', 'Innen'], ...survey.slice(3)] }),
      { problem: 'nestedGroup', sheet: 'survey', row: 4, column: 'type' },
    ],
    [
      'a group left open',
      () => ({ ...base, survey: survey.slice(0, -1) }),
      { problem: 'unclosedGroup', sheet: 'survey', row: 8, column: 'type', value: 'second' },
    ],
    [
      'an end without a group',
      () => ({ ...base, survey: [...survey, ['end group']] }),
      { problem: 'endWithoutGroup', row: survey.length + 1, column: 'type' },
    ],
    [
      'an empty group',
      () => ({ ...base, survey: [...survey, ['begin group', 'third', 'Dritter'], ['end group']] }),
      { problem: 'emptyGroup', sheet: 'survey', row: survey.length + 1, column: 'type' },
    ],
    [
      'a skip rule on a group',
      () => ({ ...base, survey: edit(survey, 8, 'relevant', "${preterm} = 'yes'") }),
      { problem: 'notForType', row: 8, column: 'relevant', value: 'group' },
    ],
    [
      'a weight on a text question',
      () => ({ ...base, survey: edit(survey, at('moodNote'), 'weight', '2') }),
      { problem: 'notForType', row: at('moodNote'), column: 'weight', value: 'note' },
    ],
    [
      'a yes/no cell that says neither',
      () => ({ ...base, survey: edit(survey, at('harmed'), 'acute_danger', 'maybe') }),
      { problem: 'invalidYesNo', row: at('harmed'), column: 'acute_danger', value: 'maybe' },
    ],
    [
      'a weight out of range',
      () => ({ ...base, survey: edit(survey, at('preterm'), 'weight', '101') }),
      { problem: 'invalidNumber', row: at('preterm'), column: 'weight', value: '101' },
    ],
    [
      'a weight that is no number',
      () => ({ ...base, choices: edit(base.choices, 2, 'weight', 'viel') }),
      { problem: 'invalidNumber', sheet: 'choices', row: 2, column: 'weight', value: 'viel' },
    ],
    [
      'an unknown respondent',
      () => ({ ...base, survey: edit(survey, at('preterm'), 'answered_by', 'mother') }),
      { problem: 'invalidAnsweredBy', row: at('preterm'), column: 'answered_by', value: 'mother' },
    ],
    [
      'an unknown offer field',
      () => ({ ...base, survey: edit(survey, at('preterm'), 'offer_fields', 'health sport') }),
      { problem: 'invalidOfferField', row: at('preterm'), column: 'offer_fields', value: 'sport' },
    ],
    [
      'an unknown choice list',
      () => ({ ...base, survey: edit(survey, at('partner'), 'type', 'select_one partners') }),
      { problem: 'unknownList', row: at('partner'), column: 'type', value: 'partners' },
    ],
    [
      'weights on the yes/no list',
      () => ({ ...base, choices: edit(base.choices, base.choices.length, 'weight', '1') }),
      { problem: 'yesNoList', sheet: 'choices', row: base.choices.length },
    ],
    [
      'a duplicate choice',
      () => ({ ...base, choices: edit(base.choices, 3, 'name', 'livesWithUs') }),
      { problem: 'duplicateChoice', sheet: 'choices', row: 3, column: 'name', value: 'livesWithUs' },
    ],
    [
      'a skip rule outside the subset',
      () => ({ ...base, survey: edit(survey, at('week'), 'relevant', '${preterm} > 2') }),
      { problem: 'unsupportedRelevant', row: at('week'), column: 'relevant', value: '${preterm} > 2' },
    ],
    [
      'a skip rule naming an unknown question',
      () => ({ ...base, survey: edit(survey, at('week'), 'relevant', "${born} = 'yes'") }),
      { problem: 'unknownQuestion', row: at('week'), column: 'relevant', value: 'born' },
    ],
    [
      'a skip rule naming a later question',
      () => ({ ...base, survey: edit(survey, at('week'), 'relevant', "${harmed} = 'yes'") }),
      { problem: 'laterQuestion', row: at('week'), column: 'relevant', value: 'harmed' },
    ],
    [
      'a skip rule naming an unknown choice',
      () => ({ ...base, survey: edit(survey, at('worries'), 'relevant', "${partner} = 'gone'") }),
      { problem: 'unknownChoice', row: at('worries'), column: 'relevant', value: 'partner: gone' },
    ],
    [
      'a skip rule with a yes/no value that is neither',
      () => ({ ...base, survey: edit(survey, at('week'), 'relevant', "${preterm} = 'true'") }),
      { problem: 'wrongValue', row: at('week'), column: 'relevant', value: 'preterm: true' },
    ],
    [
      'an unsupported constraint',
      () => ({ ...base, survey: edit(survey, at('week'), 'constraint', '. > 20') }),
      { problem: 'unsupportedConstraint', row: at('week'), column: 'constraint', value: '. > 20' },
    ],
    [
      'a range with a step',
      () => ({ ...base, survey: edit(survey, at('mood'), 'parameters', 'start=1 end=5 step=2') }),
      { problem: 'invalidParameters', row: at('mood'), column: 'parameters' },
    ],
    [
      'a text over 500 characters',
      () => ({ ...base, survey: edit(survey, at('week'), 'label::en', 'x'.repeat(501)) }),
      { problem: 'tooLong', row: at('week'), column: 'label::en' },
    ],
    [
      'settings without a version',
      () => ({ ...base, settings: edit(base.settings, 2, 'version', '') }),
      { problem: 'required', sheet: 'settings', row: 2, column: 'version' },
    ],
    [
      'a version the definition check refuses',
      () => ({ ...base, settings: edit(base.settings, 2, 'version', '3') }),
      { problem: 'definition', sheet: 'settings', row: 2, detail: 'version: version looks like 2026.1' },
    ],
    [
      'thresholds out of order',
      () => ({ ...base, settings: edit(base.settings, 2, 'threshold_urgent', '2') }),
      { problem: 'definition', sheet: 'settings', detail: 'thresholds must rise: 0 < informationOnly ≤ offerRecommended ≤ urgent' },
    ],
    [
      'too many rows',
      () => ({ ...base, choices: [...base.choices, ...Array.from({ length: 2000 }, () => ['x', 'y', 'z'])] }),
      { problem: 'tooManyRows', sheet: 'choices' },
    ],
  ])('%s', (_name, sheets, expected) => {
    expect(problemsOf(sheets())).toContainEqual(expect.objectContaining(expected));
  });

  it('lists every problem of a file, not only the first', () => {
    const broken = {
      ...base,
      survey: edit(edit(survey, at('week'), 'relevant', "${born} = 'yes'"), at('preterm'), 'weight', '200'),
      choices: edit(base.choices, 3, 'name', 'livesWithUs'),
    };
    expect(problemsOf(broken).map((p) => p.problem)).toEqual(
      expect.arrayContaining(['unknownQuestion', 'invalidNumber', 'duplicateChoice']),
    );
  });

  it('refuses a family question that lacks a language the municipality offers, at its row', () => {
    const withoutUkrainian = edit(survey, at('preterm'), 'hint::uk', '');
    expect(problemsOf({ ...base, survey: withoutUkrainian }, { familyLanguages: FAMILY_LANGUAGES })).toContainEqual(
      expect.objectContaining({
        problem: 'definition',
        sheet: 'survey',
        row: at('preterm'),
        detail: expect.stringContaining('hint lacks the family language(s) uk') as unknown,
      }),
    );
    // A staff question needs German only.
    expect(
      sheetsToDefinition(
        { ...base, survey: edit(withoutUkrainian, at('preterm'), 'answered_by', 'staff') },
        { familyLanguages: FAMILY_LANGUAGES },
      ).ok,
    ).toBe(true);
  });
});

describe('skip rules as XLSForm relevant', () => {
  it('writes each kind of condition in the XPath subset', () => {
    expect(conditionToRelevant({ question: 'preterm', equals: true })).toBe("${preterm} = 'yes'");
    expect(conditionToRelevant({ question: 'mood', in: [4, 5] })).toBe('${mood} = 4 or ${mood} = 5');
    expect(conditionToRelevant({ question: 'languages', includes: 'other' })).toBe("selected(${languages}, 'other')");
    expect(conditionToRelevant({ not: { question: 'partner', equals: 'livesWithUs' } })).toBe("not(${partner} = 'livesWithUs')");
    expect(
      conditionToRelevant({
        any: [
          { question: 'a', equals: true },
          { question: 'b', equals: false },
        ],
      }),
    ).toBe("(${a} = 'yes') or (${b} = 'no')");
  });

  it('reads != as "not equal" and selected() on a single choice as equality', () => {
    const { survey, choices, settings } = definitionToSheets(rich);
    const rows = edit(
      edit(survey, rowOf(survey, 'week'), 'relevant', "${preterm} != 'no'"),
      rowOf(survey, 'worries'),
      'relevant',
      "selected(${partner}, 'none')",
    );
    const back = converted({ survey: rows, choices, settings });
    expect(back.sections[0]?.questions[1]?.showIf).toEqual({ not: { question: 'preterm', equals: false } });
    expect(back.sections[0]?.questions[3]?.showIf).toEqual({ question: 'partner', equals: 'none' });
  });
});
