// The municipality's screening questionnaire on this tablet, with "keep the
// last good one": a pulled definition is checked again here (defence in depth —
// it may be of a newer format than this app knows, or damaged) and replaces
// the cached one only if it passes; otherwise the last good one (or the
// built-in default) stays in use and the refusal is kept for a notice.
// In clear in `meta`: a definition holds no case or family data.
import { z } from 'zod';
import { loadQuestionnaire, type LoadResult } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';
import { activeQuestionnaireResponseSchema, type PulledQuestionnaire } from '@shared/questionnaire-api';
import type { LotseDatabase } from './LotseDatabase';

const KEYS = { lastGood: 'questionnaire.lastGood', refused: 'questionnaire.refused' } as const;

const pulledSchema = activeQuestionnaireResponseSchema.shape.questionnaire.unwrap();
const refusedSchema = z.strictObject({
  definitionId: z.string(),
  version: z.string(),
  problems: z.array(z.string()),
  refusedAt: z.string(),
});
export type RefusedQuestionnaire = z.infer<typeof refusedSchema>;

export interface CurrentQuestionnaire {
  loaded: LoadResult;
  /** 'municipality': the last good definition pulled; 'default': the built-in one. */
  source: 'municipality' | 'default';
  /** The last definition that could not be used (for a non-blocking notice), or null. */
  refused: RefusedQuestionnaire | null;
}

export type AcceptOutcome = 'accepted' | 'unchanged' | 'refused' | 'default';

/** Checks a pulled definition: the domain validator, and the hash the server stated. */
async function check(pulled: PulledQuestionnaire): Promise<string[]> {
  const loaded = loadQuestionnaire(pulled.definition);
  if (!loaded.ok) return loaded.problems;
  if ((await contentHash(loaded.definition)) !== pulled.definitionHash) return ['the definition does not match its stated hash'];
  if (loaded.definition.id !== pulled.definitionId || loaded.definition.version !== pulled.version)
    return ['id or version differ from the definition'];
  return [];
}

export class QuestionnaireStore {
  constructor(private readonly db: LotseDatabase) {}

  /** Applies a pull: null means the municipality has none (the built-in default applies). */
  async accept(pulled: PulledQuestionnaire | null, now: Date = new Date()): Promise<AcceptOutcome> {
    if (pulled === null) {
      await this.db.meta.bulkDelete([KEYS.lastGood, KEYS.refused]);
      return 'default';
    }
    const problems = await check(pulled);
    if (problems.length > 0) {
      const refused: RefusedQuestionnaire = {
        definitionId: pulled.definitionId,
        version: pulled.version,
        problems,
        refusedAt: now.toISOString(),
      };
      const previous = refusedSchema.safeParse((await this.db.meta.get(KEYS.refused))?.value);
      const same = previous.success && previous.data.definitionId === refused.definitionId && previous.data.version === refused.version;
      if (!same) await this.db.meta.put({ key: KEYS.refused, value: refused });
      return 'refused';
    }
    const stored = await this.lastGood();
    const hadRefusal = (await this.db.meta.get(KEYS.refused)) !== undefined;
    if (stored?.definitionHash === pulled.definitionHash && !hadRefusal) return 'unchanged';
    await this.db.transaction('rw', this.db.meta, async () => {
      await this.db.meta.put({ key: KEYS.lastGood, value: pulled });
      await this.db.meta.delete(KEYS.refused);
    });
    return 'accepted';
  }

  /** The definition to use now: the last good one if it (still) passes, else `builtIn`. */
  async current(builtIn: LoadResult): Promise<CurrentQuestionnaire> {
    const refusedRow = refusedSchema.safeParse((await this.db.meta.get(KEYS.refused))?.value);
    let refused = refusedRow.success ? refusedRow.data : null;
    const stored = await this.lastGood();
    if (stored) {
      const loaded = loadQuestionnaire(stored.definition);
      if (loaded.ok) return { loaded, source: 'municipality', refused };
      // Cached by an older app whose format this one no longer accepts: the default, with a notice.
      refused ??= {
        definitionId: stored.definitionId,
        version: stored.version,
        problems: loaded.problems,
        refusedAt: new Date().toISOString(),
      };
    }
    return { loaded: builtIn, source: 'default', refused };
  }

  private async lastGood(): Promise<PulledQuestionnaire | undefined> {
    const parsed = pulledSchema.safeParse((await this.db.meta.get(KEYS.lastGood))?.value);
    return parsed.success ? parsed.data : undefined;
  }
}
