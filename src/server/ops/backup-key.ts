// The backup key: 32 random bytes with a key id, separate from every key the
// running backend uses, so whoever holds the backups alone cannot read them and
// the backend's keys alone cannot open backups. A key file holds one key per
// line ("<key id> <base64>"); the first line encrypts new backups, every line can
// restore (rotation: add a new first line, keep old lines while their backups live).
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

export interface BackupKey {
  keyId: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function parseBackupKeys(text: string, source: string): BackupKey[] {
  const keys: BackupKey[] = [];
  for (const [number, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [keyId, encoded, ...rest] = line.split(/\s+/);
    // Never echo the line: it holds key material.
    if (!keyId || !encoded || rest.length > 0 || !KEY_ID.test(keyId)) {
      throw new Error(`${source}, line ${String(number + 1)}: expected "<key id> <32 bytes in base64>"`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32 || key.toString('base64') !== encoded) {
      throw new Error(`${source}, line ${String(number + 1)}: the key of "${keyId}" is not 32 bytes in base64`);
    }
    if (keys.some((k) => k.keyId === keyId)) throw new Error(`${source}: key id "${keyId}" appears twice`);
    keys.push({ keyId, key });
  }
  if (keys.length === 0) throw new Error(`${source}: no backup key in it`);
  return keys;
}

/**
 * The backup keys from BACKUP_KEY_FILE (or a given path), else from BACKUP_KEY
 * (base64) with BACKUP_KEY_ID. The first is the one new backups use.
 */
export async function loadBackupKeys(env: NodeJS.ProcessEnv = process.env, path?: string): Promise<BackupKey[]> {
  const file = path ?? env['BACKUP_KEY_FILE'];
  if (file) {
    if (!existsSync(file)) throw new Error(`Backup key file ${file} does not exist (create one: npm run backup -- --new-key ${file})`);
    return parseBackupKeys(await readFile(file, 'utf8'), file);
  }
  const inline = env['BACKUP_KEY'];
  if (inline) return parseBackupKeys(`${env['BACKUP_KEY_ID'] ?? 'env'} ${inline}`, 'BACKUP_KEY');
  throw new Error('No backup key: set BACKUP_KEY_FILE (or BACKUP_KEY and BACKUP_KEY_ID); see docs/DEPLOYMENT.md "Backups"');
}

export function newBackupKey(keyId: string): BackupKey {
  if (!KEY_ID.test(keyId)) throw new Error('key id: letters, digits, ".", "_", "-" (at most 64)');
  return { keyId, key: randomBytes(32) };
}

/** Puts a new key first in `path` (created with mode 0600); earlier keys stay for restoring older backups. */
export async function addBackupKey(path: string, keyId: string): Promise<BackupKey> {
  const existing = existsSync(path) ? await readFile(path, 'utf8') : '';
  const earlier = existing.trim() === '' ? [] : parseBackupKeys(existing, path);
  if (earlier.some((k) => k.keyId === keyId)) throw new Error(`${path} already holds key id "${keyId}"`);
  const key = newBackupKey(keyId);
  const lines = [
    '# Lotse backup keys: the first line encrypts new backups; keep older lines until their backups are deleted.',
    `${key.keyId} ${key.key.toString('base64')}`,
    ...earlier.map((k) => `${k.keyId} ${k.key.toString('base64')}`),
  ];
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return key;
}
