// Translations are complete: every staff-UI language has exactly the keys of
// the German source; every family language has the family-facing texts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMESPACES } from '@client/i18n/resources';
import { FAMILY_LANGUAGES, STAFF_LANGUAGES } from '@shared/languages';

const root = join(import.meta.dirname, '../../locales');
/** Family-facing texts outside i18next namespaces (hashed, see src/shared/consent-texts.ts). */
const FAMILY_FILES = ['consent'];
/**
 * Family-facing parts of i18next namespaces: these exist in every family
 * language (the rest of those namespaces is staff-facing: German and English).
 */
const FAMILY_SECTIONS: readonly { file: string; section: string }[] = [
  { file: 'family', section: 'card' },
  { file: 'family', section: 'slip' },
  { file: 'family', section: 'mode' },
];

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function load(lang: string, file: string): unknown {
  return JSON.parse(readFileSync(join(root, lang, `${file}.json`), 'utf8'));
}

function pick(value: unknown, section: string | undefined): unknown {
  return section === undefined ? value : { [section]: (value as Record<string, unknown>)[section] };
}

function expectSameKeys(lang: string, file: string, section?: string): void {
  const source = keys(pick(load('de', file), section)).sort();
  const target = pick(load(lang, file), section);
  expect(keys(target).sort(), `${lang}/${file}`).toEqual(source);
  for (const key of keys(target)) {
    const text = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], target);
    expect(typeof text === 'string' && text.trim().length > 0, `${lang}/${file}:${key}`).toBe(true);
  }
}

describe('locales', () => {
  it('has a file for every namespace and no stray files in staff languages', () => {
    for (const lang of STAFF_LANGUAGES) {
      const files = readdirSync(join(root, lang))
        .filter((f) => f.endsWith('.json'))
        .sort();
      expect(files).toEqual([...NAMESPACES, ...FAMILY_FILES].map((ns) => `${ns}.json`).sort());
    }
  });

  for (const lang of STAFF_LANGUAGES.filter((l) => l !== 'de')) {
    for (const ns of NAMESPACES) {
      it(`${lang}/${ns} has exactly the German keys, none empty`, () => {
        expectSameKeys(lang, ns);
      });
    }
  }

  for (const lang of FAMILY_LANGUAGES.filter((l) => l !== 'de')) {
    for (const file of FAMILY_FILES) {
      it(`family text ${lang}/${file} exists with exactly the German keys`, () => {
        expect(existsSync(join(root, lang, `${file}.json`))).toBe(true);
        expectSameKeys(lang, file);
      });
    }
    for (const { file, section } of FAMILY_SECTIONS) {
      it(`family text ${lang}/${file} (${section}) exists with exactly the German keys`, () => {
        expect(existsSync(join(root, lang, `${file}.json`))).toBe(true);
        expectSameKeys(lang, file, section);
      });
    }
  }
});
