// Scores recompute identically from any stored answer set and its definition
// version. For every questionnaire version Lotse has shipped there is a frozen
// copy of the definition and a set of answer sets with the score, support need,
// acute danger, open required questions, offer fields and per-answer points it
// gave when it shipped (tests/fixtures/questionnaire-golden/<id>@<version>.json).
// A change to the scoring code that moves any of them fails here; a change to
// the shipped definition without a new version fails here too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import { explainScore, loadQuestionnaire, type Answers } from '@domain/questionnaire';
import { contentHash } from '@shared/content-hash';

interface GoldenCase {
  name: string;
  answers: Answers;
  expected: {
    score: number;
    supportNeed: string;
    acuteDanger: string[];
    missing: string[];
    offerFields: string[];
    points: Record<string, number>;
  };
}
interface GoldenVersion {
  definitionId: string;
  version: string;
  definitionHash: string;
  definition: unknown;
  cases: GoldenCase[];
}

const folder = join(import.meta.dirname, '../../fixtures/questionnaire-golden');
const versions: [string, GoldenVersion][] = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => [file, JSON.parse(readFileSync(join(folder, file), 'utf8')) as GoldenVersion]);

describe('golden scores of every shipped questionnaire version', () => {
  it('has a golden file for the version this app ships, with the very same content', async () => {
    const shipped = loadQuestionnaire(defaultScreening);
    if (!shipped.ok) throw new Error(shipped.problems.join('; '));
    const golden = versions.find(([, v]) => v.definitionId === shipped.definition.id && v.version === shipped.definition.version);
    expect(golden, `no golden file for ${shipped.definition.id}@${shipped.definition.version}: add one`).toBeDefined();
    // A shipped version is immutable: changed content needs a new version (and a new golden file).
    expect(await contentHash(shipped.definition)).toBe(golden?.[1].definitionHash);
  });

  for (const [file, golden] of versions) {
    describe(file, () => {
      it('is named after its definition and its frozen copy still loads with that hash', async () => {
        expect(file).toBe(`${golden.definitionId}@${golden.version}.json`);
        const loaded = loadQuestionnaire(golden.definition);
        if (!loaded.ok) throw new Error(loaded.problems.join('; '));
        expect(await contentHash(loaded.definition)).toBe(golden.definitionHash);
        expect(golden.cases.some((c) => c.expected.acuteDanger.length > 0)).toBe(true);
      });

      const loaded = loadQuestionnaire(golden.definition);
      for (const goldenCase of golden.cases) {
        it(`recomputes: ${goldenCase.name}`, () => {
          if (!loaded.ok) throw new Error('frozen definition does not load');
          const explained = explainScore(loaded.definition, goldenCase.answers);
          expect({
            score: explained.score,
            supportNeed: explained.supportNeed,
            acuteDanger: explained.acuteDanger,
            missing: explained.missing,
            offerFields: explained.offerFields,
            points: Object.fromEntries(explained.contributions.filter((c) => c.points !== 0).map((c) => [c.questionId, c.points])),
          }).toEqual(goldenCase.expected);
        });
      }
    });
  }
});
