// Figure 5: the JS + CSS a first visit must load before the app can start —
// index.html's entry script(s), stylesheet(s) and modulepreloads, plus every
// module they import statically (transitively); dynamic import() chunks (the
// other locales, lazily loaded screens) are not counted. Built with the repo's
// vite.config.ts into a temporary directory, so ./dist (used by the e2e suite,
// possibly at this very moment) is left alone.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { fmt, verdict, type Row } from './table';

const REPO = resolve(import.meta.dirname, '../..');
const GOAL_GZIP_BYTES = 175_000;

/** `import … from "x"`, `import "x"` and `export … from "x"`, but not `import("x")` or `import.meta`. */
const STATIC_IMPORT = /(?<![.$\w])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g;

function attributes(tag: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of tag.matchAll(/([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = m[1];
    if (name !== undefined) map.set(name.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  }
  return map;
}

/** URL paths (from the site root) of the initial JS and CSS named by index.html. */
export function initialAssets(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const attrs = attributes(tag.replace(/^<\w+|>$/g, ''));
    const isScript = /^<script/i.test(tag);
    const rel = attrs.get('rel')?.toLowerCase();
    const url = isScript ? attrs.get('src') : attrs.get('href');
    if (url === undefined || /^[a-z]+:/i.test(url)) continue;
    if (isScript ? attrs.get('type') === 'module' : rel === 'stylesheet' || rel === 'modulepreload') found.push(url);
  }
  return found;
}

export interface InitialLoad {
  files: { path: string; raw: number; gzip: number }[];
  raw: number;
  gzip: number;
}

/** Follows static imports from index.html's assets through the built files in `outDir`. */
export function measureInitialLoad(outDir: string): InitialLoad {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const queue = initialAssets(html).map((u) => posix.normalize(posix.join('/', u)));
  const seen = new Set<string>();
  const files: InitialLoad['files'] = [];
  while (queue.length > 0) {
    const path = queue.shift();
    if (path === undefined || seen.has(path)) continue;
    seen.add(path);
    const bytes = readFileSync(join(outDir, path));
    files.push({ path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    if (!path.endsWith('.js')) continue;
    for (const m of bytes.toString('utf8').matchAll(STATIC_IMPORT)) {
      const spec = m[1];
      if (spec === undefined || !(spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/'))) continue;
      const target = spec.startsWith('/') ? posix.normalize(spec) : posix.normalize(posix.join(posix.dirname(path), spec));
      try {
        if (statSync(join(outDir, target)).isFile()) queue.push(target);
      } catch {
        // Not a file of the build (e.g. text inside a string literal that looked like an import).
      }
    }
  }
  return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

export async function runBundleBench(options: { log: (message: string) => void }): Promise<Row[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'lotse-bench-dist-'));
  try {
    options.log('bundle: vite build (vite.config.ts) into a temporary directory');
    await build({ root: REPO, configFile: join(REPO, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    const load = measureInitialLoad(outDir);
    const largest = [...load.files].sort((a, b) => b.gzip - a.gzip)[0];
    options.log(`bundle: ${load.files.map((f) => `${f.path} ${fmt(f.gzip)} B gz`).join(', ')}`);
    return [
      {
        figure: `5 initial JS+CSS, gzip -9 (${String(load.files.length)} files)`,
        value: fmt(load.gzip / 1000, 1),
        unit: 'kB',
        goal: verdict('≤ 175 kB', load.gzip <= GOAL_GZIP_BYTES),
      },
      {
        figure: '5   same, uncompressed (as served without a compressing proxy)',
        value: fmt(load.raw / 1000, 1),
        unit: 'kB',
        goal: 'info',
      },
      ...(largest
        ? [{ figure: `5   largest: ${posix.basename(largest.path)}`, value: fmt(largest.gzip / 1000, 1), unit: 'kB gz', goal: 'info' }]
        : []),
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
