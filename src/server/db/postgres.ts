// PostgreSQL through a node-postgres pool (production, DATABASE_URL).
import pg from 'pg';
import type { Database, Queryable } from './database';

export interface PostgresOptions {
  connectionString: string;
  /** Extra libpq options, e.g. '-c search_path=lotse_test_x' for isolated tests. */
  options?: string;
  max?: number;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await client.query<T>(sql, params as unknown[]);
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
