// Municipality-adapted screening questionnaires (docs/QUESTIONNAIRE.md). An
// upload is checked with the domain validator — a broken definition is refused
// with every problem named and nothing changes — and becomes the
// municipality's active definition. A version is immutable. Organisation data only.
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { loadQuestionnaire } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';
import type { SessionUser } from '@shared/protocol';
import type { ActiveQuestionnaireResponse, QuestionnaireSummary } from '@shared/questionnaire-api';
import { ServiceError } from './service-error';
import { audit } from './audit';
import { QUESTIONNAIRE_LOCK_SEED } from '../db/advisory-locks';

export const QUESTIONNAIRE_INVALID_MESSAGE = 'The questionnaire definition is invalid; nothing was changed.';
export const QUESTIONNAIRE_VERSION_TAKEN_MESSAGE =
  'This definition id and version already exist with other content; a version is never changed — give it a new version.';

export class QuestionnaireService {
  constructor(private readonly db: Database) {}

  /** Checks, stores and activates a definition for the caller's municipality. */
  async upload(user: SessionUser, raw: unknown): Promise<QuestionnaireSummary> {
    const loaded = loadQuestionnaire(raw);
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
