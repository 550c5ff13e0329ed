// Municipality-adapted screening questionnaires (docs/QUESTIONNAIRE.md). An
// upload is checked with the domain validator — a broken definition is refused
// with every problem named and nothing changes — and becomes the
// municipality's active definition. A version is immutable. Organisation data only.
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { loadQuestionnaire, type QuestionnaireDefinition } from '@domain/questionnaire';
import defaultScreening from '@domain/default-screening.json';
import { definitionToSheets, sheetsToDefinition, type XlsFormResult } from '@domain/questionnaire-xlsform';
import { contentHash } from '@shared/content-hash';
import { FAMILY_LANGUAGES } from '@shared/languages';
import type { SessionUser } from '@shared/protocol';
import type {
  ActiveQuestionnaireResponse,
  QuestionnaireSummary,
  QuestionnaireXlsxExport,
  QuestionnaireXlsxPreview,
  XlsFormProblem,
} from '@shared/questionnaire-api';
import { UnreadableQuestionnaireFile, sheetsToXlsx, xlsxToSheets } from './questionnaire-xlsx-io';
import { ServiceError } from './service-error';
import { audit } from './audit';
import { QUESTIONNAIRE_LOCK_SEED } from '../db/advisory-locks';

export const QUESTIONNAIRE_INVALID_MESSAGE = 'The questionnaire definition is invalid; nothing was changed.';
export const QUESTIONNAIRE_VERSION_TAKEN_MESSAGE =
  'This definition id and version already exist with other content; a version is never changed — give it a new version.';

export const QUESTIONNAIRE_FILE_INVALID_MESSAGE = 'The questionnaire spreadsheet has problems; nothing was changed.';

/**
 * The languages a municipality offers families: every family language Lotse has (the tablet lets a family
 * choose any of them), so a question the family answers needs its texts in all of them.
 */
const MUNICIPALITY_FAMILY_LANGUAGES = FAMILY_LANGUAGES;
/** A preview lists this many problems at most (a wrong file can have thousands). */
const MAX_LISTED_PROBLEMS = 100;

export class QuestionnaireService {
  constructor(private readonly db: Database) {}

