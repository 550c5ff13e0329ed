// Screening questionnaires as FHIR R4 Questionnaire (SDC style) and screenings
// as QuestionnaireResponse, plus the evaluators' CSV beside them (docs/FHIR.md).
// Weights travel as the ordinalValue extension on each answer's Coding (SDC's
// scoring convention), skip rules as enableWhen where FHIR can say them and
// always as an SDC enableWhenExpression (FHIRPath) with Lotse's exact semantics.
// The case number is the only identifier; free-text answers (note questions)
// and the override's reason are never exported.
import type { AnswerValue, Condition, Question, QuestionnaireDefinition } from './questionnaire';
import { effectiveSupportNeed, type SupportNeed } from './questionnaire';
import { caseReference, LOTSE_FHIR_BASE, type CaseReference, type FhirCoding, type FhirExtension } from './fhir-types';

export const QUESTIONNAIRE_URL_BASE = `${LOTSE_FHIR_BASE}/Questionnaire`;
const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';
const ENABLE_WHEN_EXPRESSION = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression';
/** HL7 v2 table 0136 (yes/no): a yesNo question is a choice of Y and N, so its weight can sit on the Y coding. */
const YES_NO_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0136';
export const ACUTE_DANGER_EXTENSION = `${LOTSE_FHIR_BASE}/StructureDefinition/acute-danger`;
export const THRESHOLDS_EXTENSION = `${LOTSE_FHIR_BASE}/StructureDefinition/support-need-thresholds`;
export const DEFINITION_HASH_EXTENSION = `${LOTSE_FHIR_BASE}/StructureDefinition/definition-hash`;
export const SCREENING_RESULT_EXTENSION = `${LOTSE_FHIR_BASE}/StructureDefinition/screening-result`;
/** On a response item the family answered itself: `family`, or `family-changed-by-staff` (never the family's first answer). */
export const ANSWERED_BY_EXTENSION = `${LOTSE_FHIR_BASE}/StructureDefinition/answered-by`;

type Texts = Readonly<Record<string, string>>;

interface AnswerOption {
  valueCoding: FhirCoding;
  extension?: FhirExtension[];
}

export interface QuestionnaireItem {
  linkId: string;
  text: string;
  _text?: { extension: FhirExtension[] };
  type: 'group' | 'display' | 'choice' | 'decimal' | 'text';
  required?: boolean;
  repeats?: boolean;
  enableWhen?: EnableWhen[];
  enableBehavior?: 'all' | 'any';
  extension?: FhirExtension[];
  answerOption?: AnswerOption[];
  item?: QuestionnaireItem[];
}

interface EnableWhen {
  question: string;
  operator: '=' | '!=';
  answerCoding?: FhirCoding;
  answerDecimal?: number;
}

export interface QuestionnaireResource {
  resourceType: 'Questionnaire';
  url: string;
  version: string;
  title: string;
  _title?: { extension: FhirExtension[] };
  status: 'active' | 'retired';
  language: 'de';
  subjectType: ['Patient'];
  extension: FhirExtension[];
  item: QuestionnaireItem[];
}

/** German is the source language; every other language rides along as the standard translation extension. */
function translated(texts: Texts): { text: string; _text?: { extension: FhirExtension[] } } {
  const others = Object.entries(texts).filter(([lang]) => lang !== 'de');
  const text = texts.de ?? Object.values(texts)[0] ?? '';
  if (others.length === 0) return { text };
  return {
    text,
    _text: {
      extension: others.map(([lang, content]) => ({
        url: TRANSLATION,
        extension: [
          { url: 'lang', valueCode: lang },
          { url: 'content', valueString: content },
        ],
      })),
    },
  };
}

function optionSystem(definitionId: string, questionId: string): string {
  return `${LOTSE_FHIR_BASE}/CodeSystem/${definitionId}/${questionId}`;
}

/** The Coding an answer value is written as (choice questions), or undefined for a number. */
function answerCoding(definitionId: string, question: Question, value: AnswerValue): FhirCoding | undefined {
  if (question.type === 'yesNo') return { system: YES_NO_SYSTEM, code: value === true ? 'Y' : 'N' };
  if (question.type === 'single' || question.type === 'multiple' || question.type === 'scale') {
    return { system: optionSystem(definitionId, question.id), code: String(value) };
  }
  return undefined;
}

function weighted(coding: FhirCoding, weight: number | undefined): FhirCoding {
  return weight === undefined || weight === 0 ? coding : { ...coding, extension: [{ url: ORDINAL_VALUE, valueDecimal: weight }] };
}

