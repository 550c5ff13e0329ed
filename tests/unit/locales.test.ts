// Every staff-UI language has exactly the keys of the German source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMESPACES } from '../../src/client/i18n/resources';
import { STAFF_LANGUAGES } from '../../src/shared/languages';

const root = join(import.meta.dirname, '../../locales');

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function load(lang: string, ns: string): unknown {
  return JSON.parse(readFileSync(join(root, lang, `${ns}.json`), 'utf8'));
}

describe('locales', () => {
  it('has a file for every namespace and no stray files', () => {
    for (const lang of STAFF_LANGUAGES) {
      const files = readdirSync(join(root, lang)).filter((f) => f.endsWith('.json')).sort();
      expect(files).toEqual(NAMESPACES.map((ns) => `${ns}.json`).sort());
    }
  });

  for (const lang of STAFF_LANGUAGES.filter((l) => l !== 'de')) {
    for (const ns of NAMESPACES) {
      it(`${lang}/${ns} has exactly the German keys, none empty`, () => {
        const source = keys(load('de', ns)).sort();
        const target = load(lang, ns);
        expect(keys(target).sort()).toEqual(source);
        for (const key of keys(target)) {
          const text = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], target);
          expect(typeof text === 'string' && text.trim().length > 0, `${lang}/${ns}:${key}`).toBe(true);
        }
      });
    }
  }
});