  /** Checks, stores and activates a definition for the caller's municipality. */
  async upload(user: SessionUser, raw: unknown): Promise<QuestionnaireSummary> {
    const loaded = loadQuestionnaire(raw, { familyLanguages: MUNICIPALITY_FAMILY_LANGUAGES });
    if (!loaded.ok) {
      throw new ServiceError(
        422,
        'invalidRequest',
        QUESTIONNAIRE_INVALID_MESSAGE,
        loaded.problems.map((problem) => ({ path: 'definition', message: problem })),
      );
    }
    const { definition } = loaded;
    const hash = await contentHash(definition);
    return this.db.transaction(async (tx) => {
      // One upload per municipality at a time: the active flag moves atomically.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || '/questionnaire', ${QUESTIONNAIRE_LOCK_SEED}))`, [
        user.municipalityId,
      ]);
      const [existing] = await tx.query<{ definition_hash: string }>(
        'SELECT definition_hash FROM questionnaire_definitions WHERE municipality_id = $1 AND definition_id = $2 AND version = $3',
        [user.municipalityId, definition.id, definition.version],
      );
      if (existing && existing.definition_hash !== hash) throw new ServiceError(409, 'conflict', QUESTIONNAIRE_VERSION_TAKEN_MESSAGE);
      await tx.query('UPDATE questionnaire_definitions SET active = false WHERE municipality_id = $1 AND active', [user.municipalityId]);
      const [row] = await tx.query<{ uploaded_at: unknown }>(
        `INSERT INTO questionnaire_definitions (municipality_id, definition_id, version, definition_hash, definition, uploaded_by, active)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, true)
         ON CONFLICT (municipality_id, definition_id, version) DO UPDATE SET active = true
         RETURNING uploaded_at`,
        [user.municipalityId, definition.id, definition.version, hash, JSON.stringify(definition), user.id],
      );
      await audit(tx, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'questionnaire.activated',
        objectId: `${definition.id}@${definition.version}`,
      });
      return {
        definitionId: definition.id,
        version: definition.version,
        definitionHash: hash,
        uploadedAt: toIsoTimestamp(row?.uploaded_at),
      };
    });
  }

  /** An XLSForm-style .xlsx (base64) as a definition, or every problem in it. */
  private async convertXlsx(base64: string): Promise<XlsFormResult> {
    try {
      const sheets = await xlsxToSheets(Buffer.from(base64, 'base64'));
      return sheetsToDefinition(sheets, { familyLanguages: MUNICIPALITY_FAMILY_LANGUAGES });
    } catch (error) {
      if (!(error instanceof UnreadableQuestionnaireFile)) throw error;
      const unreadable: XlsFormProblem = { sheet: null, row: null, column: null, value: null, problem: 'unreadableFile', detail: null };
      return { ok: false, problems: [unreadable] };
    }
  }

  /** What uploading the spreadsheet would activate, or every problem in it; writes nothing. */
  async previewXlsx(user: SessionUser, base64: string): Promise<QuestionnaireXlsxPreview> {
    const converted = await this.convertXlsx(base64);
    if (!converted.ok) {
      return {
        problems: converted.problems.slice(0, MAX_LISTED_PROBLEMS),
        moreProblems: converted.problems.length > MAX_LISTED_PROBLEMS,
        definition: null,
      };
    }
    const { definition } = converted;
    const [existing] = await this.db.query<{ found: number }>(
      'SELECT 1 AS found FROM questionnaire_definitions WHERE municipality_id = $1 AND definition_id = $2 AND version = $3',
      [user.municipalityId, definition.id, definition.version],
    );
    const questions = definition.sections.flatMap((section) => section.questions);
    const languages = new Set(questions.flatMap((question) => Object.keys(question.label)));
    return {
      problems: [],
      moreProblems: false,
      definition: {
        definitionId: definition.id,
        version: definition.version,
        sections: definition.sections.length,
        questions: questions.length,
        familyQuestions: questions.filter((question) => question.answeredBy === 'family').length,
        languages: [...languages],
        versionExists: existing !== undefined,
      },
    };
  }

  /** Converts the spreadsheet and uploads the definition as upload() does; any problem → 422 with every problem, nothing stored. */
  async uploadXlsx(user: SessionUser, base64: string): Promise<QuestionnaireSummary> {
    const converted = await this.convertXlsx(base64);
    if (!converted.ok) {
      throw new ServiceError(
        422,
        'invalidRequest',
        QUESTIONNAIRE_FILE_INVALID_MESSAGE,
        converted.problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => ({
          // Where and what only: the sheet, row and column header and the kind; the coordinator sees the values in the preview.
          path: [problem.sheet ?? 'file', problem.row === null ? null : `row${String(problem.row)}`, problem.column]
            .filter((part) => part !== null)
            .join('.'),
          message: problem.detail ?? problem.problem,
        })),
      );
    }
    return this.upload(user, converted.definition);
  }

  /** The active definition (or the built-in default) as an XLSForm-style .xlsx. */
  async exportXlsx(user: SessionUser): Promise<QuestionnaireXlsxExport> {
    const { questionnaire } = await this.active(user);
    const loaded = loadQuestionnaire(questionnaire?.definition ?? defaultScreening);
    // A stored definition passed this check at upload; the built-in default passes it in its tests.
    if (!loaded.ok) throw new Error('The active questionnaire cannot be read.');
    const definition: QuestionnaireDefinition = loaded.definition;
    const file = await sheetsToXlsx(definitionToSheets(definition));
    return { fileName: `${definition.id}-${definition.version}.xlsx`, base64: file.toString('base64') };
  }

  /** The caller's municipality's active definition, or null (tablets then use the built-in default). */
  async active(user: SessionUser): Promise<ActiveQuestionnaireResponse> {
    const [row] = await this.db.query<{ definition_id: string; version: string; definition_hash: string; definition: unknown }>(
      `SELECT definition_id, version, definition_hash, definition FROM questionnaire_definitions
        WHERE municipality_id = $1 AND active`,
      [user.municipalityId],
    );
    if (!row) return { questionnaire: null };
    const definition = typeof row.definition === 'string' ? (JSON.parse(row.definition) as unknown) : row.definition;
    return {
      questionnaire: {
        definitionId: row.definition_id,
        version: row.version,
        definitionHash: row.definition_hash,
        definition: definition as Record<string, unknown>,
      },
    };
  }
}
