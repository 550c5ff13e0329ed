// PGlite: PostgreSQL compiled to WASM, embedded in the Node process, so
// `npm start` needs no database server. One connection; PGlite serialises queries.
// The owner (migrations, the demo seed, tests' checks) and the server (as lotse_app, with
// row-level security, migration 027) share that one connection: a gate runs one piece of
// work at a time and switches the session's role and municipality (tenant-scope.ts) before
// it, so no piece ever runs with another's role or municipality. An embedded database can
// only SET ROLE, which the process could undo — docs/THREAT-MODEL.md says what that means.
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import type { Database, MunicipalityLookup, Queryable } from './database';
import { APPLICATION_ROLE, MUNICIPALITY_IDS_SQL, lookUpSql } from './database';
import { currentMunicipality, setTenantSql } from './tenant-scope';

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

type Role = 'owner' | 'application';
/** A municipality id, none (null), or "whatever it is" for look-ups that ignore it. */
type Tenant = string | null | typeof ANY_TENANT;
const ANY_TENANT = Symbol('any municipality');

/** One piece of work at a time on the one connection, in the session state it needs. */
class SessionGate {
  private tail: Promise<unknown> = Promise.resolve();
  /** What the session is set to; undefined = not known (set it again). */
  private role: Role | undefined = 'owner';
  private tenant: string | null | undefined = undefined;

  constructor(readonly pglite: PGlite) {}

  run<T>(role: Role, tenant: Tenant, fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      try {
        if (this.role !== role) {
          this.role = undefined;
          await this.pglite.exec(role === 'application' ? `SET ROLE ${APPLICATION_ROLE}` : 'RESET ROLE');
          this.role = role;
        }
        if (tenant !== ANY_TENANT && this.tenant !== tenant) {
          this.tenant = undefined;
          await this.pglite.exec(setTenantSql(tenant, false));
          this.tenant = tenant;
        }
        return await fn();
      } catch (error) {
        // Whatever the failure left behind is set again by the next piece of work.
        this.role = undefined;
        this.tenant = undefined;
        throw error;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function view(gate: SessionGate, role: Role, others: { application?: Database }): Database {
  const { pglite } = gate;
  // The owner is a superuser here: row-level security does not bind it, the municipality is left as it is.
  const tenant = (): Tenant => (role === 'owner' ? ANY_TENANT : currentMunicipality());
  const database: Database = {
    kind: 'pglite',
    query: <T extends object>(sql: string, params: readonly unknown[] = []) =>
      gate.run(role, tenant(), async () => (await pglite.query<T>(sql, params as unknown[])).rows),
    exec: (sql: string) =>
      gate.run(role, tenant(), async () => {
        await pglite.exec(sql);
      }),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const municipalityId = currentMunicipality();
      return gate.run(role, ANY_TENANT, () =>
        pglite.transaction(async (tx) => {
          // The owner sees every row anyway; a job acting for one municipality still names it, as
          // PostgreSQL's pool does, for functions that check whom the transaction acts for.
          if (role === 'application' || municipalityId !== null) await tx.exec(setTenantSql(municipalityId, true));
          return fn(wrap(tx));
        }),
      );
    },
    lookUpMunicipality: (lookup: MunicipalityLookup, key: string) =>
      gate.run(role, ANY_TENANT, async () => {
        const result = await pglite.query<{ municipality_id: string | null }>(lookUpSql(lookup), [key]);
        return result.rows[0]?.municipality_id ?? null;
      }),
    municipalityIds: () =>
      gate.run(role, ANY_TENANT, async () => (await pglite.query<{ id: string }>(MUNICIPALITY_IDS_SQL)).rows.map((row) => row.id)),
    forApplication(): Database {
      if (role === 'application') return database;
      others.application ??= view(gate, 'application', {});
      return others.application;
    },
    async close(): Promise<void> {
      await pglite.close();
    },
  };
  return database;
}

/** The owner's handle on a PGlite; forApplication() gives the server's. */
export function wrapPglite(pglite: PGlite): Database {
  return view(new SessionGate(pglite), 'owner', {});
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
