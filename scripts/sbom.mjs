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
const run = spawnSync(npm, ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (run.status !== 0) {
  console.error(`npm sbom failed (npm >= 10 needed): ${run.stderr}`);
  process.exit(1);
}
const bom = JSON.parse(run.stdout);
mkdirSync(join(root, 'sbom'), { recursive: true });
const target = join(root, 'sbom', 'lotse.cdx.json');
writeFileSync(target, `${JSON.stringify(bom, null, 2)}\n`);
console.warn(`SBOM: ${String(bom.components?.length ?? 0)} components (CycloneDX ${String(bom.specVersion)}) in sbom/lotse.cdx.json`);
