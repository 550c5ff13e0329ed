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
  const host = process.env['HOST'] ?? '0.0.0.0';
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

  const shutdown = (signal: string): void => {
    app.log.info({ signal }, 'shutting down');
    app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  await app.listen({ port, host });
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const url = `http://${shownHost}:${port}/`;
  const lines = [
    `Lotse backend on ${url} (database: ${db.kind}${applied.length > 0 ? `, applied migrations ${applied.join(', ')}` : ''})`,
  ];
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