function answerOptions(definitionId: string, question: Question): AnswerOption[] | undefined {
  const danger = (flag: boolean | undefined): { extension?: FhirExtension[] } =>
    flag === true ? { extension: [{ url: ACUTE_DANGER_EXTENSION, valueBoolean: true }] } : {};
  switch (question.type) {
    case 'yesNo':
      return [
        {
          valueCoding: weighted({ system: YES_NO_SYSTEM, code: 'Y', display: 'Ja' }, question.weightYes),
          ...danger(question.acuteDangerIfYes),
        },
        { valueCoding: { system: YES_NO_SYSTEM, code: 'N', display: 'Nein' } },
      ];
    case 'single':
    case 'multiple':
      return (question.options ?? []).map((option) => ({
        valueCoding: weighted(
          { system: optionSystem(definitionId, question.id), code: option.id, display: translated(option.label).text },
          option.weight,
        ),
        ...danger(option.acuteDanger),
      }));
    case 'scale': {
      if (!question.scale) return undefined;
      const { min, max, minLabel, maxLabel, weightPerStep } = question.scale;
      const options: AnswerOption[] = [];
      for (let step = min; step <= max; step++) {
        const label =
          step === min && minLabel ? ` – ${translated(minLabel).text}` : step === max && maxLabel ? ` – ${translated(maxLabel).text}` : '';
        options.push({
          valueCoding: weighted(
            { system: optionSystem(definitionId, question.id), code: String(step), display: `${String(step)}${label}` },
            (step - min) * (weightPerStep ?? 0),
          ),
        });
      }
      return options;
    }
    default:
      return undefined;
  }
}

function itemType(question: Question): QuestionnaireItem['type'] {
  if (question.type === 'number') return 'decimal';
  if (question.type === 'note') return 'text';
  return 'choice';
}

/** FHIRPath over the response that holds exactly when Lotse's conditionHolds does (an unanswered question matches nothing). */
export function conditionExpression(definition: QuestionnaireDefinition, condition: Condition): string {
  if ('all' in condition) return `(${condition.all.map((c) => conditionExpression(definition, c)).join(' and ')})`;
  if ('any' in condition) return `(${condition.any.map((c) => conditionExpression(definition, c)).join(' or ')})`;
  if ('not' in condition) return `(${conditionExpression(definition, condition.not)}).not()`;
  const question = findQuestion(definition, condition.question);
  const answers = `%resource.repeat(item).where(linkId='${condition.question}').answer.value`;
  const matches = (value: string | number | boolean): string => {
    const coding = question ? answerCoding(definition.id, question, value) : undefined;
    if (coding) return `(${answers}.ofType(Coding).code contains '${coding.code}')`;
    return `(${answers}.ofType(decimal) contains ${String(value)})`;
  };
  if ('equals' in condition) return matches(condition.equals);
  if ('in' in condition) return `(${condition.in.map(matches).join(' or ')})`;
  return matches(condition.includes);
}

/** enableWhen for the conditions FHIR's list can say: one comparison, its negation, or one level of all/any/in. */
function enableWhenOf(
  definition: QuestionnaireDefinition,
  condition: Condition,
): Pick<QuestionnaireItem, 'enableWhen' | 'enableBehavior'> | undefined {
  const comparison = (question: string, value: string | number | boolean, operator: '=' | '!='): EnableWhen | undefined => {
    const target = findQuestion(definition, question);
    if (!target) return undefined;
    const coding = answerCoding(definition.id, target, value);
    if (coding) return { question, operator, answerCoding: coding };
    return typeof value === 'number' ? { question, operator, answerDecimal: value } : undefined;
  };
  const simple = (c: Condition): EnableWhen[] | undefined => {
    if ('equals' in c) return listOf(comparison(c.question, c.equals, '='));
    if ('includes' in c) return listOf(comparison(c.question, c.includes, '='));
    if ('not' in c && 'question' in c.not) {
      const inner = c.not;
      if ('equals' in inner) return listOf(comparison(inner.question, inner.equals, '!='));
      if ('includes' in inner) return listOf(comparison(inner.question, inner.includes, '!='));
    }
    return undefined;
  };
  if ('in' in condition) {
    const all = condition.in.map((value) => comparison(condition.question, value, '='));
    return all.every((e) => e !== undefined) ? { enableWhen: all, enableBehavior: 'any' } : undefined;
  }
  if ('all' in condition || 'any' in condition) {
    const parts = 'all' in condition ? condition.all : condition.any;
    const list = parts.map(simple);
    if (list.some((l) => l === undefined)) return undefined;
    return { enableWhen: list.flatMap((l) => l ?? []), enableBehavior: 'all' in condition ? 'all' : 'any' };
  }
  const single = simple(condition);
  return single ? { enableWhen: single } : undefined;
}

