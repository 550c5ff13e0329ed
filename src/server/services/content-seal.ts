// Content at rest on the server: record content, free text (referral shared notes, send-back
// comments), tablet escrow keys and TOTP secrets are sealed with AES-256-GCM under a server key
// before they reach the database, so a dump or backup of it is unreadable without that key.
// Every sealed value is bound (AAD) to its row — table, column, municipality, row id, revision and
// key id — so a ciphertext copied into another row, or relabelled with another key id, fails to open.
// This module is the only place that seals or opens; services call it where they write or read a
// value. The running server still reads everything it needs (docs/THREAT-MODEL.md).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { RecordKind } from '@shared/records/sync-record';

export interface ServerKey {
  keyId: string;
  key: Buffer;
}

/** The configured keys: the first seals new values, every one opens (rotation keeps older keys for reading). */
export interface ServerKeyring {
  active: ServerKey;
  byId: ReadonlyMap<string, Buffer>;
}

export const SERVER_KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

export function serverKeyring(keys: readonly ServerKey[]): ServerKeyring {
  const [active] = keys;
  if (!active) throw new Error('No server key configured.');
  const byId = new Map<string, Buffer>();
  for (const { keyId, key } of keys) {
    if (!SERVER_KEY_ID.test(keyId)) throw new Error(`Server key id "${keyId}": letters, digits, ".", "_", "-" (at most 64).`);
    if (key.length !== 32) throw new Error(`Server key "${keyId}" is not 32 bytes.`);
    if (byId.has(keyId)) throw new Error(`Server key id "${keyId}" appears twice.`);
    byId.set(keyId, key);
  }
  return { active, byId };
}

let installed: ServerKeyring | undefined;

/** Set once at start (main.ts, the re-encryption CLI, test setup) before any service seals or opens. */
export function installServerKeys(keyring: ServerKeyring): void {
  installed = keyring;
}

export function installedServerKeys(): ServerKeyring {
  if (!installed) throw new Error('The server key is not loaded (installServerKeys); content at rest cannot be sealed or opened.');
  return installed;
}

/** Where a sealed value lives: the ciphertext opens only in this place. */
export interface SealPlace {
  table: string;
  column: string;
  municipalityId: string;
  rowId: string;
  /** Records: the revision (one row per revision). Other tables: omitted. */
  revision?: number;
}

/** The sealed columns outside `records`, one place each (the re-encryption job builds the same). */
export function sharedNotePlace(municipalityId: string, referralId: string): SealPlace {
  return { table: 'referrals', column: 'shared_note', municipalityId, rowId: referralId };
}
export function reviewCommentPlace(municipalityId: string, reviewId: string): SealPlace {
  return { table: 'record_reviews', column: 'comment', municipalityId, rowId: reviewId };
}
export function escrowKeyPlace(municipalityId: string, deviceId: string): SealPlace {
  return { table: 'devices', column: 'escrow_key', municipalityId, rowId: deviceId };
}
export function totpSecretPlace(municipalityId: string, accountId: string): SealPlace {
  return { table: 'second_factors', column: 'totp_secret', municipalityId, rowId: accountId };
}
export function pendingSecretPlace(municipalityId: string, tokenHash: string): SealPlace {
  return { table: 'second_factor_challenges', column: 'pending_secret', municipalityId, rowId: tokenHash };
}

export interface Sealed {
  sealed: string;
  keyId: string;
}

/** A sealed value that does not open: wrong key, changed ciphertext, or a ciphertext from another row. */
export class SealBrokenError extends Error {
  constructor(place: SealPlace, keyId: string) {
    // Names the place and key id only — never any part of the value.
    super(`A sealed value in ${place.table}.${place.column} (row ${place.rowId}) does not open with server key "${keyId}".`);
    this.name = 'SealBrokenError';
  }
}

function additionalData(place: SealPlace, keyId: string): Buffer {
  // Length-prefixed fields, so no two places serialise alike whatever an id holds.
  // Ids are compared as the database prints them (a uuid in lower case), whatever case they arrived in.
  const fields = [
    'lotse-seal-v1',
    place.table,
    place.column,
    place.municipalityId,
    place.rowId.toLowerCase(),
    String(place.revision ?? ''),
    keyId,
  ];
  return Buffer.from(fields.map((f) => `${String(Buffer.byteLength(f))}:${f}`).join('|'), 'utf8');
}

export function sealText(plain: string, place: SealPlace, keyring: ServerKeyring = installedServerKeys()): Sealed {
  const { keyId, key } = keyring.active;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(place, keyId));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { sealed: `${iv.toString('base64url')}.${body.toString('base64url')}`, keyId };
}

export function openText(sealed: string, keyId: string, place: SealPlace, keyring: ServerKeyring = installedServerKeys()): string {
  const key = keyring.byId.get(keyId);
  if (!key) throw new UnknownServerKeyError([keyId]);
  const parts = SEALED.exec(sealed);
  if (!parts) throw new SealBrokenError(place, keyId);
  const iv = Buffer.from(parts[1] ?? '', 'base64url');
  const body = Buffer.from(parts[2] ?? '', 'base64url');
  if (body.length < TAG_BYTES) throw new SealBrokenError(place, keyId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(place, keyId));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealBrokenError(place, keyId);
  }
}

