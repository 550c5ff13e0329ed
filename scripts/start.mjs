#!/usr/bin/env node
// `npm start`: builds the PWA when the build is missing or older than its
// sources, then starts the referral backend (embedded PGlite in ./data unless
// DATABASE_URL is set) serving the app and /api on http://localhost:8080.
// `--https` (npm run start:https, or HTTPS=1): HTTPS with a local certificate in
// ./data/tls, reachable from a tablet in the local network (README).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'index.html');
const sources = ['src/client', 'src/shared', 'src/domain', 'locales', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path) {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(full).reduce((max, entry) => Math.max(max, newestMtime(join(path, entry))), stat.mtimeMs);
}

const needsBuild = !existsSync(built) || statSync(built).mtimeMs < Math.max(...sources.map(newestMtime));
if (needsBuild) {
  console.log('Building the tablet app (vite build) …');
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'server', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { STATIC_DIR: join(root, 'dist'), ...process.env, ...(process.argv.includes('--https') ? { HTTPS: '1' } : {}) },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