function listOf<T>(value: T | undefined): T[] | undefined {
  return value === undefined ? undefined : [value];
}

function findQuestion(definition: QuestionnaireDefinition, id: string): Question | undefined {
  for (const section of definition.sections) {
    const found = section.questions.find((q) => q.id === id);
    if (found) return found;
  }
  return undefined;
}

function questionItem(definition: QuestionnaireDefinition, question: Question): QuestionnaireItem {
  const options = answerOptions(definition.id, question);
  const extension: FhirExtension[] = [];
  if (question.type === 'number' && question.range) {
    extension.push({ url: MIN_VALUE, valueDecimal: question.range.min }, { url: MAX_VALUE, valueDecimal: question.range.max });
  }
  let skip: Pick<QuestionnaireItem, 'enableWhen' | 'enableBehavior'> = {};
  if (question.showIf) {
    extension.push({
      url: ENABLE_WHEN_EXPRESSION,
      valueExpression: { language: 'text/fhirpath', expression: conditionExpression(definition, question.showIf) },
    });
    skip = enableWhenOf(definition, question.showIf) ?? {};
  }
  return {
    linkId: question.id,
    ...translated(question.label),
    type: itemType(question),
    ...(question.required === true ? { required: true } : {}),
    ...(question.type === 'multiple' ? { repeats: true } : {}),
    ...skip,
    ...(extension.length > 0 ? { extension } : {}),
    ...(options ? { answerOption: options } : {}),
    ...(question.hint ? { item: [{ linkId: `${question.id}.hint`, ...translated(question.hint), type: 'display' as const }] } : {}),
  };
}

/** The canonical reference a response names: url|version. */
export function questionnaireCanonical(definition: Pick<QuestionnaireDefinition, 'id' | 'version'>): string {
  return `${QUESTIONNAIRE_URL_BASE}/${definition.id}|${definition.version}`;
}

/** One definition version as a Questionnaire: sections as groups, questions as items, weights, danger, thresholds. */
export function questionnaireResource(
  definition: QuestionnaireDefinition,
  meta: { definitionHash: string; active: boolean },
): QuestionnaireResource {
  const title = translated(definition.title);
  const thresholds = definition.thresholds;
  return {
    resourceType: 'Questionnaire',
    url: `${QUESTIONNAIRE_URL_BASE}/${definition.id}`,
    version: definition.version,
    title: title.text,
    ...(title._text ? { _title: title._text } : {}),
    status: meta.active ? 'active' : 'retired',
    language: 'de',
    subjectType: ['Patient'],
    extension: [
      { url: DEFINITION_HASH_EXTENSION, valueString: meta.definitionHash },
      {
        url: THRESHOLDS_EXTENSION,
        extension: [
          { url: 'informationOnly', valueDecimal: thresholds.informationOnly },
          { url: 'offerRecommended', valueDecimal: thresholds.offerRecommended },
          { url: 'urgent', valueDecimal: thresholds.urgent },
        ],
      },
    ],
    item: definition.sections.map((section) => ({
      linkId: section.id,
      ...translated(section.title),
      type: 'group' as const,
      item: section.questions.map((question) => questionItem(definition, question)),
    })),
  };
}

/** A screening as the export reads it: the stored content's scoring fields, never the override's reason. */
export interface ScreeningExportRow {
  caseNumber: string;
  definitionId: string;
  definitionVersion: string;
  answers: Readonly<Record<string, AnswerValue>>;
  score: number;
  supportNeed: SupportNeed;
  overrideSupportNeed: SupportNeed | null;
  acuteDanger: boolean;
  createdAt: Date;
  /** Answers the family gave itself (absent: staff answered all); staff may have changed them with the family. */
  familyAnswered?: Readonly<Record<string, 'family' | 'changedByStaff'>>;
}

interface ResponseAnswer {
  valueCoding?: FhirCoding;
  valueDecimal?: number;
}

export interface ResponseItem {
  linkId: string;
  extension?: FhirExtension[];
  answer?: ResponseAnswer[];
  item?: ResponseItem[];
}

