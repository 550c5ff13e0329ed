// `npm run backup` / `npm run restore` for PostgreSQL: pg_dump (custom format)
// streamed through the encrypted backup format into a file, and back through
// pg_restore into an EMPTY database in one transaction, after the whole file
// has been checked. Nothing of the dump is ever on disk or in a log in clear.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { BackupDecryptStream, BackupEncryptStream, newBackupHeader, type BackupHeader } from './backup-format';
import type { BackupKey } from './backup-key';

const DUMP_CONTENT = 'pg_dump-custom';

/** libpq settings from DATABASE_URL, with the password in PGPASSWORD — never on a command line (ps). */
export function libpqConnection(databaseUrl: string): { dbname: string; env: Record<string, string>; databaseName: string } {
  const url = new URL(databaseUrl);
  const env: Record<string, string> = {};
  if (url.password) env['PGPASSWORD'] = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env, databaseName: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres' };
}

interface ToolRun {
  done: Promise<void>;
}

function runTool(command: string, args: string[], env: Record<string, string>, stdio: ['ignore' | 'pipe', 'ignore' | 'pipe', 'pipe']) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Tool messages name objects and errors, not row content; keep the tail only.
    stderr = (stderr + chunk).slice(-4000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `${command} not found: install the PostgreSQL client tools (apt-get install postgresql-client)`
            : error.message,
        ),
      );
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (${signal ?? `exit code ${String(code)}`}): ${stderr.trim()}`));
    });
  });
  const run: ToolRun = { done };
  return { child, run };
}

export interface BackupResult {
  path: string;
  bytes: number;
  header: BackupHeader;
}

/** Dumps `databaseUrl` into `path` (written as path.partial, renamed only once pg_dump succeeded). */
export async function backupPostgres(options: { databaseUrl: string; key: BackupKey; path: string; now?: Date }): Promise<BackupResult> {
  const connection = libpqConnection(options.databaseUrl);
  const header = newBackupHeader(options.key, DUMP_CONTENT, options.now);
  const partial = `${options.path}.partial`;
  const { child, run } = runTool('pg_dump', ['--format=custom', '--no-password', `--dbname=${connection.dbname}`], connection.env, [
    'ignore',
    'pipe',
    'pipe',
  ]);
  if (!child.stdout) throw new Error('pg_dump: no output stream');
  try {
    await Promise.all([
      pipeline(child.stdout, new BackupEncryptStream(options.key, header), createWriteStream(partial, { mode: 0o600 })),
      run.done,
    ]);
    await rename(partial, options.path);
  } catch (error) {
    child.kill('SIGTERM');
    await rm(partial, { force: true });
    throw error;
  }
  return { path: options.path, bytes: (await stat(options.path)).size, header };
}

/** Reads and checks the whole file (every frame's tag, the end) without writing anything. */
export async function verifyBackup(path: string, keys: readonly BackupKey[]): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  await pipeline(
    createReadStream(path),
    new BackupDecryptStream(keys, (h) => {
      header = h;
    }),
    new Writable({
      write: (_chunk, _encoding, done) => {
        done();
      },
    }),
  );
  if (!header) throw new Error('backup without header');
  return header;
}

/** Objects in the database outside PostgreSQL's own schemas (an empty `public` schema does not count). */
export async function userObjectCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%')
            + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))
            + (SELECT count(*) FROM pg_namespace n
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\\_%') AS count`,
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

/**
 * Checks the whole backup first, then restores it into the empty database at
 * `databaseUrl` in one transaction (pg_restore --single-transaction): a file that
 * fails its check restores nothing, a failing restore leaves the database empty.
 */
export async function restorePostgres(options: { databaseUrl: string; keys: readonly BackupKey[]; path: string }): Promise<BackupHeader> {
  const header = await verifyBackup(options.path, options.keys);
  if (header.content !== DUMP_CONTENT) throw new RestoreRefusedError(`This backup holds ${header.content}, not a PostgreSQL dump.`);
  const objects = await userObjectCount(options.databaseUrl);
  if (objects > 0) {
    throw new RestoreRefusedError(
      `The target database is not empty (${String(objects)} tables, functions or schemas). Restore only into a new, empty database: createdb <name>, then DATABASE_URL=…/<name> npm run restore -- <file>.`,
    );
  }
  const connection = libpqConnection(options.databaseUrl);
  const { child, run } = runTool(
    'pg_restore',
    ['--single-transaction', '--exit-on-error', '--no-password', `--dbname=${connection.dbname}`],
    connection.env,
    ['pipe', 'ignore', 'pipe'],
  );
  if (!child.stdin) throw new Error('pg_restore: no input stream');
  // Checked above, decrypted again here: the second pass releases only bytes whose tags check, too.
  await Promise.all([pipeline(createReadStream(options.path), new BackupDecryptStream(options.keys), child.stdin), run.done]);
  return header;
}
