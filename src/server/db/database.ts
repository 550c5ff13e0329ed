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

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
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
