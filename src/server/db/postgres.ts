// PostgreSQL through a node-postgres pool (production, DATABASE_URL).
// Every statement runs with lotse.municipality set to the municipality of the current scope
// (tenant-scope.ts). A pool connection remembers what it was last set to, so the setting costs
// a round trip only when it changes; a transaction sets it with BEGIN, in the same round trip.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, MunicipalityLookup, Queryable, QueryOptions } from './database';
import { APPLICATION_ROLE, MUNICIPALITY_IDS_SQL, lookUpSql } from './database';
import { TENANT_SETTING, currentMunicipality, setTenantSql } from './tenant-scope';

export interface PostgresOptions {
  connectionString: string;
  /** Extra libpq options, e.g. '-c search_path=lotse_test_x' for isolated tests. */
  options?: string;
  max?: number;
  /**
   * How this handle works: 'owner' (migrations; forApplication() opens a second pool that
   * switches to lotse_app when it connects), 'switchToApplication' (this pool switches to
   * lotse_app), or 'application' (the connection string already signs in as the application role).
   */
  as?: 'owner' | 'switchToApplication' | 'application';
}

const statementNames = new Map<string, string>();

/** A prepared statement's name: the hash of its text, so one text is one statement on every connection. */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `lotse_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** One statement; prepared (planned once per connection) when asked. */
async function run<T extends object>(client: pg.PoolClient, sql: string, params: readonly unknown[], options?: QueryOptions): Promise<T[]> {
  const result =
    options?.prepare === true
      ? await client.query<T>({ name: statementName(sql), text: sql, values: params as unknown[] })
      : await client.query<T>(sql, params as unknown[]);
  return result.rows;
}

/** What a pool connection's session-level setting was last set to; absent = unknown. */
const sessionTenant = new WeakMap<pg.PoolClient, string | null>();

async function ensureTenant(client: pg.PoolClient, municipalityId: string | null): Promise<void> {
  if (sessionTenant.has(client) && sessionTenant.get(client) === municipalityId) return;
  sessionTenant.delete(client);
  await client.query(`SELECT set_config('${TENANT_SETTING}', $1, false)`, [municipalityId ?? '']);
  sessionTenant.set(client, municipalityId);
}

function wrapClient(client: pg.PoolClient): Queryable {
  return {
    query: <T extends object>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<T[]> =>
      run<T>(client, sql, params, options),
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which allows several statements.
      await client.query(sql);
    },
  };
}

export function openPostgres(options: PostgresOptions): Database {
  const as = options.as ?? 'owner';
  const libpqOptions = [options.options, as === 'switchToApplication' ? `-c role=${APPLICATION_ROLE}` : undefined]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(libpqOptions === '' ? {} : { options: libpqOptions }),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => {
    console.error('postgres pool error:', error.message);
  });

  /** One statement on a pool connection, in the current scope's municipality. */
  async function inScope<T>(fn: (client: pg.PoolClient) => Promise<T>, tenantAgnostic = false): Promise<T> {
    const client = await pool.connect();
    try {
      if (!tenantAgnostic) await ensureTenant(client, currentMunicipality());
      const result = await fn(client);
      client.release();
      return result;
    } catch (error) {
      // As pool.query does: a connection that failed a statement is not reused (and what its
      // session holds is no longer known for sure).
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  let application: Database | undefined;
  const database: Database = {
    kind: 'postgres',
    query: <T extends object>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) =>
      inScope((client) => run<T>(client, sql, params, options)),
    exec: (sql: string) =>
      inScope(async (client) => {
        await client.query(sql);
      }),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        // The transaction's own setting (is_local): it ends with the transaction.
        await client.query(`BEGIN; ${setTenantSql(currentMunicipality(), true)}`);
        try {
          const result = await fn(wrapClient(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            failed = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        }
      } finally {
        client.release(failed);
      }
    },
    // Look-ups run SECURITY DEFINER functions that ignore the setting: no round trip to set it.
    lookUpMunicipality: (lookup: MunicipalityLookup, key: string) =>
      inScope(async (client) => {
        const result = await client.query<{ municipality_id: string | null }>(lookUpSql(lookup), [key]);
        return result.rows[0]?.municipality_id ?? null;
      }, true),
    municipalityIds: () =>
      inScope(async (client) => (await client.query<{ id: string }>(MUNICIPALITY_IDS_SQL)).rows.map((r) => r.id), true),
    forApplication(): Database {
      if (as !== 'owner') return database;
      application ??= openPostgres({ ...options, as: 'switchToApplication' });
      return application;
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close(): Promise<void> {
      await application?.close();
      await pool.end();
    },
  };
  return database;
}
