// Database errors the services expect and answer (instead of a 500), recognised
// the same way for node-postgres and PGlite.

/** A unique-constraint violation (SQLSTATE 23505) from node-postgres or PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}
