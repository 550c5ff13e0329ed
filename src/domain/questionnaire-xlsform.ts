// The screening questionnaire as an XLSForm-style spreadsheet (docs/QUESTIONNAIRE.md, "Authoring in a
// spreadsheet"): rows of text cells to a definition and back. Pure: the .xlsx itself is read and written
// at the edge (server); this module sees sheets as rows of strings, header first. Whatever the supported
// subset cannot say is refused with its sheet, row and column — never dropped (above all not a skip rule).
import type { XlsFormProblem, XlsFormProblemKind, XlsFormSheet } from '@shared/questionnaire-api';
import { OFFER_FIELDS } from '@shared/offers';
import { loadQuestionnaire, type Condition, type LoadOptions, type Question, type QuestionnaireDefinition } from './questionnaire';

export type SheetRows = string[][];
/** The three sheets as rows of cells (header row first); a sheet the file lacks is undefined. */
export interface XlsFormSheets {
  survey?: SheetRows | undefined;
  choices?: SheetRows | undefined;
  settings?: SheetRows | undefined;
}
/** What an export writes: all three sheets. */
export interface XlsFormWorkbook {
  survey: SheetRows;
  choices: SheetRows;
  settings: SheetRows;
}
export type XlsFormResult = { ok: true; definition: QuestionnaireDefinition } | { ok: false; problems: XlsFormProblem[] };

/** The most rows a sheet may have (the default questionnaire needs about 50 survey and 120 choice rows). */
export const MAX_XLSFORM_ROWS = 2000;
/** The yes/no list of XLSForm: `select_one yes_no` is Lotse's yes/no question (the tablet shows its own Ja/Nein). */
const YES_NO_LIST = 'yes_no';
const TEXT_COLUMNS = ['label', 'hint', 'min_label', 'max_label', 'form_title'] as const;
type TextColumn = (typeof TEXT_COLUMNS)[number];

const SURVEY_COLUMNS = [
  'type',
  'name',
  'required',
  'relevant',
  'constraint',
  'parameters',
  'weight',
  'acute_danger',
  'offer_fields',
  'answered_by',
] as const;
const CHOICE_COLUMNS = ['list_name', 'name', 'weight', 'acute_danger'] as const;
const SETTINGS_COLUMNS = ['form_id', 'version', 'threshold_information_only', 'threshold_offer_recommended', 'threshold_urgent'] as const;
const SHEET_TEXT_COLUMNS: Record<XlsFormSheet, readonly TextColumn[]> = {
  survey: ['label', 'hint', 'min_label', 'max_label'],
  choices: ['label'],
  settings: ['form_title'],
};
const SHEET_COLUMNS: Record<XlsFormSheet, readonly string[]> = {
  survey: SURVEY_COLUMNS,
  choices: CHOICE_COLUMNS,
  settings: SETTINGS_COLUMNS,
};
const ID_PATTERN = /^[a-z][a-zA-Z0-9-]{0,63}$/;

function problem(
  kind: XlsFormProblemKind,
  at: { sheet?: XlsFormSheet | null; row?: number | null; column?: string | null; value?: string | null; detail?: string | null },
): XlsFormProblem {
  return {
    sheet: at.sheet ?? null,
    row: at.row ?? null,
    column: at.column ?? null,
    value: at.value ?? null,
    problem: kind,
    detail: at.detail ?? null,
  };
}

/** One sheet read by its header: each column's canonical key (`label::de`, `weight`) to its index and header text. */
interface Sheet {
  name: XlsFormSheet;
  columns: Map<string, { index: number; header: string }>;
  /** Languages of the text columns, e.g. label → ['de', 'en']. */
  languages: Map<TextColumn, string[]>;
  rows: { number: number; cells: string[] }[];
}

/** `label::de`, `label::Deutsch (de)`, `label` (German, the source language) → ['label', 'de']. */
function textColumnKey(header: string): [TextColumn, string] | null {
  const match = /^([a-z_]+)(?:::(?:[^()]*\()?\s*([a-z]{2})\s*\)?)?$/i.exec(header);
  if (!match) return null;
  const base = (match[1] ?? '').toLowerCase();
  if (!(TEXT_COLUMNS as readonly string[]).includes(base)) return null;
  return [base as TextColumn, (match[2] ?? 'de').toLowerCase()];
}

