#!/usr/bin/env node
// Part of `npm run build`: writes the CycloneDX bill of materials of the runtime
// dependencies to sbom/lotse.cdx.json — beside dist/, not in it, so the backend
// does not serve it and the service worker does not precache it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// npm >= 10 has `npm sbom`; it reads package-lock.json and node_modules, no network.
// Its own `--omit dev` also drops runtime packages that a dev tool depends on too
// (react, zod, tsx with npm 11.19), so the full bill is filtered here by npm's own dev flag.
const run = spawnSync(npm, ['sbom', '--sbom-format', 'cyclonedx'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (run.status !== 0) {
  console.error(`npm sbom failed (npm >= 10 needed): ${run.stderr}`);
  process.exit(1);
}
const bom = JSON.parse(run.stdout);
const isDevelopment = (component) =>
  (component.properties ?? []).some((p) => p.name === 'cdx:npm:package:development' && p.value === 'true');
const dropped = new Set(bom.components.filter(isDevelopment).map((c) => c['bom-ref']));
bom.components = bom.components.filter((c) => !dropped.has(c['bom-ref']));
bom.dependencies = (bom.dependencies ?? [])
  .filter((d) => !dropped.has(d.ref))
  .map((d) => ({ ...d, dependsOn: (d.dependsOn ?? []).filter((ref) => !dropped.has(ref)) }));
mkdirSync(join(root, 'sbom'), { recursive: true });
const target = join(root, 'sbom', 'lotse.cdx.json');
writeFileSync(target, `${JSON.stringify(bom, null, 2)}\n`);
console.warn(`SBOM: ${String(bom.components?.length ?? 0)} components (CycloneDX ${String(bom.specVersion)}) in sbom/lotse.cdx.json`);
