// The bill of materials each build writes (scripts/sbom.mjs): CycloneDX, the
// runtime dependencies with versions and package URLs, no build or test tooling,
// and outside dist/ so neither the backend nor the service worker hands it out.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Bom {
  bomFormat: string;
  specVersion: string;
  components: { name: string; version: string; purl?: string }[];
}

describe('SBOM', () => {
  it('lists the runtime dependencies in CycloneDX, without the tooling', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/sbom.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const bom = JSON.parse(readFileSync(join(ROOT, 'sbom/lotse.cdx.json'), 'utf8')) as Bom;
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(Number(bom.specVersion)).toBeGreaterThanOrEqual(1.4);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const names = new Set(bom.components.map((c) => c.name));
    for (const dependency of Object.keys(pkg.dependencies)) expect(names, dependency).toContain(dependency);
    for (const tool of ['vitest', 'eslint', 'vite', 'playwright-core']) expect(names.has(tool), tool).toBe(false);
    const fastify = bom.components.find((c) => c.name === 'fastify');
    expect(fastify?.purl).toMatch(/^pkg:npm\/fastify@\d+\.\d+\.\d+/);
  });
});