export interface QuestionnaireResponseResource {
  resourceType: 'QuestionnaireResponse';
  questionnaire: string;
  status: 'completed';
  subject: CaseReference;
  authored: string;
  extension: FhirExtension[];
  item?: ResponseItem[];
}

/** Whether a question's answer may leave Lotse: never free text. */
export function isExportedQuestion(question: Question): boolean {
  return question.type !== 'note';
}

function responseAnswers(definitionId: string, question: Question, value: AnswerValue): ResponseAnswer[] {
  if (question.type === 'number') return typeof value === 'number' ? [{ valueDecimal: value }] : [];
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => {
    const coding = answerCoding(definitionId, question, v);
    return coding ? [{ valueCoding: coding }] : [];
  });
}

/** One screening as a QuestionnaireResponse of the definition version it used; only its stored (visible) answers. */
export function questionnaireResponse(
  definition: QuestionnaireDefinition,
  row: ScreeningExportRow,
  month: (instant: Date) => string,
): QuestionnaireResponseResource {
  const sections: ResponseItem[] = [];
  for (const section of definition.sections) {
    const items: ResponseItem[] = [];
    for (const question of section.questions) {
      const value = row.answers[question.id];
      if (value === undefined || !isExportedQuestion(question)) continue;
      const answer = responseAnswers(definition.id, question, value);
      const by = row.familyAnswered?.[question.id];
      const answeredBy: FhirExtension[] =
        by === undefined ? [] : [{ url: ANSWERED_BY_EXTENSION, valueCode: by === 'family' ? 'family' : 'family-changed-by-staff' }];
      if (answer.length > 0) items.push({ linkId: question.id, ...(answeredBy.length > 0 ? { extension: answeredBy } : {}), answer });
    }
    if (items.length > 0) sections.push({ linkId: section.id, item: items });
  }
  const applied = effectiveSupportNeed({
    supportNeed: row.supportNeed,
    override: row.overrideSupportNeed ? { supportNeed: row.overrideSupportNeed } : null,
  });
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: questionnaireCanonical({ id: row.definitionId, version: row.definitionVersion }),
    status: 'completed',
    subject: caseReference(row.caseNumber),
    authored: month(row.createdAt),
    extension: [
      {
        url: SCREENING_RESULT_EXTENSION,
        extension: [
          { url: 'score', valueDecimal: row.score },
          { url: 'supportNeed', valueCode: row.supportNeed },
          { url: 'appliedSupportNeed', valueCode: applied },
          { url: 'acuteDanger', valueBoolean: row.acuteDanger },
        ],
      },
    ],
    ...(sections.length > 0 ? { item: sections } : {}),
  };
}

/** The CSV's fixed columns; one column per exported question follows, in questionnaire order. */
export const SCREENING_CSV_COLUMNS = [
  'caseNumber',
  'month',
  'definitionId',
  'definitionVersion',
  'score',
  'supportNeed',
  'appliedSupportNeed',
  'acuteDanger',
] as const;

/**
 * The evaluators' table: one row per screening, one column per question of the
 * definitions the screenings used (first appearance order), never a note. A
 * question hidden or unanswered is an empty cell; several chosen options are
 * joined with "|"; yes/no is "yes"/"no".
 */
export function screeningCsvRows(
  rows: readonly { screening: ScreeningExportRow; definition: QuestionnaireDefinition }[],
  month: (instant: Date) => string,
): string[][] {
  const questions: string[] = [];
  const seen = new Set<string>();
  for (const { definition } of rows) {
    for (const question of definition.sections.flatMap((s) => s.questions)) {
      if (!isExportedQuestion(question) || seen.has(question.id)) continue;
      seen.add(question.id);
      questions.push(question.id);
    }
  }
  const cell = (value: AnswerValue | undefined): string => {
    if (value === undefined) return '';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (Array.isArray(value)) return value.join('|');
    return String(value);
  };
  const table: string[][] = [[...SCREENING_CSV_COLUMNS, ...questions]];
  for (const { screening, definition } of rows) {
    const exported = new Set(
      definition.sections
        .flatMap((s) => s.questions)
        .filter(isExportedQuestion)
        .map((q) => q.id),
    );
    table.push([
      screening.caseNumber,
      month(screening.createdAt),
      screening.definitionId,
      screening.definitionVersion,
      String(screening.score),
      screening.supportNeed,
      screening.overrideSupportNeed ?? screening.supportNeed,
      screening.acuteDanger ? 'yes' : 'no',
      ...questions.map((id) => (exported.has(id) ? cell(screening.answers[id]) : '')),
    ]);
  }
  return table;
}
