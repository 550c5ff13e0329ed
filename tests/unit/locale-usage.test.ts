// Every text in the German source is used by the app: a key nobody renders is
// a translation burden and usually a sign of a forgotten screen. A key counts
// as used when its full name appears as a string in src/client, or when a
// template literal builds it from a prefix (t(`topics.${topic}`)).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAMESPACES } from '@client/i18n/resources';

const root = join(import.meta.dirname, '../..');
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry) ? [path] : [];
  });
}

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

const source = sourceFiles(join(root, 'src/client'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const literals = new Set([...source.matchAll(/['"`]([A-Za-z0-9_.:-]+)['"`]/g)].map((m) => m[1] ?? ''));
const templatePrefixes = [...source.matchAll(/`([A-Za-z0-9_.:-]*)\$\{/g)].map((m) => m[1] ?? '').filter((p) => p.length > 0);

function used(ns: string, key: string): boolean {
  const base = key.replace(PLURAL_SUFFIX, '');
  const names = [base, `${ns}:${base}`];
  if (names.some((name) => literals.has(name))) return true;
  return templatePrefixes.some((prefix) => names.some((name) => name.startsWith(prefix) && prefix.includes('.')));
}

describe('locale keys', () => {
  for (const ns of NAMESPACES) {
    it(`every key of de/${ns} is used by the app`, () => {
      const all = keys(JSON.parse(readFileSync(join(root, 'locales/de', `${ns}.json`), 'utf8')));
      expect(all.filter((key) => !used(ns, key))).toEqual([]);
    });
  }
});
