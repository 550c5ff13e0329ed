// Where the server key comes from (services/content-seal.ts seals with it). A key file holds one key
// per line, "<key id> <32 bytes in base64>"; the first line seals new values, every line opens
// (rotation: put a new first line, re-encrypt, then drop the old line). Separate from the backup
// key (ops/backup-key.ts): whoever holds only one of them reads neither the database nor the backups.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SERVER_KEY_ID, serverKeyring, type ServerKey, type ServerKeyring } from '../services/content-seal';

export function parseServerKeys(text: string, source: string): ServerKey[] {
  const keys: ServerKey[] = [];
  for (const [number, raw] of text.split(/\r?\n|,/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [keyId, encoded, ...rest] = line.split(/\s+/);
    // Never echo the entry: it holds key material.
    if (!keyId || !encoded || rest.length > 0 || !SERVER_KEY_ID.test(keyId)) {
      throw new Error(`${source}, entry ${String(number + 1)}: expected "<key id> <32 bytes in base64>"`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32 || key.toString('base64') !== encoded) {
      throw new Error(`${source}, entry ${String(number + 1)}: the key of "${keyId}" is not 32 bytes in base64`);
    }
    if (keys.some((k) => k.keyId === keyId)) throw new Error(`${source}: key id "${keyId}" appears twice`);
    keys.push({ keyId, key });
  }
  if (keys.length === 0) throw new Error(`${source}: no server key in it`);
  return keys;
}

export interface LoadedServerKeys {
  keyring: ServerKeyring;
  /** Where the keys came from, for the start output (never the keys). */
  source: string;
  /** True when this start created the key file (embedded default). */
  generated: boolean;
}

export interface ServerKeyDefaults {
  /** The embedded default (PGlite): a key file created on first start. Without it a key must be configured. */
  generatedFile?: string;
}

/**
 * The server keys: SERVER_KEY_FILE, else SERVER_KEY (base64) with SERVER_KEY_ID and optional
 * SERVER_KEYS_PREVIOUS ("<id> <base64>" entries, comma-separated) for reading older rows, else —
 * only for the embedded default — a key file generated on first start with mode 0600.
 */
export async function loadServerKeys(env: NodeJS.ProcessEnv = process.env, defaults: ServerKeyDefaults = {}): Promise<LoadedServerKeys> {
  const file = env['SERVER_KEY_FILE'];
  if (file) {
    if (!existsSync(file))
      throw new Error(`Server key file ${file} does not exist (create one: npm run reencrypt -- --new-key <id> --key-file ${file})`);
    return { keyring: serverKeyring(parseServerKeys(await readFile(file, 'utf8'), file)), source: file, generated: false };
  }
  const inline = env['SERVER_KEY'];
  if (inline) {
    const keyId = env['SERVER_KEY_ID'];
    if (!keyId) throw new Error('SERVER_KEY is set without SERVER_KEY_ID: name the key (e.g. SERVER_KEY_ID=2027-01).');
    const active = parseServerKeys(`${keyId} ${inline}`, 'SERVER_KEY');
    const previous = env['SERVER_KEYS_PREVIOUS'] ? parseServerKeys(env['SERVER_KEYS_PREVIOUS'], 'SERVER_KEYS_PREVIOUS') : [];
    return { keyring: serverKeyring([...active, ...previous]), source: 'SERVER_KEY', generated: false };
  }
  const generatedFile = defaults.generatedFile;
  if (!generatedFile) {
    throw new Error('No server key: set SERVER_KEY_FILE (or SERVER_KEY and SERVER_KEY_ID) — see docs/DEPLOYMENT.md "Server key".');
  }
  if (existsSync(generatedFile)) {
    const mode = statSync(generatedFile).mode & 0o077;
    if (mode !== 0) throw new Error(`${generatedFile} can be read by other users of this machine: chmod 600 ${generatedFile}`);
    return {
      keyring: serverKeyring(parseServerKeys(await readFile(generatedFile, 'utf8'), generatedFile)),
      source: generatedFile,
      generated: false,
    };
  }
  await mkdir(dirname(generatedFile), { recursive: true });
  const key = await addServerKey(generatedFile, `local-${new Date().toISOString().slice(0, 10)}`);
  return { keyring: serverKeyring([key]), source: generatedFile, generated: true };
}

/** Puts a new key first in `path` (created with mode 0600); earlier keys stay for opening older rows. */
export async function addServerKey(path: string, keyId: string): Promise<ServerKey> {
  if (!SERVER_KEY_ID.test(keyId)) throw new Error('key id: letters, digits, ".", "_", "-" (at most 64)');
  const existing = existsSync(path) ? await readFile(path, 'utf8') : '';
  const earlier = existing.trim() === '' ? [] : parseServerKeys(existing, path);
  if (earlier.some((k) => k.keyId === keyId)) throw new Error(`${path} already holds key id "${keyId}"`);
  const key: ServerKey = { keyId, key: randomBytes(32) };
  const lines = [
    '# Lotse server keys: the first line seals new values; keep older lines until `npm run reencrypt` has moved every row.',
    `${key.keyId} ${key.key.toString('base64')}`,
    ...earlier.map((k) => `${k.keyId} ${k.key.toString('base64')}`),
  ];
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return key;
}