function readSheet(name: XlsFormSheet, rows: SheetRows, problems: XlsFormProblem[]): Sheet {
  const header = rows[0] ?? [];
  const sheet: Sheet = { name, columns: new Map(), languages: new Map(), rows: [] };
  header.forEach((raw, index) => {
    const text = raw.trim();
    if (text === '') return;
    const lower = text.toLowerCase().replace(/\s+/g, '_');
    const textKey = textColumnKey(text.replace(/\s+(?=::)|(?<=::)\s+/g, ''));
    let key: string | null = null;
    if (textKey && SHEET_TEXT_COLUMNS[name].includes(textKey[0])) {
      key = `${textKey[0]}::${textKey[1]}`;
      const languages = sheet.languages.get(textKey[0]) ?? [];
      if (!languages.includes(textKey[1])) sheet.languages.set(textKey[0], [...languages, textKey[1]]);
    } else if (SHEET_COLUMNS[name].includes(lower)) key = lower;
    if (key === null) {
      // XLSForm files carry columns Lotse has no use for (appearance, media…): fine while empty, refused once they say something.
      const used = rows.slice(1).some((cells) => (cells[index] ?? '').trim() !== '');
      if (used) problems.push(problem('unknownColumn', { sheet: name, row: 1, column: text }));
      return;
    }
    if (sheet.columns.has(key)) problems.push(problem('duplicateColumn', { sheet: name, row: 1, column: text }));
    else sheet.columns.set(key, { index, header: text });
  });
  if (rows.length - 1 > MAX_XLSFORM_ROWS) problems.push(problem('tooManyRows', { sheet: name, value: String(rows.length - 1) }));
  rows.slice(1, MAX_XLSFORM_ROWS + 1).forEach((cells, index) => {
    if (cells.some((cell) => cell.trim() !== '')) sheet.rows.push({ number: index + 2, cells });
  });
  return sheet;
}

function cell(sheet: Sheet, row: { cells: string[] }, key: string): string {
  const column = sheet.columns.get(key);
  return column === undefined ? '' : (row.cells[column.index] ?? '').trim();
}

function header(sheet: Sheet, key: string): string {
  return sheet.columns.get(key)?.header ?? key;
}

/** The texts of one text column over its languages; undefined when every language is empty. */
function texts(sheet: Sheet, row: { cells: string[] }, column: TextColumn): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  for (const language of sheet.languages.get(column) ?? []) {
    const value = cell(sheet, row, `${column}::${language}`);
    if (value !== '') result[language] = value;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * A text column that a row uses: German is required (the source and fallback language), and each text
 * is at most 500 characters. Problems name the German column, or the column that is too long.
 */
function requiredTexts(
  sheet: Sheet,
  row: { number: number; cells: string[] },
  column: TextColumn,
  problems: XlsFormProblem[],
  optional = false,
): Record<string, string> | undefined {
  const result = texts(sheet, row, column);
  for (const [language, value] of Object.entries(result ?? {})) {
    if (value.length > 500)
      problems.push(problem('tooLong', { sheet: sheet.name, row: row.number, column: header(sheet, `${column}::${language}`) }));
  }
  if (result === undefined && optional) return undefined;
  if (result?.de === undefined) {
    problems.push(
      problem('required', {
        sheet: sheet.name,
        row: row.number,
        column: sheet.columns.has(`${column}::de`) ? header(sheet, `${column}::de`) : `${column}::de`,
      }),
    );
  }
  return result;
}

const YES = new Set(['yes', 'true', 'true()', '1', 'ja']);
const NO = new Set(['', 'no', 'false', 'false()', '0', 'nein']);

function yesNoCell(sheet: Sheet, row: { number: number; cells: string[] }, key: string, problems: XlsFormProblem[]): boolean {
  const value = cell(sheet, row, key);
  if (YES.has(value.toLowerCase())) return true;
  if (!NO.has(value.toLowerCase()))
    problems.push(problem('invalidYesNo', { sheet: sheet.name, row: row.number, column: header(sheet, key), value }));
  return false;
}

/** A weight or threshold: a number from 0 to 100 (comma or point as the decimal sign); undefined when empty. */
function numberCell(sheet: Sheet, row: { number: number; cells: string[] }, key: string, problems: XlsFormProblem[]): number | undefined {
  const value = cell(sheet, row, key);
  if (value === '') return undefined;
  const parsed = /^[0-9]+([.,][0-9]+)?$/.test(value) ? Number(value.replace(',', '.')) : Number.NaN;
  if (!(parsed >= 0 && parsed <= 100)) {
    problems.push(problem('invalidNumber', { sheet: sheet.name, row: row.number, column: header(sheet, key), value }));
    return undefined;
  }
  return parsed;
}

// --- Skip rules: the XLSForm `relevant` subset (docs/QUESTIONNAIRE.md) ----------------------------------

type Literal = string | number;
type Expression =
  | { kind: 'compare'; question: string; operator: '=' | '!='; value: Literal; grouped: boolean }
  | { kind: 'selected'; question: string; value: Literal; grouped: boolean }
  | { kind: 'and' | 'or'; parts: Expression[]; grouped: boolean }
  | { kind: 'not'; part: Expression; grouped: boolean };

class RelevantSyntaxError extends Error {}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*(\$\{[^}]*\}|'[^']*'|"[^"]*"|-?[0-9]+(?:\.[0-9]+)?|!=|=|\(|\)|,|[A-Za-z_][A-Za-z0-9_-]*|\S)/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < source.length && (match = pattern.exec(source)) !== null) tokens.push(match[1] ?? '');
  if (source.slice(pattern.lastIndex).trim() !== '') throw new RelevantSyntaxError();
  return tokens;
}

