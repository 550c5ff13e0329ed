// Numbered SQL migrations (CONVENTIONS.md 6): files NNN_name.sql, applied at
// start in ONE transaction, recorded in schema_migrations with a checksum so
// a file edited after it landed stops the server instead of drifting silently.
import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Database } from './database';
import { MIGRATION_LOCK } from './advisory-locks';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const MIGRATION_FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: number;
  fileName: string;
}

export interface Migration extends MigrationFile {
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Checks the names of the files in the migrations folder: every .sql file must be
 * NNN_snake_name.sql, numbers unique and without gaps from 001. Returns them in order.
 */
export function validateMigrationFileNames(fileNames: readonly string[]): MigrationFile[] {
  const migrations: MigrationFile[] = [];
  for (const fileName of fileNames) {
    if (!fileName.endsWith('.sql')) continue;
    const match = MIGRATION_FILE.exec(fileName);
    if (!match) throw new MigrationError(`migration file name must look like 001_name.sql: ${fileName}`);
    migrations.push({ version: Number(match[1]), fileName });
  }
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new MigrationError(`duplicate migration number ${migration.version}: ${previous.fileName}, ${migration.fileName}`);
    }
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration numbers must count up from 001 without gaps: ${migration.fileName}`);
    }
  });
  return migrations;
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = validateMigrationFileNames(await readdir(dir));
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(`${dir}/${file.fileName}`, 'utf8');
      return { ...file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export interface MigrateResult {
  applied: number[];
}

/** Applies pending migrations in one transaction. Safe to call on every start. */
export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  return db.transaction(async (tx) => {
    // Two instances starting at once must not both apply a migration.
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      file_name  text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number; file_name: string; checksum: string }>(
      'SELECT version, file_name, checksum FROM schema_migrations ORDER BY version',
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const file = known.get(row.version);
      if (!file) throw new MigrationError(`database has migration ${row.file_name}, which is missing here (older code?)`);
      if (file.checksum !== row.checksum || file.fileName !== row.file_name) {
        throw new MigrationError(`migration ${file.fileName} was changed after it was applied; add a new migration instead`);
      }
    }
    const appliedVersions = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (appliedVersions.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, file_name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.fileName,
        migration.checksum,
      ]);
      applied.push(migration.version);
    }
    return { applied };
  });
}
