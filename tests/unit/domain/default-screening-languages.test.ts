// The default screening speaks every family language (issue 21, item 2): each
// title, label, hint, option and scale end exists in de, en, ar, fa, ru, pl, fr,
// tr and uk, no translation is the German text copied, each language is written
// in its own script, and the definition check with the family-language rule
// accepts the default even when every question is marked for the family.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultScreening from '@domain/default-screening.json';
import { loadQuestionnaire, type QuestionnaireDefinition } from '@domain/questionnaire';
import { FAMILY_LANGUAGES } from '@shared/languages';

type Text = Readonly<Record<string, string>>;

function loaded(): QuestionnaireDefinition {
  const result = loadQuestionnaire(defaultScreening);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

/** Every text of a definition with where it sits. */
function textsOf(definition: QuestionnaireDefinition): [string, Text][] {
  const texts: [string, Text][] = [['title', definition.title]];
  for (const section of definition.sections) {
    texts.push([`section ${section.id}`, section.title]);
    for (const q of section.questions) {
      texts.push([`${q.id}.label`, q.label]);
      if (q.hint) texts.push([`${q.id}.hint`, q.hint]);
      for (const option of q.options ?? []) texts.push([`${q.id}.${option.id}`, option.label]);
      if (q.scale?.minLabel) texts.push([`${q.id}.minLabel`, q.scale.minLabel]);
      if (q.scale?.maxLabel) texts.push([`${q.id}.maxLabel`, q.scale.maxLabel]);
    }
  }
  return texts;
}

/** A copy of the raw definition in which the family answers every question. */
function everyQuestionForTheFamily(raw: unknown): unknown {
  const copy = structuredClone(raw) as { sections: { questions: Record<string, unknown>[] }[] };
  for (const section of copy.sections) for (const question of section.questions) question.answeredBy = 'family';
  return copy;
}

const definition = loaded();
const texts = textsOf(definition);
const TRANSLATIONS = FAMILY_LANGUAGES.filter((language) => language !== 'de');

/** Words kept in German or Latin letters on purpose: the child-protection service's name and two benefits' official names. */
const KEPT_NAMES = /\b(ASD|Elterngeld|Kindergeld)\b/g;

describe('the default screening in the nine family languages', () => {
  it('is a new version, since a shipped version never changes', () => {
    expect(definition.version).toBe('2026.2');
  });

  it('has every title, label, hint, option and scale end in all nine languages, and no other language', () => {
    expect(texts.length).toBeGreaterThan(120);
    const missing = texts.flatMap(([where, text]) =>
      FAMILY_LANGUAGES.filter((language) => !text[language]?.trim()).map((language) => `${where}: ${language}`),
    );
    expect(missing).toEqual([]);
    const extra = texts.flatMap(([where, text]) =>
      Object.keys(text)
        .filter((language) => !(FAMILY_LANGUAGES as readonly string[]).includes(language))
        .map((language) => `${where}: ${language}`),
    );
    expect(extra).toEqual([]);
  });

  it('has no translation that is the German text copied (only a text without letters, such as a number, may stay the same)', () => {
    const copied = texts.flatMap(([where, text]) =>
      TRANSLATIONS.filter((language) => text[language] === text.de && /\p{L}/u.test(text.de ?? '')).map(
        (language) => `${where}: ${language}`,
      ),
    );
    expect(copied).toEqual([]);
  });

  it('writes each language in its own script', () => {
    const wrongScript: string[] = [];
    const expect_ = (where: string, language: string, ok: boolean) => {
      if (!ok) wrongScript.push(`${where}: ${language}`);
    };
    for (const [where, text] of texts) {
      const bare = (language: string) => (text[language] ?? '').replace(KEPT_NAMES, '');
      // Arabic and Persian: Arabic script only, besides the kept names.
      for (const language of ['ar', 'fa'])
        expect_(where, language, /\p{Script=Arabic}/u.test(bare(language)) && !/\p{Script=Latin}/u.test(bare(language)));
      // Persian letters (پ چ ژ گ, Persian ی and ک) never in the Arabic; Arabic ي and ك never in the Persian.
      expect_(where, 'ar', !/[پچژگیک]/u.test(bare('ar')));
      expect_(where, 'fa', !/[يك]/u.test(bare('fa')));
      // Russian and Ukrainian: Cyrillic, and each without the other's own letters.
      for (const language of ['ru', 'uk'])
        expect_(where, language, /\p{Script=Cyrillic}/u.test(bare(language)) && !/\p{Script=Latin}/u.test(bare(language)));
      expect_(where, 'uk', !/[ыэъё]/iu.test(bare('uk')));
      expect_(where, 'ru', !/[іїєґ]/iu.test(bare('ru')));
      // Latin-script languages carry no other script.
      for (const language of ['en', 'pl', 'fr', 'tr'])
        expect_(where, language, !/\p{Script=Arabic}|\p{Script=Cyrillic}/u.test(text[language] ?? ''));
    }
    expect(wrongScript).toEqual([]);
  });

  it('keeps Russian and Ukrainian apart: no text of two or more words is the same in both', () => {
    const same = texts.filter(([, text]) => text.ru === text.uk && (text.ru ?? '').trim().includes(' ')).map(([where]) => where);
    expect(same).toEqual([]);
  });

  it('passes the definition check with every family language, all together and one at a time, even with every question for the family', () => {
    const forFamily = everyQuestionForTheFamily(defaultScreening);
    const all = loadQuestionnaire(forFamily, { familyLanguages: FAMILY_LANGUAGES });
    expect(all.ok ? [] : all.problems).toEqual([]);
    for (const language of FAMILY_LANGUAGES) {
      const one = loadQuestionnaire(forFamily, { familyLanguages: [language] });
      expect(one.ok ? [] : one.problems, language).toEqual([]);
    }
    expect(loadQuestionnaire(defaultScreening, { familyLanguages: FAMILY_LANGUAGES }).ok).toBe(true);
  });

  it('is still refused by that check when one translation is taken out (the check above can fail)', () => {
    const forFamily = everyQuestionForTheFamily(defaultScreening) as {
      sections: { questions: { id: string; options?: { id: string; label: Record<string, string> }[] }[] }[];
    };
    const feeding = forFamily.sections.flatMap((s) => s.questions).find((q) => q.id === 'feeding');
    const difficult = feeding?.options?.find((o) => o.id === 'difficult');
    if (!difficult) throw new Error('feeding.difficult not found');
    delete difficult.label.uk;
    const result = loadQuestionnaire(forFamily, { familyLanguages: FAMILY_LANGUAGES });
    expect(result.ok ? [] : result.problems).toEqual([
      'question "feeding": option "difficult" lacks the family language(s) uk (a family answers it)',
    ]);
  });

  it('differs from the shipped 2026.1 only by the seven added translations and who answers each question', () => {
    const golden = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/questionnaire-golden/birth-clinic-screening@2026.1.json'), 'utf8'),
    ) as { definition: unknown };
    const withoutAdded = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(withoutAdded);
      if (!value || typeof value !== 'object') return value;
      const entries = Object.entries(value as Record<string, unknown>);
      const isText = 'de' in value && entries.every(([, v]) => typeof v === 'string');
      return Object.fromEntries(
        entries
          .filter(([key]) => !(isText && (TRANSLATIONS as readonly string[]).includes(key) && key !== 'en'))
          .filter(([key]) => key !== 'answeredBy')
          .map(([k, v]) => [k, withoutAdded(v)]),
      );
    };
    expect({ ...(withoutAdded(definition) as object), version: '2026.1' }).toEqual(golden.definition);
  });
});
