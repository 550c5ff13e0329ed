// The one database seam of the backend: PostgreSQL in production, PGlite as the
// embedded default (DESIGN.md §6). Both speak the same SQL; services only see this.

export type DatabaseKind = 'postgres' | 'pglite';

export interface QueryOptions {
  /**
   * Keep the statement prepared on each PostgreSQL connection (named by its text), so it is
   * parsed and planned once per connection instead of on every call. For the few statements run
   * on every request (authentication, the partner look-up), whose planning cost more than their
   * execution. Only for a fixed SQL text (the name is its hash). PGlite ignores it.
   */
  prepare?: boolean;
}

export interface Queryable {
  /** One statement with $1…$n parameters; returns the rows. */
  query: <T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions) => Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec: (sql: string) => Promise<void>;
}

/**
 * The narrow look-ups of migration 027 that see across municipalities: which municipality a
 * bearer token, refresh token, pending sign-in (second factor), username, tablet or partner
 * key belongs to. Each answers one id or nothing; everything after runs in that municipality.
 */
export const MUNICIPALITY_LOOKUPS = {
  session: 'lotse_municipality_of_session',
  refreshToken: 'lotse_municipality_of_refresh_token',
  pendingSignIn: 'lotse_municipality_of_pending_sign_in',
  username: 'lotse_municipality_of_username',
  device: 'lotse_municipality_of_device',
  partnerKey: 'lotse_municipality_of_partner_key',
} as const;
export type MunicipalityLookup = keyof typeof MUNICIPALITY_LOOKUPS;

/** The role the server works as (migration 027): owns nothing, row-level security applies. */
export const APPLICATION_ROLE = 'lotse_app';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** The municipality `key` belongs to (a look-up of MUNICIPALITY_LOOKUPS), or null. */
  lookUpMunicipality: (lookup: MunicipalityLookup, key: string) => Promise<string | null>;
  /** Every municipality's id, for jobs that work through them one at a time. */
  municipalityIds: () => Promise<string[]>;
  /**
   * The same database as the application role (lotse_app), for the server; this handle
   * itself may be the owner that migrates. Returns itself when it already is the application role.
   */
  forApplication: () => Database;
  /** Runs fn in one transaction: committed if fn resolves, rolled back if it throws. */
  transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
  /** Connections of the pool (PostgreSQL only), for the metrics. */
  poolStats?: () => { total: number; idle: number; waiting: number };
}

/** pg and PGlite both hand back Date for timestamptz; be lenient about strings. */
export function toIsoTimestamp(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new TypeError('expected a timestamp');
}

/** The statement of a look-up; the function name comes from the closed list above. */
export function lookUpSql(lookup: MunicipalityLookup): string {
  return `SELECT ${MUNICIPALITY_LOOKUPS[lookup]}($1) AS municipality_id`;
}

export const MUNICIPALITY_IDS_SQL = 'SELECT id FROM lotse_municipality_ids() AS id';