function parseRelevant(source: string): Expression {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new RelevantSyntaxError();
    return token;
  };
  const reference = () => {
    const match = /^\$\{([^}]*)\}$/.exec(take());
    if (!match) throw new RelevantSyntaxError();
    return (match[1] ?? '').trim();
  };
  const literal = (): Literal => {
    const token = take();
    if (/^'.*'$|^".*"$/.test(token)) return token.slice(1, -1);
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(token)) return Number(token);
    throw new RelevantSyntaxError();
  };
  const chain = (kind: 'and' | 'or', next: () => Expression): Expression => {
    const parts = [next()];
    while (peek() === kind) {
      take();
      parts.push(next());
    }
    return parts.length === 1 ? (parts[0] as Expression) : { kind, parts, grouped: false };
  };
  const unary = (): Expression => {
    const token = peek();
    if (token === '(') {
      take();
      const inner = or();
      take(')');
      return { ...inner, grouped: true };
    }
    if (token === 'not') {
      take();
      take('(');
      const part = or();
      take(')');
      return { kind: 'not', part, grouped: false };
    }
    if (token === 'selected') {
      take();
      take('(');
      const question = reference();
      take(',');
      const value = literal();
      take(')');
      return { kind: 'selected', question, value, grouped: false };
    }
    const question = reference();
    const operator = take();
    if (operator !== '=' && operator !== '!=') throw new RelevantSyntaxError();
    return { kind: 'compare', question, operator, value: literal(), grouped: false };
  };
  const and = () => chain('and', unary);
  const or = (): Expression => chain('or', and);
  const expression = or();
  if (position !== tokens.length) throw new RelevantSyntaxError();
  return expression;
}

type RelevantProblem = { kind: XlsFormProblemKind; value: string };

/** The parsed rule as a Lotse condition, each reference checked against the questions above it. */
function toCondition(
  expression: Expression,
  earlier: ReadonlyMap<string, Question>,
  all: ReadonlySet<string>,
): Condition | RelevantProblem {
  const target = (name: string): Question | RelevantProblem => {
    const question = earlier.get(name);
    if (question) return question;
    return { kind: all.has(name) ? 'laterQuestion' : 'unknownQuestion', value: name };
  };
  const choice = (question: Question, value: Literal): string | RelevantProblem => {
    const id = String(value);
    return (question.options ?? []).some((o) => o.id === id) ? id : { kind: 'unknownChoice', value: `${question.id}: ${id}` };
  };
  const comparedValue = (question: Question, value: Literal): string | number | boolean | RelevantProblem => {
    switch (question.type) {
      case 'yesNo':
        return value === 'yes' ? true : value === 'no' ? false : { kind: 'wrongValue', value: `${question.id}: ${String(value)}` };
      case 'single':
        return choice(question, value);
      case 'scale':
      case 'number': {
        const number = typeof value === 'number' ? value : Number(value);
        return Number.isFinite(number) && String(value).trim() !== ''
          ? number
          : { kind: 'wrongValue', value: `${question.id}: ${String(value)}` };
      }
      case 'note':
        return String(value);
      case 'multiple':
        // A list is never equal to one value: a multiple question is tested with selected().
        return { kind: 'wrongValue', value: `${question.id}: ${String(value)}` };
    }
  };
  const isProblem = (value: unknown): value is RelevantProblem => typeof value === 'object' && value !== null && 'kind' in value;
  switch (expression.kind) {
    case 'compare': {
      const question = target(expression.question);
      if (isProblem(question)) return question;
      const value = comparedValue(question, expression.value);
      if (isProblem(value)) return value;
      const equals: Condition = { question: question.id, equals: value };
      return expression.operator === '=' ? equals : { not: equals };
    }
    case 'selected': {
      const question = target(expression.question);
      if (isProblem(question)) return question;
      if (question.type !== 'multiple' && question.type !== 'single') return { kind: 'wrongValue', value: question.id };
      const value = choice(question, expression.value);
      if (isProblem(value)) return value;
      return question.type === 'multiple' ? { question: question.id, includes: value } : { question: question.id, equals: value };
    }
    case 'not': {
      const part = toCondition(expression.part, earlier, all);
      return isProblem(part) ? part : { not: part };
    }
    case 'and':
    case 'or': {
      const parts: Condition[] = [];
      for (const part of expression.parts) {
        const condition = toCondition(part, earlier, all);
        if (isProblem(condition)) return condition;
        parts.push(condition);
      }
      // `${q} = a or ${q} = b` (bare comparisons of one question, not yes/no) is Lotse's `in`; written in
      // parentheses each, the same test stays an `any` — so either form comes back as it was exported.
      if (expression.kind === 'or') {
        const bare = expression.parts.every((part) => part.kind === 'compare' && part.operator === '=' && !part.grouped);
        const values = parts.map((part) => ('equals' in part ? part.equals : null));
        const questions = new Set(parts.map((part) => ('question' in part ? part.question : null)));
        if (bare && questions.size === 1 && values.every((value) => typeof value === 'string' || typeof value === 'number')) {
          const [question] = questions;
          return { question: question ?? '', in: values };
        }
        return { any: parts };
      }
      return { all: parts };
    }
  }
}

