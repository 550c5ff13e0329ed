// Command line of `npm run backup` and `npm run restore` (docs/DEPLOYMENT.md "Backups").
//   npm run backup [-- --out <dir or file>]          encrypted dump of DATABASE_URL
//   npm run backup -- --new-key <key file> [--key-id <id>]   add a new backup key (rotation)
//   npm run restore -- <file> [--verify-only]         check, then restore into the EMPTY DATABASE_URL
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { addBackupKey, loadBackupKeys } from './backup-key';
import { BackupFormatError } from './backup-format';
import { RestoreRefusedError, backupPostgres, libpqConnection, restorePostgres, verifyBackup } from './backup';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

/**
 * BACKUP_DATABASE_URL when set: the server's own role (lotse_app) sees one municipality at a time
 * under row-level security, so pg_dump needs a role that may read past it (docs/DEPLOYMENT.md).
 */
function databaseUrl(): string {
  const backupUrl = process.env['BACKUP_DATABASE_URL'];
  const url = backupUrl === undefined || backupUrl === '' ? process.env['DATABASE_URL'] : backupUrl;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set. Backups here are for PostgreSQL; the embedded PGlite is backed up by copying its data directory while the backend is stopped (docs/DEPLOYMENT.md).',
    );
  }
  return url;
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

async function backup(args: string[]): Promise<void> {
  const newKeyFile = option(args, '--new-key');
  if (newKeyFile !== undefined) {
    const keyId = option(args, '--key-id') ?? `backup-${new Date().toISOString().slice(0, 10)}`;
    const key = await addBackupKey(resolve(newKeyFile), keyId);
    process.stdout.write(
      `New backup key "${key.keyId}" is now the first line of ${newKeyFile} (mode 0600). Keep a copy off this machine.\n`,
    );
    return;
  }
  const url = databaseUrl();
  const [key] = await loadBackupKeys();
  if (!key) throw new Error('no backup key');
  const now = new Date();
  const target = resolve(option(args, '--out') ?? process.env['BACKUP_DIR'] ?? './backups');
  const isDirectory = await stat(target).then(
    (s) => s.isDirectory(),
    () => !target.endsWith('.lotsebak'),
  );
  if (isDirectory) await mkdir(target, { recursive: true, mode: 0o700 });
  const path = isDirectory ? join(target, `lotse-${libpqConnection(url).databaseName}-${timestamp(now)}.lotsebak`) : target;
  const result = await backupPostgres({ databaseUrl: url, key, path, now });
  process.stdout.write(
    `Backup written: ${result.path} (${String(result.bytes)} bytes, key "${result.header.keyId}", ${result.header.createdAt})\n`,
  );
}

async function restore(args: string[]): Promise<void> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new Error('Which backup? npm run restore -- <file.lotsebak> [--verify-only]');
  const keys = await loadBackupKeys();
  if (args.includes('--verify-only')) {
    const header = await verifyBackup(resolve(file), keys);
    process.stdout.write(`Backup checks out: key "${header.keyId}", made ${header.createdAt}, ${header.content}.\n`);
    return;
  }
  const header = await restorePostgres({ databaseUrl: databaseUrl(), keys, path: resolve(file) });
  process.stdout.write(
    `Restored the backup made ${header.createdAt} (key "${header.keyId}") into ${libpqConnection(databaseUrl()).databaseName}.\n`,
  );
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'backup') await backup(args);
  else if (command === 'restore') await restore(args);
  else throw new Error('usage: backup-cli.ts backup|restore …');
}

main().catch((error: unknown) => {
  // A clear sentence, no stack: these messages are for the person running the drill.
  const known = error instanceof BackupFormatError || error instanceof RestoreRefusedError;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${known ? 'Refused' : 'Failed'}: ${message}`);
  process.exit(known ? 3 : 1);
});
