// Questionnaire definitions as FHIR R4 Questionnaire (SDC style) and screenings
// as QuestionnaireResponse: valid R4 JSON, weights a reader can sum to Lotse's
// score, skip rules that agree with Lotse's, no free text, and the case number
// as the only identifier.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import {
  conditionHolds,
  evaluate,
  loadQuestionnaire,
  visibleAnswers,
  type Answers,
  type QuestionnaireDefinition,
} from '@domain/questionnaire';
import {
  ACUTE_DANGER_EXTENSION,
  ANSWERED_BY_EXTENSION,
  questionnaireResource,
  questionnaireResponse,
  screeningCsvRows,
  type QuestionnaireItem,
  type ResponseItem,
  type ScreeningExportRow,
} from '@domain/fhir-questionnaire';
import { CASE_NUMBER_SYSTEM } from '@domain/fhir-types';
import { fhirSchemaErrors } from '../../fixtures/fhir-schema';

interface Golden {
  definitionHash: string;
  definition: unknown;
  cases: { name: string; answers: Answers }[];
}

const GOLDEN_DIR = join(__dirname, '../../fixtures/questionnaire-golden');
const goldens = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')) as Golden);

function loaded(raw: unknown): QuestionnaireDefinition {
  const result = loadQuestionnaire(raw);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const month = () => '2026-03';
const CASE = 'DEMO-7K3Q-M9XD-2FDA-7HNP';

/** The screening a tablet would store for these answers: visible answers only, the computed result. */
function storedScreening(definition: QuestionnaireDefinition, answers: Answers): ScreeningExportRow {
  const evaluation = evaluate(definition, answers);
  return {
    caseNumber: CASE,
    definitionId: definition.id,
    definitionVersion: definition.version,
    answers: visibleAnswers(answers, evaluation.visible),
    score: evaluation.score,
    supportNeed: evaluation.supportNeed,
    overrideSupportNeed: null,
    acuteDanger: evaluation.acuteDanger.length > 0,
    createdAt: new Date('2026-03-10T10:00:00+01:00'),
  };
}

function flatItems(items: readonly QuestionnaireItem[]): QuestionnaireItem[] {
  return items.flatMap((item) => [item, ...flatItems(item.item ?? [])]);
}

function flatAnswers(items: readonly ResponseItem[]): ResponseItem[] {
  return items.flatMap((item) => [item, ...flatAnswers(item.item ?? [])]);
}

/** What an SDC scorer does: the sum of the ordinalValue of every chosen coding. */
function sdcScore(questionnaire: ReturnType<typeof questionnaireResource>, response: ReturnType<typeof questionnaireResponse>): number {
  const items = new Map(flatItems(questionnaire.item).map((i) => [i.linkId, i]));
  let total = 0;
  for (const answered of flatAnswers(response.item ?? [])) {
    for (const answer of answered.answer ?? []) {
      const option = items.get(answered.linkId)?.answerOption?.find((o) => o.valueCoding.code === answer.valueCoding?.code);
      total += option?.valueCoding.extension?.find((e) => e.url === ORDINAL_VALUE)?.valueDecimal ?? 0;
    }
  }
  return total;
}

/** FHIR's enableWhen over a response (=, != on codings and decimals; "all"/"any"), as a form filler evaluates it. */
function enabledByFhir(item: QuestionnaireItem, response: ReturnType<typeof questionnaireResponse>): boolean {
  if (!item.enableWhen) return true;
  const answersOf = (linkId: string) => flatAnswers(response.item ?? []).find((i) => i.linkId === linkId)?.answer ?? [];
  const results = item.enableWhen.map((rule) => {
    const answers = answersOf(rule.question);
    const equal = answers.some((a) =>
      rule.answerCoding ? a.valueCoding?.code === rule.answerCoding.code : a.valueDecimal === rule.answerDecimal,
    );
    return rule.operator === '=' ? equal : !equal;
  });
  return item.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
}

describe('FHIR Questionnaire of each definition version', () => {
  const versions = [...goldens.map((g) => ({ definition: loaded(g.definition), hash: g.definitionHash }))];

  it('validates against the FHIR R4 JSON schema with zero errors, for every shipped version and the default', () => {
    expect(versions.length).toBeGreaterThan(0);
    for (const { definition, hash } of versions) {
      expect(fhirSchemaErrors(questionnaireResource(definition, { definitionHash: hash, active: true })), definition.version).toEqual([]);
    }
    const fallback = loaded(defaultScreening);
    expect(fhirSchemaErrors(questionnaireResource(fallback, { definitionHash: 'f'.repeat(64), active: false }))).toEqual([]);
  });

  it('carries weights as ordinalValue, acute danger as an extension, German text with translations, skip rules as enableWhen', () => {
    const definition = loaded(defaultScreening);
    const items = flatItems(questionnaireResource(definition, { definitionHash: 'f'.repeat(64), active: true }).item);
    const careAtHome = items.find((i) => i.linkId === 'careAtHome');
    const nobody = careAtHome?.answerOption?.find((o) => o.valueCoding.code === 'nobodyCanCare');
    expect(nobody?.extension).toEqual([{ url: ACUTE_DANGER_EXTENSION, valueBoolean: true }]);
    expect(nobody?.valueCoding.extension).toEqual([{ url: ORDINAL_VALUE, valueDecimal: 10 }]);
    const preterm = items.find((i) => i.linkId === 'preterm');
    expect(preterm?.answerOption?.[0]?.valueCoding).toMatchObject({ code: 'Y', extension: [{ url: ORDINAL_VALUE, valueDecimal: 2 }] });
    expect(preterm?._text?.extension[0]?.extension).toContainEqual({ url: 'lang', valueCode: 'en' });
    const week = items.find((i) => i.linkId === 'pretermWeek');
    expect(week?.type).toBe('decimal');
    expect(week?.enableWhen).toEqual([
      { question: 'preterm', operator: '=', answerCoding: { system: 'http://terminology.hl7.org/CodeSystem/v2-0136', code: 'Y' } },
    ]);
    // Every skip rule also travels as an SDC enableWhenExpression (FHIRPath) with Lotse's exact meaning.
    const skipping = definition.sections.flatMap((s) => s.questions).filter((q) => q.showIf);
    for (const question of skipping) {
      const item = items.find((i) => i.linkId === question.id);
      expect(
        item?.extension?.some((e) => e.url.endsWith('sdc-questionnaire-enableWhenExpression')),
        question.id,
      ).toBe(true);
    }
  });
});

describe('FHIR QuestionnaireResponse of a screening', () => {
  for (const golden of goldens) {
    const definition = loaded(golden.definition);
    const questionnaire = questionnaireResource(definition, { definitionHash: golden.definitionHash, active: true });

    it(`validates and sums to Lotse's score for every golden answer set of ${definition.id}@${definition.version}`, () => {
      for (const { name, answers } of golden.cases) {
        const screening = storedScreening(definition, answers);
        const response = questionnaireResponse(definition, screening, month);
        expect(fhirSchemaErrors(response), name).toEqual([]);
        expect(sdcScore(questionnaire, response), name).toBe(screening.score);
        expect(response.subject.identifier).toEqual({ system: CASE_NUMBER_SYSTEM, value: CASE });
        expect(response.questionnaire).toBe(`https://lotse.example/fhir/Questionnaire/${definition.id}|${definition.version}`);
      }
    });

    it(`agrees with Lotse's skip rules wherever FHIR's enableWhen can say them (${definition.version})`, () => {
      const questions = definition.sections.flatMap((s) => s.questions);
      const items = flatItems(questionnaire.item);
      let compared = 0;
      for (const { name, answers } of golden.cases) {
        const screening = storedScreening(definition, answers);
        const response = questionnaireResponse(definition, screening, month);
        for (const question of questions) {
          const item = items.find((i) => i.linkId === question.id);
          if (!question.showIf || !item?.enableWhen) continue;
          compared++;
          expect(enabledByFhir(item, response), `${name}: ${question.id}`).toBe(conditionHolds(question.showIf, screening.answers));
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }

  it('marks the items the family answered itself, and those staff changed with it, without the family’s first answer', () => {
    const definition = loaded(defaultScreening);
    const screening: ScreeningExportRow = {
      ...storedScreening(definition, { supportNetwork: 'nobody', housing: 'cramped', preterm: false }),
      familyAnswered: { supportNetwork: 'family', housing: 'changedByStaff' },
    };
    const response = questionnaireResponse(definition, screening, month);
    expect(fhirSchemaErrors(response)).toEqual([]);
    const items = new Map(flatAnswers(response.item ?? []).map((item) => [item.linkId, item]));
    expect(items.get('supportNetwork')?.extension).toEqual([{ url: ANSWERED_BY_EXTENSION, valueCode: 'family' }]);
    expect(items.get('housing')?.extension).toEqual([{ url: ANSWERED_BY_EXTENSION, valueCode: 'family-changed-by-staff' }]);
    expect(items.get('preterm')?.extension).toBeUndefined();
  });

  it('never carries a free-text answer or the override reason, and dates only by month', () => {
    const definition = loaded(defaultScreening);
    const screening: ScreeningExportRow = {
      ...storedScreening(definition, { languages: ['other'], languageOther: 'Frau Müller spricht Tigrinya' }),
      overrideSupportNeed: 'urgent',
    };
    expect(screening.answers['languageOther']).toBe('Frau Müller spricht Tigrinya');
    const response = questionnaireResponse(definition, screening, month);
    const text = JSON.stringify(response);
    expect(text).not.toContain('Müller');
    expect(text).not.toContain('languageOther');
    expect(text).toContain('"authored":"2026-03"');
    expect(text).toContain('"valueCode":"urgent"');
    expect(fhirSchemaErrors(response)).toEqual([]);

    const csv = screeningCsvRows([{ screening, definition }], month);
    expect(csv[0]).not.toContain('languageOther');
    expect(JSON.stringify(csv)).not.toContain('Müller');
    expect(csv[1]?.slice(0, 8)).toEqual([
      CASE,
      '2026-03',
      definition.id,
      definition.version,
      String(screening.score),
      screening.supportNeed,
      'urgent',
      'no',
    ]);
    const languages = csv[0]?.indexOf('languages') ?? -1;
    expect(csv[1]?.[languages]).toBe('other');
    expect(csv.every((row) => row.length === csv[0]?.length)).toBe(true);
  });
});