function quote(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/** A Lotse condition as XLSForm `relevant`; `nested` adds the parentheses an `and`/`or` needs inside another. */
export function conditionToRelevant(condition: Condition, nested = false): string {
  const wrap = (text: string) => (nested ? `(${text})` : text);
  if ('all' in condition) return wrap(condition.all.map((part) => conditionToRelevant(part, true)).join(' and '));
  if ('any' in condition) {
    const parts = condition.any.map((part) => {
      const text = conditionToRelevant(part, true);
      // Keep an `any` of plain comparisons apart from an `in` (see toCondition).
      return 'equals' in part && !text.startsWith('(') ? `(${text})` : text;
    });
    return wrap(parts.join(' or '));
  }
  if ('not' in condition) return `not(${conditionToRelevant(condition.not)})`;
  if ('includes' in condition) return `selected(\${${condition.question}}, ${quote(condition.includes)})`;
  if ('in' in condition) {
    const text = condition.in.map((value) => `\${${condition.question}} = ${quote(value)}`).join(' or ');
    return condition.in.length > 1 ? wrap(text) : text;
  }
  const value = condition.equals;
  return `\${${condition.question}} = ${typeof value === 'boolean' ? quote(value ? 'yes' : 'no') : quote(value)}`;
}

// --- Rows to definition ----------------------------------------------------------------------------------

const TYPE_COLUMNS: Record<string, readonly string[]> = {
  // Which of the optional survey columns a row of each kind may fill; anything else is refused, not dropped.
  group: [],
  yesNo: ['required', 'relevant', 'weight', 'acute_danger', 'offer_fields', 'answered_by', 'hint'],
  single: ['required', 'relevant', 'offer_fields', 'answered_by', 'hint'],
  multiple: ['required', 'relevant', 'offer_fields', 'answered_by', 'hint'],
  scale: ['required', 'relevant', 'parameters', 'weight', 'offer_fields', 'answered_by', 'hint', 'min_label', 'max_label'],
  number: ['required', 'relevant', 'constraint', 'offer_fields', 'answered_by', 'hint'],
  note: ['required', 'relevant', 'offer_fields', 'answered_by', 'hint'],
};
/** Every survey column but the two each row must fill. */
const OPTIONAL_SURVEY_COLUMNS = SURVEY_COLUMNS.filter((column) => column !== 'type' && column !== 'name');

function filledColumnsNotFor(sheet: Sheet, row: { number: number; cells: string[] }, kind: string, problems: XlsFormProblem[]): void {
  const allowed = TYPE_COLUMNS[kind] ?? [];
  for (const key of OPTIONAL_SURVEY_COLUMNS) {
    if (!allowed.includes(key) && cell(sheet, row, key) !== '')
      problems.push(problem('notForType', { sheet: 'survey', row: row.number, column: header(sheet, key), value: kind }));
  }
  for (const column of ['hint', 'min_label', 'max_label'] as const) {
    if (allowed.includes(column)) continue;
    for (const language of sheet.languages.get(column) ?? []) {
      const key = `${column}::${language}`;
      if (cell(sheet, row, key) !== '')
        problems.push(problem('notForType', { sheet: 'survey', row: row.number, column: header(sheet, key), value: kind }));
    }
  }
}

interface ChoiceList {
  row: number;
  options: NonNullable<Question['options']>;
  used: boolean;
}

function readChoices(sheet: Sheet | undefined, problems: XlsFormProblem[]): Map<string, ChoiceList> {
  const lists = new Map<string, ChoiceList>();
  if (!sheet) return lists;
  for (const column of ['list_name', 'name'] as const) {
    if (!sheet.columns.has(column)) problems.push(problem('missingColumn', { sheet: 'choices', row: 1, column }));
  }
  if (!sheet.columns.has('list_name') || !sheet.columns.has('name')) return lists;
  for (const row of sheet.rows) {
    const listName = cell(sheet, row, 'list_name');
    const name = cell(sheet, row, 'name');
    if (listName === '') problems.push(problem('required', { sheet: 'choices', row: row.number, column: header(sheet, 'list_name') }));
    if (name === '') problems.push(problem('required', { sheet: 'choices', row: row.number, column: header(sheet, 'name') }));
    else if (!ID_PATTERN.test(name))
      problems.push(problem('invalidName', { sheet: 'choices', row: row.number, column: header(sheet, 'name'), value: name }));
    if (listName === YES_NO_LIST) {
      // Kept for XLSForm tools; the tablet shows its own yes/no, and a yes/no question's points sit on its survey row.
      if (!['yes', 'no'].includes(name) || cell(sheet, row, 'weight') !== '' || cell(sheet, row, 'acute_danger') !== '')
        problems.push(problem('yesNoList', { sheet: 'choices', row: row.number, column: header(sheet, 'name'), value: name }));
      continue;
    }
    const label = requiredTexts(sheet, row, 'label', problems);
    const weight = numberCell(sheet, row, 'weight', problems);
    const acuteDanger = yesNoCell(sheet, row, 'acute_danger', problems);
    if (listName === '' || name === '') continue;
    const list = lists.get(listName) ?? { row: row.number, options: [], used: false };
    lists.set(listName, list);
    if (list.options.some((option) => option.id === name)) {
      problems.push(problem('duplicateChoice', { sheet: 'choices', row: row.number, column: header(sheet, 'name'), value: name }));
      continue;
    }
    list.options.push({
      id: name,
      label: label ?? { de: '' },
      ...(weight !== undefined ? { weight } : {}),
      ...(acuteDanger ? { acuteDanger } : {}),
    });
  }
  return lists;
}

function readSettings(sheet: Sheet | undefined, problems: XlsFormProblem[]) {
  if (!sheet) return null;
  for (const column of SETTINGS_COLUMNS) {
    if (!sheet.columns.has(column)) problems.push(problem('missingColumn', { sheet: 'settings', row: 1, column }));
  }
  const row = sheet.rows[0] ?? { number: 2, cells: [] };
  const required = (key: string) => {
    const value = cell(sheet, row, key);
    if (value === '' && sheet.columns.has(key))
      problems.push(problem('required', { sheet: 'settings', row: row.number, column: header(sheet, key) }));
    return value;
  };
  const id = required('form_id');
  if (id !== '' && !ID_PATTERN.test(id))
    problems.push(problem('invalidName', { sheet: 'settings', row: row.number, column: header(sheet, 'form_id'), value: id }));
  const version = required('version');
  const title = requiredTexts(sheet, row, 'form_title', problems);
  const threshold = (key: string) => {
    required(key);
    return numberCell(sheet, row, key, problems);
  };
  const thresholds = {
    informationOnly: threshold('threshold_information_only'),
    offerRecommended: threshold('threshold_offer_recommended'),
    urgent: threshold('threshold_urgent'),
  };
  for (const extra of sheet.rows.slice(1)) problems.push(problem('tooManyRows', { sheet: 'settings', row: extra.number, value: '1' }));
  return { id, version, title, thresholds };
}

/** Where each question sits in the survey sheet, to name the row of a problem the definition check finds. */
type QuestionRows = Map<string, number>;

function readSurvey(sheet: Sheet, lists: Map<string, ChoiceList>, problems: XlsFormProblem[]) {
  for (const column of ['type', 'name']) {
    if (!sheet.columns.has(column)) problems.push(problem('missingColumn', { sheet: 'survey', row: 1, column }));
  }
  const sections: QuestionnaireDefinition['sections'] = [];
  const questionRows: QuestionRows = new Map();
  const earlier = new Map<string, Question>();
  const names = new Set(sheet.rows.map((row) => cell(sheet, row, 'name')).filter((name) => name !== ''));
  const seenNames = new Set<string>();
  let group: { section: QuestionnaireDefinition['sections'][number]; row: number } | null = null;
  if (!sheet.columns.has('type') || !sheet.columns.has('name')) return { sections, questionRows };
  for (const row of sheet.rows) {
    const typeCell = cell(sheet, row, 'type').replace(/\s+/g, ' ');
    const [rawKind = '', listName, ...rest] = typeCell.split(' ');
    const kind = rawKind.toLowerCase();
    const at = { sheet: 'survey' as const, row: row.number };
    if ((kind === 'end' && listName?.toLowerCase() === 'group') || kind === 'end_group') {
      if (group === null) problems.push(problem('endWithoutGroup', { ...at, column: header(sheet, 'type'), value: typeCell }));
      else {
        if (group.section.questions.length === 0)
          problems.push(problem('emptyGroup', { ...at, row: group.row, column: header(sheet, 'type') }));
        sections.push(group.section);
      }
      group = null;
      continue;
    }
    const name = cell(sheet, row, 'name');
    if (name === '') problems.push(problem('required', { ...at, column: header(sheet, 'name') }));
    else if (!ID_PATTERN.test(name)) problems.push(problem('invalidName', { ...at, column: header(sheet, 'name'), value: name }));
    else if (seenNames.has(name)) problems.push(problem('duplicateName', { ...at, column: header(sheet, 'name'), value: name }));
    seenNames.add(name);
    if ((kind === 'begin' && listName?.toLowerCase() === 'group') || kind === 'begin_group') {
      filledColumnsNotFor(sheet, row, 'group', problems);
      const title = requiredTexts(sheet, row, 'label', problems);
      if (group !== null) {
        problems.push(problem('nestedGroup', { ...at, column: header(sheet, 'type'), value: typeCell }));
        continue;
      }
      group = { section: { id: name, title: title ?? { de: '' }, questions: [] }, row: row.number };
      continue;
    }
    let type: Question['type'];
    if (kind === 'select_one' && listName === YES_NO_LIST && rest.length === 0) type = 'yesNo';
    else if ((kind === 'select_one' || kind === 'select_multiple') && listName !== undefined && rest.length === 0)
      type = kind === 'select_one' ? 'single' : 'multiple';
    else if (kind === 'range' && listName === undefined) type = 'scale';
    else if (kind === 'decimal' && listName === undefined) type = 'number';
    else if (kind === 'text' && listName === undefined) type = 'note';
    else {
      problems.push(
        problem(kind === 'integer' ? 'integerNotSupported' : typeCell === '' ? 'required' : 'unsupportedType', {
          ...at,
          column: header(sheet, 'type'),
          value: typeCell === '' ? null : typeCell,
        }),
      );
      continue;
    }
    filledColumnsNotFor(sheet, row, type, problems);
    const label = requiredTexts(sheet, row, 'label', problems);
    const hint = requiredTexts(sheet, row, 'hint', problems, true);
    const question: Question = { id: name, type, label: label ?? { de: '' } };
    if (hint) question.hint = hint;
    if (yesNoCell(sheet, row, 'required', problems)) question.required = true;
    const answeredBy = cell(sheet, row, 'answered_by').toLowerCase();
    if (answeredBy === 'family' || answeredBy === 'staff') question.answeredBy = answeredBy;
    else if (answeredBy !== '')
      problems.push(problem('invalidAnsweredBy', { ...at, column: header(sheet, 'answered_by'), value: answeredBy }));
    const relevant = cell(sheet, row, 'relevant');
    if (relevant !== '') {
      let condition: Condition | RelevantProblem;
      try {
        condition = toCondition(parseRelevant(relevant), earlier, names);
      } catch {
        condition = { kind: 'unsupportedRelevant', value: relevant };
      }
      if ('kind' in condition) problems.push(problem(condition.kind, { ...at, column: header(sheet, 'relevant'), value: condition.value }));
      else question.showIf = condition;
    }
    if (type === 'yesNo') {
      const weight = numberCell(sheet, row, 'weight', problems);
      if (weight !== undefined) question.weightYes = weight;
      if (yesNoCell(sheet, row, 'acute_danger', problems)) question.acuteDangerIfYes = true;
    }
    if (type === 'single' || type === 'multiple') {
      const list = lists.get(listName ?? '');
      if (list === undefined) problems.push(problem('unknownList', { ...at, column: header(sheet, 'type'), value: listName ?? '' }));
      else {
        list.used = true;
        question.options = list.options.map((option) => ({ ...option, label: { ...option.label } }));
      }
    }
    if (type === 'scale') {
      const parameters = cell(sheet, row, 'parameters');
      const values = new Map(
        parameters
          .split(/[\s;]+/)
          .filter((part) => part !== '')
          .map((part): [string, string] => {
            const [key = '', value = ''] = part.split('=').map((s) => s.trim());
            return [key, value];
          }),
      );
      const start = Number(values.get('start'));
      const end = Number(values.get('end'));
      const step = values.get('step') ?? '1';
      const known = [...values.keys()].every((key) => ['start', 'end', 'step'].includes(key));
      if (
        !known ||
        !Number.isInteger(start) ||
        !Number.isInteger(end) ||
        values.get('start') === '' ||
        values.get('end') === '' ||
        Number(step) !== 1
      ) {
        problems.push(problem('invalidParameters', { ...at, column: header(sheet, 'parameters'), value: parameters }));
      }
      const weight = numberCell(sheet, row, 'weight', problems);
      const minLabel = requiredTexts(sheet, row, 'min_label', problems, true);
      const maxLabel = requiredTexts(sheet, row, 'max_label', problems, true);
      question.scale = {
        min: start,
        max: end,
        ...(minLabel ? { minLabel } : {}),
        ...(maxLabel ? { maxLabel } : {}),
        ...(weight !== undefined ? { weightPerStep: weight } : {}),
      };
    }
    if (type === 'number') {
      const constraint = cell(sheet, row, 'constraint');
      if (constraint !== '') {
        const match = /^\.\s*>=\s*(-?[0-9]+(?:\.[0-9]+)?)\s+and\s+\.\s*<=\s*(-?[0-9]+(?:\.[0-9]+)?)$/.exec(constraint);
        if (match) question.range = { min: Number(match[1]), max: Number(match[2]) };
        else problems.push(problem('unsupportedConstraint', { ...at, column: header(sheet, 'constraint'), value: constraint }));
      }
    }
    const offerFields = cell(sheet, row, 'offer_fields')
      .split(/[\s,]+/)
      .filter((field) => field !== '');
    for (const field of offerFields) {
      if (!(OFFER_FIELDS as readonly string[]).includes(field))
        problems.push(problem('invalidOfferField', { ...at, column: header(sheet, 'offer_fields'), value: field }));
    }
    if (offerFields.length > 0) question.offerFields = offerFields as NonNullable<Question['offerFields']>;
    if (group === null) {
      problems.push(problem('outsideGroup', { ...at, column: header(sheet, 'type'), value: name }));
      continue;
    }
    group.section.questions.push(question);
    if (name !== '') {
      questionRows.set(name, row.number);
      if (!earlier.has(name)) earlier.set(name, question);
    }
  }
  if (group !== null)
    problems.push(problem('unclosedGroup', { sheet: 'survey', row: group.row, column: header(sheet, 'type'), value: group.section.id }));
  return { sections, questionRows };
}

/**
 * Converts the three sheets to a definition and runs it through the definition check. Either the whole
 * definition, or every problem with its sheet, row and column — never a part.
 */
export function sheetsToDefinition(sheets: XlsFormSheets, options: LoadOptions = {}): XlsFormResult {
  const problems: XlsFormProblem[] = [];
  const read = (name: XlsFormSheet) => {
    const rows = sheets[name];
    if (rows === undefined) {
      problems.push(problem('missingSheet', { sheet: name }));
      return undefined;
    }
    return readSheet(name, rows, problems);
  };
  const survey = read('survey');
  const choices = read('choices');
  const settingsSheet = read('settings');
  const lists = readChoices(choices, problems);
  const settings = readSettings(settingsSheet, problems);
  const { sections, questionRows } = survey
    ? readSurvey(survey, lists, problems)
    : { sections: [], questionRows: new Map<string, number>() };
  if (problems.length > 0 || settings === null) return { ok: false, problems };
  const { informationOnly, offerRecommended, urgent } = settings.thresholds;
  const candidate = {
    id: settings.id,
    version: settings.version,
    title: settings.title,
    sections,
    thresholds: { informationOnly, offerRecommended, urgent },
  };
  const loaded = loadQuestionnaire(candidate, options);
  if (loaded.ok) return loaded;
  return {
    ok: false,
    problems: loaded.problems.map((detail) => {
      // The check names questions by id; point at the question's survey row where there is one.
      const id = /^(?:duplicate question id |question )"([^"]+)"/.exec(detail)?.[1];
      const row = id === undefined ? undefined : questionRows.get(id);
      const inSettings = /^(version|id|thresholds?\b)/.test(detail);
      return problem('definition', {
        sheet: row !== undefined ? 'survey' : inSettings ? 'settings' : null,
        row: row ?? (inSettings ? 2 : null),
        detail,
      });
    }),
  };
}

