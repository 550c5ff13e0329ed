// PGlite: PostgreSQL compiled to WASM, embedded in the Node process, so
// `npm start` needs no database server. One connection; PGlite serialises queries.
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';

function wrap(client: PGlite | Transaction): Queryable {
  return {
    async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await client.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await client.exec(sql);
    },
  };
}

export function wrapPglite(pglite: PGlite): Database {
  const queryable = wrap(pglite);
  return {
    kind: 'pglite',
    query: queryable.query,
    exec: queryable.exec,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(wrap(tx)));
    },
    async close(): Promise<void> {
      await pglite.close();
    },
  };
}

export interface PgliteOptions {
  /** Directory of the data; omitted → in memory. */
  dataDir?: string;
  /** A tarball from dumpDataDir() to start from (tests copy a migrated template). */
  loadDataDir?: Blob;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const pglite = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
  });
  return wrapPglite(pglite);
}