/** Rows sealed under key ids this server was not given: it refuses to start rather than fail on each read. */
export class UnknownServerKeyError extends Error {
  constructor(readonly keyIds: readonly string[]) {
    super(
      `Rows in the database are sealed with server key id(s) ${keyIds.map((k) => `"${k}"`).join(', ')}, which are not configured. ` +
        'Add the key(s) to SERVER_KEY_FILE (or SERVER_KEYS) as older lines — see docs/DEPLOYMENT.md "Server key".',
    );
    this.name = 'UnknownServerKeyError';
  }
}

/** A nullable column: NULL stays NULL (no key id needed for it). */
export function sealOptional(plain: string | null, place: SealPlace, keyring?: ServerKeyring): string | null {
  return plain === null ? null : sealText(plain, place, keyring).sealed;
}

/** A row's value as stored: sealed under `keyId`, or clear when the row predates sealing (key id NULL). */
export function openStored(value: string, keyId: string | null, place: SealPlace, keyring?: ServerKeyring): string {
  return keyId === null ? value : openText(value, keyId, place, keyring);
}

export function openStoredOptional(value: string | null, keyId: string | null, place: SealPlace, keyring?: ServerKeyring): string | null {
  return value === null ? null : openStored(value, keyId, place, keyring);
}

// ---------------------------------------------------------------------------------------------
// Records. `records.content` keeps only the clear facts the database itself counts and sorts by
// (report_counts triggers, report queries, the approval queue's order, consent scopes, a referral's
// source): ids of districts and categories, dates, enumerated values — no answer, no free text, no
// score. The whole content is sealed in `records.sealed_content`.

/** Which content fields of each kind the database reads in SQL (keep in step with those queries). */
const FACT_FIELDS: Partial<Record<RecordKind, readonly string[]>> = {
  screening: ['district', 'supportNeed'],
  consent: ['scopes', 'setting', 'district'],
  consentRefusal: ['setting', 'date', 'district'],
  welcomeVisit: ['visitDate', 'outcome', 'district'],
  welcomeVisitAttempt: ['visitDate', 'outcome', 'district'],
  homeContact: ['contactDate', 'site', 'contactKind', 'topics'],
  mediation: ['date', 'languages', 'district'],
  referral: ['sourceRecordId', 'district'],
};

export function recordFacts(kind: string, content: object): Record<string, unknown> {
  const source = content as Record<string, unknown>;
  const facts: Record<string, unknown> = {};
  for (const field of FACT_FIELDS[kind as RecordKind] ?? []) {
    if (source[field] !== undefined) facts[field] = source[field];
  }
  if (kind === 'screening') {
    // The staff override's category (not its reason, which is free text) and whether acute danger
    // was signalled (a marker, not which answers signalled it): the queue shows those first.
    const override = source['override'] as { supportNeed?: unknown } | undefined;
    if (override?.supportNeed !== undefined) facts['override'] = { supportNeed: override.supportNeed };
    const danger = source['acuteDanger'];
    facts['acuteDanger'] = Array.isArray(danger) && danger.length > 0 ? [true] : [];
  }
  return facts;
}

export interface RecordIdentity {
  municipalityId: string;
  id: string;
  revision: number;
}

function recordPlace(record: RecordIdentity): SealPlace {
  return { table: 'records', column: 'sealed_content', municipalityId: record.municipalityId, rowId: record.id, revision: record.revision };
}

export interface SealedRecordContent {
  /** For `records.content`: the clear facts. */
  facts: Record<string, unknown>;
  /** For `records.sealed_content` and `records.seal_key_id`. */
  sealedContent: string;
  sealKeyId: string;
}

export function sealRecordContent(
  record: RecordIdentity & { kind: string; content: object },
  keyring?: ServerKeyring,
): SealedRecordContent {
  const { sealed, keyId } = sealText(JSON.stringify(record.content), recordPlace(record), keyring);
  return { facts: recordFacts(record.kind, record.content), sealedContent: sealed, sealKeyId: keyId };
}

/**
 * A record's whole content from its row: opened from `sealed_content`, or — for a row stored before
 * sealing and not yet re-encrypted (seal_key_id NULL) — the clear `content` it still holds.
 */
export function openRecordContent(
  row: RecordIdentity & { content: unknown; sealed_content: string | null; seal_key_id: string | null },
  keyring?: ServerKeyring,
): unknown {
  if (row.seal_key_id === null || row.sealed_content === null) {
    return typeof row.content === 'string' ? (JSON.parse(row.content) as unknown) : row.content;
  }
  return JSON.parse(openText(row.sealed_content, row.seal_key_id, recordPlace(row), keyring)) as unknown;
}