// --- Definition to rows ----------------------------------------------------------------------------------

/** Every language a text of the definition uses, German first, then in the order met. */
function languagesOf(definition: QuestionnaireDefinition): string[] {
  const languages = new Set<string>(['de']);
  const add = (text: Record<string, string> | undefined) => {
    for (const language of Object.keys(text ?? {})) languages.add(language);
  };
  add(definition.title);
  for (const section of definition.sections) {
    add(section.title);
    for (const question of section.questions) {
      add(question.label);
      add(question.hint);
      add(question.scale?.minLabel);
      add(question.scale?.maxLabel);
      for (const option of question.options ?? []) add(option.label);
    }
  }
  return [...languages];
}

function formatNumber(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

/** The definition as the three sheets, each with its header row: what the office offers for download. */
export function definitionToSheets(definition: QuestionnaireDefinition): XlsFormWorkbook {
  const languages = languagesOf(definition);
  const textColumns = (column: TextColumn) => languages.map((language) => `${column}::${language}`);
  const textCells = (text: Record<string, string> | undefined) => languages.map((language) => text?.[language] ?? '');
  const survey: SheetRows = [
    [
      'type',
      'name',
      ...textColumns('label'),
      ...textColumns('hint'),
      'required',
      'relevant',
      'constraint',
      'parameters',
      'weight',
      'acute_danger',
      'offer_fields',
      'answered_by',
      ...textColumns('min_label'),
      ...textColumns('max_label'),
    ],
  ];
  const choices: SheetRows = [['list_name', 'name', ...textColumns('label'), 'weight', 'acute_danger']];
  const blank = languages.map(() => '');
  for (const section of definition.sections) {
    survey.push(['begin group', section.id, ...textCells(section.title), ...blank, '', '', '', '', '', '', '', '', ...blank, ...blank]);
    for (const question of section.questions) {
      const type =
        question.type === 'yesNo'
          ? `select_one ${YES_NO_LIST}`
          : question.type === 'single'
            ? `select_one ${question.id}`
            : question.type === 'multiple'
              ? `select_multiple ${question.id}`
              : question.type === 'scale'
                ? 'range'
                : question.type === 'number'
                  ? 'decimal'
                  : 'text';
      survey.push([
        type,
        question.id,
        ...textCells(question.label),
        ...textCells(question.hint),
        question.required ? 'yes' : '',
        question.showIf ? conditionToRelevant(question.showIf) : '',
        question.range ? `. >= ${String(question.range.min)} and . <= ${String(question.range.max)}` : '',
        question.scale ? `start=${String(question.scale.min)} end=${String(question.scale.max)}` : '',
        formatNumber(question.type === 'yesNo' ? question.weightYes : question.scale?.weightPerStep),
        question.acuteDangerIfYes ? 'yes' : '',
        (question.offerFields ?? []).join(' '),
        question.answeredBy ?? '',
        ...textCells(question.scale?.minLabel),
        ...textCells(question.scale?.maxLabel),
      ]);
      // One list per question: each question's options carry their own weights.
      for (const option of question.options ?? []) {
        choices.push([question.id, option.id, ...textCells(option.label), formatNumber(option.weight), option.acuteDanger ? 'yes' : '']);
      }
    }
    survey.push(['end group', '', ...blank, ...blank, '', '', '', '', '', '', '', '', ...blank, ...blank]);
  }
  const hasYesNo = definition.sections.some((section) => section.questions.some((question) => question.type === 'yesNo'));
  if (hasYesNo) {
    // For XLSForm tools that expect the list; Lotse shows its own yes/no.
    const yes: Record<string, string> = { de: 'Ja', en: 'Yes' };
    const no: Record<string, string> = { de: 'Nein', en: 'No' };
    choices.push([YES_NO_LIST, 'yes', ...textCells(yes), '', ''], [YES_NO_LIST, 'no', ...textCells(no), '', '']);
  }
  const { informationOnly, offerRecommended, urgent } = definition.thresholds;
  const settings: SheetRows = [
    ['form_id', 'version', ...textColumns('form_title'), 'threshold_information_only', 'threshold_offer_recommended', 'threshold_urgent'],
    [definition.id, definition.version, ...textCells(definition.title), String(informationOnly), String(offerRecommended), String(urgent)],
  ];
  return { survey, choices, settings };
}
