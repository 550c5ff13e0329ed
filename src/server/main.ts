// Entry point: open the database (PostgreSQL if DATABASE_URL, else embedded
// PGlite), migrate, seed demo data on first start, listen.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp } from './app';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { DEMO_ACCOUNTS, DEMO_PARTNER_ACCOUNT, seedDemoData } from './db/demo-seed';
import { serveLocalHttps } from './ops/https-server';

async function openDatabase(): Promise<Database> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) return openPostgres({ connectionString: databaseUrl });
  const dataDir = resolve(process.env['DATA_DIR'] ?? './data/pglite');
  await mkdir(dataDir, { recursive: true });
  return openPglite({ dataDir });
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT is not a port number: ${value ?? ''}`);
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(process.env['PORT']);
  const https = process.env['HTTPS'] === '1' || process.env['HTTPS'] === 'true';
  // Loopback unless told otherwise: in production nginx in front is the only way in
  // (docs/DEPLOYMENT.md). The HTTPS trial listens on this machine's addresses for a tablet.
  const host = process.env['HOST'] ?? (https ? '0.0.0.0' : '127.0.0.1');
  const staticDir = resolve(process.env['STATIC_DIR'] ?? './dist');

  const db = await openDatabase();
  const { applied } = await migrate(db);
  const seeded = await seedDemoData(db);

  const app = buildApp({
    db,
    logger: process.env['LOG_REQUESTS'] !== 'false',
    trustProxy: process.env['TRUST_PROXY'] === 'true',
    ...(existsSync(`${staticDir}/index.html`) ? { staticDir } : {}),
  });

  let closeHttps: () => Promise<void> = () => Promise.resolve();
  const shutdown = (signal: string): void => {
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => closeHttps())
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let url = `http://${shownHost}:${port}/`;
  const httpsLines: string[] = [];
  if (https) {
    const served = await serveLocalHttps(app, { port, host, tlsDir: resolve(process.env['TLS_DIR'] ?? './data/tls') });
    closeHttps = served.close;
    url = served.url;
    httpsLines.push(...served.lines);
  } else {
    await app.listen({ port, host });
  }
  const lines = [
    `Lotse backend on ${url} (database: ${db.kind}${applied.length > 0 ? `, applied migrations ${applied.join(', ')}` : ''})`,
    ...httpsLines,
  ];
  if (!https && host === '127.0.0.1') lines.push('Reachable from this computer only; for a tablet in the local network: npm run start:https (README).');
  if (!existsSync(`${staticDir}/index.html`)) lines.push(`No built PWA in ${staticDir}: API only (run npm run build).`);
  if (seeded) {
    lines.push(
      '',
      'First start: seeded the demo municipality "Demo-Stadt". Sign in at',
      `  ${url}`,
      ...[...DEMO_ACCOUNTS, DEMO_PARTNER_ACCOUNT].map((a) => `  ${a.username.padEnd(14)} password ${a.password}   (${a.roles.join(', ')})`),
      '',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (seeded) {
    console.warn('WARNING: these are PUBLIC DEMO passwords. Never put real family data on this instance.');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
