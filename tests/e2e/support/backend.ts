// The referral backend in-process for browser tests: the built PWA from dist/
// plus /api on a free loopback port, on PostgreSQL when DATABASE_URL is set
// (a schema of its own) or PGlite. pause()/resume() stop and restart the
// listener on the same port — the backend is really gone, not just emulated.
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@server/app';
import { DEMO_ACCOUNTS, DEMO_HOME_SITES, DEMO_MUNICIPALITY_ID, seedDemoData } from '@server/db/demo-seed';
import type { Database } from '@server/db/database';
import { openRecordContent } from '@server/services/content-seal';

interface StoredRecordRow {
  id: string;
  revision: number;
  municipality_id: string;
  content: unknown;
  sealed_content: string | null;
  seal_key_id: string | null;
}
import { openTestDatabase, testDatabaseKinds } from '../../fixtures/test-database';
import { freePort } from '../../fixtures/backend-process';

export interface RunningBackend {
  url: string;
  db: Database;
  demo: {
    municipalityId: string;
    siteLabel: string;
    homePartner: { username: string; password: string };
    coordinator: { username: string; password: string };
  };
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** A record's rows, `content` opened from its sealed column (what the server reads, not what a dump shows). */
  records(id: string): Promise<Record<string, unknown>[]>;
  /** Rows of `records` matching a condition, `content` opened likewise. */
  recordsWhere(condition: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  countRecords(id: string): Promise<number>;
}

/**
 * Stops listening and drops every connection at once, as a crash or a lost
 * network would: otherwise a request in flight at close() leaves a keep-alive
 * socket that Node keeps open for Fastify's 72 s keepAliveTimeout.
 */
async function closeNow(app: FastifyInstance | undefined): Promise<void> {
  if (!app) return;
  const closing = app.close();
  app.server.closeAllConnections();
  await closing;
}

const DIST = join(import.meta.dirname, '../../../dist');

/**
 * `passkeys`: the backend is reached as http://localhost:<port> and knows that as its public
 * origin (PUBLIC_ORIGIN), the relying party of passkeys — a host name, as WebAuthn needs, and a
 * secure context for the browser although it is plain http.
 */
export async function startBackend(options: { staticDir?: string | undefined; passkeys?: boolean } = {}): Promise<RunningBackend> {
  const kinds = testDatabaseKinds();
  const db = await openTestDatabase({ kind: kinds[kinds.length - 1] ?? 'pglite' });
  await seedDemoData(db);
  const staticDir = options.staticDir ?? DIST;
  const homePartner = DEMO_ACCOUNTS.find((a) => a.username === 'home.partner');
  const coordinator = DEMO_ACCOUNTS.find((a) => a.username === 'coordinator');
  const site = DEMO_HOME_SITES[0];
  if (!homePartner || !coordinator) throw new Error('demo seed changed: no home.partner or site');

  const chosenPort = options.passkeys === true ? await freePort() : 0;
  const publicOrigin = options.passkeys === true ? { publicOrigin: `http://localhost:${String(chosenPort)}` } : {};
  let app: FastifyInstance | undefined = buildApp({
    db,
    staticDir,
    loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
    logger: process.env['E2E_LOG'] === '1',
    ...publicOrigin,
  });
  await app.listen({ port: chosenPort, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;

  const recordsWhere = async (condition: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> =>
    (await db.query<StoredRecordRow>(`SELECT * FROM records WHERE ${condition} ORDER BY received_seq`, params)).map((row) => ({
      ...row,
      content: openRecordContent({ ...row, municipalityId: row.municipality_id }),
    }));
  const records = (id: string): Promise<Record<string, unknown>[]> => recordsWhere('id = $1', [id]);

  return {
    url: options.passkeys === true ? `http://localhost:${String(port)}/` : `http://127.0.0.1:${String(port)}/`,
    db,
    demo: {
      municipalityId: DEMO_MUNICIPALITY_ID,
      siteLabel: site.label,
      homePartner: { username: homePartner.username, password: homePartner.password },
      coordinator: { username: coordinator.username, password: coordinator.password },
    },
    async pause() {
      await closeNow(app);
      app = undefined;
    },
    async resume() {
      app = buildApp({
        db,
        staticDir,
        loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
        logger: process.env['E2E_LOG'] === '1',
        ...publicOrigin,
      });
      await app.listen({ port, host: '127.0.0.1' });
    },
    async stop() {
      await closeNow(app);
      await db.close();
    },
    records,
    recordsWhere,
    async countRecords(id) {
      return (await records(id)).length;
    },
  };
}
