// `npm run reencrypt`: moves every sealed value in the database to the active server key (the first
// in SERVER_KEY_FILE, or SERVER_KEY) and seals rows still clear, in batches, printing progress.
// `npm run reencrypt -- --new-key <id> [--key-file <path>]` puts a new first key into a key file
// (rotation step 1, docs/DEPLOYMENT.md "Server key"); the file is created with mode 0600.
import { resolve } from 'node:path';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';
import { installServerKeys, UnknownServerKeyError } from '../services/content-seal';
import { reencryptAll, rowsToReencrypt } from '../jobs/reencrypt';
import { addServerKey, loadServerKeys } from './server-key';

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

async function main(args: readonly string[]): Promise<void> {
  const dataDir = resolve(process.env['DATA_DIR'] ?? './data/pglite');
  const defaultKeyFile = resolve(dataDir, '..', 'server-key');
  const newKey = option(args, '--new-key');
  if (newKey !== undefined) {
    const file = option(args, '--key-file') ?? process.env['SERVER_KEY_FILE'] ?? defaultKeyFile;
    await addServerKey(file, newKey);
    process.stdout.write(
      `Added server key "${newKey}" as the first (active) key of ${file}. Restart the server, then run npm run reencrypt.\n`,
    );
    return;
  }
  const databaseUrl = process.env['DATABASE_URL'];
  const db: Database = databaseUrl ? openPostgres({ connectionString: databaseUrl }) : await openPglite({ dataDir });
  try {
    await migrate(db);
    const { keyring, source } = await loadServerKeys(process.env, db.kind === 'pglite' ? { generatedFile: defaultKeyFile } : {});
    installServerKeys(keyring);
    const pending = await rowsToReencrypt(db, keyring);
    const total = [...pending.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`Active server key "${keyring.active.keyId}" (${source}); ${String(total)} rows to re-encrypt.\n`);
    const moved = await reencryptAll(db, {
      batchSize: Number(option(args, '--batch-size') ?? 500),
      onProgress: ({ table, done, total: of }) => process.stdout.write(`  ${table}: ${String(done)}/${String(of)}\n`),
    });
    for (const [table, n] of moved) if (n > 0) process.stdout.write(`${table}: ${String(n)} rows re-encrypted.\n`);
    const left = [...(await rowsToReencrypt(db, keyring)).values()].reduce((a, b) => a + b, 0);
    process.stdout.write(
      left === 0
        ? `Done: every sealed row is under "${keyring.active.keyId}". Older keys can now be removed from the key configuration.\n`
        : `${String(left)} rows are still not under "${keyring.active.keyId}" (written meanwhile by an older instance?): run again.\n`,
    );
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof UnknownServerKeyError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
