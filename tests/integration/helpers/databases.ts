// Runs a suite once per database backend (PGlite always, PostgreSQL when
// DATABASE_URL is set), each with a database of its own for the whole suite.
import { afterAll, beforeAll, describe } from 'vitest';
import type { Database, DatabaseKind } from '@server/db/database';
import { openTestDatabase, testDatabaseKinds } from '../../fixtures/test-database';

export interface DatabaseContext {
  kind: DatabaseKind;
  /** The suite's database; available inside tests and hooks. */
  db: () => Database;
}

export function describeEachDatabase(title: string, suite: (context: DatabaseContext) => void): void {
  for (const kind of testDatabaseKinds()) {
    describe(`${title} [${kind}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await openTestDatabase({ kind });
      });
      afterAll(async () => {
        await database?.close();
      });
      suite({
        kind,
        db: () => {
          if (!database) throw new Error('database not open yet: use db() inside tests or hooks');
          return database;
        },
      });
    });
  }
}
