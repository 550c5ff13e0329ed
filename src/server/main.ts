// Entry point: open the database (PostgreSQL if DATABASE_URL, else embedded
// PGlite), migrate, seed demo data on first start, listen.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_FLEET_WARNING_DAYS, MAX_FLEET_WARNING_DAYS } from '@shared/fleet';
import { buildApp, type OverloadPolicy } from './app';
import { Lifecycle } from './http/health-routes';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { assertApplicationRole } from './db/application-role';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { DEMO_ACCOUNTS, DEMO_PARTNER_ACCOUNT, seedDemoData } from './db/demo-seed';
import { serveLocalHttps } from './ops/https-server';
import { loadServerKeys } from './ops/server-key';
import { installServerKeys, UnknownServerKeyError } from './services/content-seal';
import { assertKeysKnown, reencryptAll } from './jobs/reencrypt';
import { retentionFromEnv } from './services/retention-service';

function embeddedDataDir(): string {
  return resolve(process.env['DATA_DIR'] ?? './data/pglite');
}

/**
 * The owner (migrations, the demo seed) and the server's handle, which works as the application
 * role lotse_app (migration 027) so that row-level security binds it:
 * - MIGRATION_DATABASE_URL (owner) and DATABASE_URL (signs in as lotse_app): production.
 * - DATABASE_URL alone (owner or superuser): the server's connections switch to lotse_app
 *   (SET ROLE) — for development and CI; the role could be switched back by SQL the server sent.
 * - neither: the embedded PGlite, the same switch on its one connection.
 */
async function openDatabases(): Promise<{ owner: Database; server: Database }> {
  const databaseUrl = process.env['DATABASE_URL'];
  const migrationUrl = process.env['MIGRATION_DATABASE_URL'];
  if (migrationUrl !== undefined && migrationUrl !== '') {
    if (!databaseUrl) throw new Error('MIGRATION_DATABASE_URL is set but DATABASE_URL (the application role lotse_app) is not.');
    return {
      owner: openPostgres({ connectionString: migrationUrl, max: 2 }),
      server: openPostgres({ connectionString: databaseUrl, as: 'application' }),
    };
  }
  if (databaseUrl) {
    return {
      owner: openPostgres({ connectionString: databaseUrl, max: 2 }),
      server: openPostgres({ connectionString: databaseUrl, as: 'switchToApplication' }),
    };
  }
  const dataDir = embeddedDataDir();
  await mkdir(dataDir, { recursive: true });
  const owner = await openPglite({ dataDir });
  return { owner, server: owner.forApplication() };
}

/**
 * The server key (content at rest, services/content-seal.ts): configured, or for the embedded
 * default generated next to the database on first start. Refuses to start when rows are sealed
 * under a key id it was not given; seals rows still clear and moves rows to the active key.
 */
async function prepareServerKey(db: Database): Promise<string> {
  const loaded = await loadServerKeys(
    process.env,
    db.kind === 'pglite' ? { generatedFile: join(dirname(embeddedDataDir()), 'server-key') } : {},
  );
  if (loaded.generated) {
    process.stdout.write(
      `Generated a server key in ${loaded.source} (mode 0600): it encrypts record content at rest. Keep it with the data (and apart from backups); without it the database cannot be read.\n`,
    );
  }
  installServerKeys(loaded.keyring);
  await assertKeysKnown(db, loaded.keyring);
  const shown = `Content at rest sealed with server key "${loaded.keyring.active.keyId}" from ${loaded.source}${loaded.generated ? ' (generated on this start)' : ''}.`;
  if (process.env['REENCRYPT_AT_START'] === 'false') return shown;
  const moved = await reencryptAll(db, {
    onProgress: ({ table, done, total }) => {
      process.stdout.write(`Re-encrypting ${table} under server key "${loaded.keyring.active.keyId}": ${String(done)}/${String(total)}\n`);
    },
  });
  const total = [...moved.values()].reduce((a, b) => a + b, 0);
  if (total > 0) process.stdout.write(`Re-encrypted ${String(total)} rows under server key "${loaded.keyring.active.keyId}".\n`);
  return shown;
}

