// PostgreSQL through a node-postgres pool (production, DATABASE_URL).
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Queryable, QueryOptions } from './database';

export interface PostgresOptions {
  connectionString: string;
  /** Extra libpq options, e.g. '-c search_path=lotse_test_x' for isolated tests. */
  options?: string;
  max?: number;
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

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends object>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<T[]> {
      const result =
        options?.prepare === true
          ? await client.query<T>({ name: statementName(sql), text: sql, values: params as unknown[] })
          : await client.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which allows several statements.
      await client.query(sql);
    },
  };
}

export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(options.options === undefined ? {} : { options: options.options }),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => {
    console.error('postgres pool error:', error.message);
  });
  const queryable = wrap(pool);
  return {
    kind: 'postgres',
    query: queryable.query,
    exec: queryable.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