/**
 * Which proxies to believe about the client address (X-Forwarded-For): a hop
 * count or a list of proxy addresses. A bare `TRUST_PROXY=true` would believe
 * any address a client writes into the header, which defeats the sign-in limits.
 */
function parseTrustProxy(env: NodeJS.ProcessEnv): number | string[] | false {
  if (env['TRUST_PROXY'] !== undefined && env['TRUST_PROXY'] !== 'false') {
    throw new Error(
      'TRUST_PROXY is no longer read: set TRUST_PROXY_HOPS=<number of proxies in front> or ' +
        'TRUST_PROXY_ADDRESSES=<comma-separated proxy addresses or CIDRs> instead.',
    );
  }
  const hops = env['TRUST_PROXY_HOPS'];
  const addresses = env['TRUST_PROXY_ADDRESSES'];
  if (hops !== undefined && addresses !== undefined) throw new Error('Set TRUST_PROXY_HOPS or TRUST_PROXY_ADDRESSES, not both.');
  if (hops !== undefined) {
    const count = Number(hops);
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new Error(`TRUST_PROXY_HOPS must be a whole number 1–10: ${hops}`);
    return count;
  }
  if (addresses !== undefined) {
    const list = addresses
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== '');
    if (list.length === 0) throw new Error('TRUST_PROXY_ADDRESSES is empty.');
    return list;
  }
  return false;
}

/** The key of the keyed username hash in security events; long enough not to be guessed from the hashes. */
function parseSecurityEventKey(env: NodeJS.ProcessEnv): string | undefined {
  const key = env['SECURITY_EVENT_KEY'];
  if (key === undefined || key === '') return undefined;
  if (key.length < 32) throw new Error('SECURITY_EVENT_KEY must be at least 32 characters (e.g. openssl rand -base64 32).');
  return key;
}

/** The origin the browsers see (PUBLIC_ORIGIN): passkeys are bound to it; unset → no passkeys. */
function parsePublicOrigin(env: NodeJS.ProcessEnv): string | undefined {
  const origin = env['PUBLIC_ORIGIN'];
  return origin === undefined || origin === '' ? undefined : origin;
}

function parseWholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${name} must be a whole number 0–${String(max)}: ${raw}`);
  return value;
}

/**
 * Turn work away with 503 + Retry-After when the event loop lags this much
 * (OVERLOAD_MAX_EVENT_LOOP_DELAY_MS; 0 = never). On by default with PostgreSQL;
 * off by default on the embedded PGlite, whose queries run on the event loop
 * itself, so a lag there is the database working, not an overload.
 */
function parseOverload(env: NodeJS.ProcessEnv, database: Database['kind']): OverloadPolicy | undefined {
  const maxEventLoopDelayMs = parseWholeNumber(env, 'OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', database === 'postgres' ? 1_000 : 0, 60_000);
  if (maxEventLoopDelayMs === 0) return undefined;
  return {
    maxEventLoopDelayMs,
    maxEventLoopUtilization: 0.98,
    retryAfterSeconds: parseWholeNumber(env, 'OVERLOAD_RETRY_AFTER_SECONDS', 10, 3_600),
  };
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT is not a port number: ${value ?? ''}`);
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(process.env['PORT']);
  const trustProxy = parseTrustProxy(process.env);
  const https = process.env['HTTPS'] === '1' || process.env['HTTPS'] === 'true';
  // Loopback unless told otherwise: in production nginx in front is the only way in
  // (docs/DEPLOYMENT.md). The HTTPS trial listens on this machine's addresses for a tablet.
  const host = process.env['HOST'] ?? (https ? '0.0.0.0' : '127.0.0.1');
  const staticDir = resolve(process.env['STATIC_DIR'] ?? './dist');

  const metricsToken = process.env['METRICS_TOKEN'];
  // SIGTERM: readiness says "draining" at once, new work still arrives while the proxy or load
  // balancer notices (SHUTDOWN_DRAIN_DELAY_MS), then the server stops accepting and waits for
  // what is in flight (a push commits and answers) up to SHUTDOWN_TIMEOUT_MS.
  const drainDelayMs = parseWholeNumber(process.env, 'SHUTDOWN_DRAIN_DELAY_MS', 0, 120_000);
  const shutdownTimeoutMs = parseWholeNumber(process.env, 'SHUTDOWN_TIMEOUT_MS', 25_000, 600_000);
  const lifecycle = new Lifecycle();
  // The fleet view warns about tablets silent with unsent records, or holding them, for this many days.
  const fleetWarningDays = parseWholeNumber(process.env, 'FLEET_WARNING_DAYS', DEFAULT_FLEET_WARNING_DAYS, MAX_FLEET_WARNING_DAYS);
  if (fleetWarningDays < 1) throw new Error('FLEET_WARNING_DAYS must be at least 1.');

  // Read before the database opens, so a wrong value stops the start with its name.
  const retention = retentionFromEnv(process.env);
  const { owner, server: db } = await openDatabases();
  const overload = parseOverload(process.env, db.kind);
  const { applied } = await migrate(owner);
  const serverKeyLine = await prepareServerKey(db);
  const seeded = await seedDemoData(owner);
  // Refuse to serve as a role that row-level security does not bind (a superuser, BYPASSRLS, an owner).
  await assertApplicationRole(db);
  if (owner !== db && db.kind === 'postgres') await owner.close();

  const securityEventKey = parseSecurityEventKey(process.env);
  const publicOrigin = parsePublicOrigin(process.env);
  const app = buildApp({
    db,
    logger: process.env['LOG_REQUESTS'] !== 'false',
    trustProxy,
    lifecycle,
    fleetWarningDays,
    retention,
    ...(metricsToken === undefined || metricsToken === '' ? {} : { metricsToken }),
    ...(securityEventKey === undefined ? {} : { securityEventKey }),
    ...(publicOrigin === undefined ? {} : { publicOrigin }),
    ...(overload === undefined ? {} : { overload }),
    ...(existsSync(`${staticDir}/index.html`) ? { staticDir } : {}),
  });

  let closeHttps: () => Promise<void> = () => Promise.resolve();
  const shutdown = (signal: string): void => {
    app.log.info({ signal, drainDelayMs }, 'draining, then shutting down');
    lifecycle.startDraining();
    setTimeout(() => {
      console.error(`Shutdown took longer than ${String(shutdownTimeoutMs)} ms; exiting with work unfinished.`);
      process.exit(1);
    }, drainDelayMs + shutdownTimeoutMs).unref();
    new Promise((r) => setTimeout(r, drainDelayMs))
      .then(() => app.close())
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
    serverKeyLine,
    ...httpsLines,
  ];
  if (!https && host === '127.0.0.1')
    lines.push('Reachable from this computer only; for a tablet in the local network: npm run start:https (README).');
  if (!existsSync(`${staticDir}/index.html`)) lines.push(`No built PWA in ${staticDir}: API only (run npm run build).`);
  if (seeded) {
    lines.push(
      '',
      'First start: seeded the demo municipality "Demo-Stadt". Sign in at',
      `  ${url}`,
      ...[...DEMO_ACCOUNTS, DEMO_PARTNER_ACCOUNT].map((a) => `  ${a.username.padEnd(14)} password ${a.password}   (${a.roles.join(', ')})`),
      'admin sets up a second factor (an authenticator app, or a passkey with PUBLIC_ORIGIN set) at the first sign-in to the office area.',
      '',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (seeded) {
    console.warn('WARNING: these are PUBLIC DEMO passwords. Never put real family data on this instance.');
  }
}

main().catch((error: unknown) => {
  // A missing server key is a configuration problem: its message says what to do, no stack needed.
  if (error instanceof UnknownServerKeyError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
