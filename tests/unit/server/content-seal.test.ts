// The server's seal for content at rest: AES-256-GCM under a server key, each value bound to its
// row; and where the key comes from (environment, key file, generated file for the embedded default).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openRecordContent,
  openText,
  recordFacts,
  SealBrokenError,
  sealRecordContent,
  sealText,
  serverKeyring,
  UnknownServerKeyError,
  type SealPlace,
} from '@server/services/content-seal';
import { addServerKey, loadServerKeys, parseServerKeys } from '@server/ops/server-key';

const keyA = { keyId: 'a-2026', key: randomBytes(32) };
const keyB = { keyId: 'b-2027', key: randomBytes(32) };
const ringA = serverKeyring([keyA]);
const place: SealPlace = {
  table: 'referrals',
  column: 'shared_note',
  municipalityId: 'demo-stadt',
  rowId: '0194d6a0-0000-7000-8000-000000000001',
};
const NOTE = 'Bitte nachmittags anrufen lassen';

function flip(sealed: string, index: number): string {
  const c = sealed[index] === 'A' ? 'B' : 'A';
  return sealed.slice(0, index) + c + sealed.slice(index + 1);
}

describe('sealing a value', () => {
  it('opens what it sealed, and never shows the text or repeats a ciphertext', () => {
    const first = sealText(NOTE, place, ringA);
    const second = sealText(NOTE, place, ringA);
    expect(first.keyId).toBe('a-2026');
    expect(first.sealed).not.toContain('anrufen');
    expect(Buffer.from(first.sealed.split('.')[1] ?? '', 'base64url').toString('utf8')).not.toContain('anrufen');
    // A fresh 96-bit IV per value: the same note sealed twice looks different.
    expect(first.sealed).not.toBe(second.sealed);
    expect(first.sealed.split('.')[0]).toHaveLength(16);
    expect(openText(first.sealed, first.keyId, place, ringA)).toBe(NOTE);
  });

  it('refuses a changed ciphertext', () => {
    const { sealed, keyId } = sealText(NOTE, place, ringA);
    for (const index of [3, 20, sealed.length - 2]) {
      expect(() => openText(flip(sealed, index), keyId, place, ringA)).toThrow(SealBrokenError);
    }
  });

  it('refuses a ciphertext moved to another row, column, tenant or revision', () => {
    const { sealed, keyId } = sealText(NOTE, place, ringA);
    const elsewhere: SealPlace[] = [
      { ...place, rowId: '0194d6a0-0000-7000-8000-000000000002' },
      { ...place, column: 'comment' },
      { ...place, table: 'record_reviews' },
      { ...place, municipalityId: 'andere-stadt' },
      { ...place, revision: 2 },
    ];
    for (const other of elsewhere) expect(() => openText(sealed, keyId, other, ringA)).toThrow(SealBrokenError);
    // The error names the place, never the value.
    try {
      openText(sealed, keyId, elsewhere[0] ?? place, ringA);
    } catch (error) {
      expect(String(error)).not.toContain('anrufen');
    }
  });

  it('refuses a row relabelled with another key id, and names an unknown key id', () => {
    const both = serverKeyring([keyB, keyA]);
    const { sealed } = sealText(NOTE, place, ringA);
    expect(openText(sealed, 'a-2026', place, both)).toBe(NOTE);
    expect(() => openText(sealed, 'b-2027', place, both)).toThrow(SealBrokenError);
    expect(() => openText(sealed, 'b-2027', place, ringA)).toThrow(UnknownServerKeyError);
    expect(() => openText(sealed, 'b-2027', place, ringA)).toThrow(/"b-2027".*not configured/);
  });

  it('seals with the first key of the ring and opens with the older ones (rotation)', () => {
    const old = sealText(NOTE, place, ringA);
    const rotated = serverKeyring([keyB, keyA]);
    expect(openText(old.sealed, old.keyId, place, rotated)).toBe(NOTE);
    expect(sealText(NOTE, place, rotated).keyId).toBe('b-2027');
  });
});

describe('record content', () => {
  const content = {
    definitionId: 'default',
    answers: { motherHealth: true },
    score: 7,
    supportNeed: 'urgent',
    override: { supportNeed: 'offerRecommended', reason: 'Erschöpfung deutlich sichtbar' },
    acuteDanger: ['q17'],
    district: 'nord',
  };
  const identity = { municipalityId: 'demo-stadt', id: '0194d6a0-0000-7000-8000-0000000000aa', revision: 2 };

  it('keeps only the counting facts clear and seals the whole content bound to id and revision', () => {
    const sealed = sealRecordContent({ ...identity, kind: 'screening', content }, ringA);
    expect(sealed.facts).toEqual({
      district: 'nord',
      supportNeed: 'urgent',
      override: { supportNeed: 'offerRecommended' },
      acuteDanger: [true],
    });
    expect(JSON.stringify(sealed.facts)).not.toMatch(/Erschöpfung|motherHealth|q17|score/);
    const row = { ...identity, content: sealed.facts, sealed_content: sealed.sealedContent, seal_key_id: sealed.sealKeyId };
    expect(openRecordContent(row, ringA)).toEqual(content);
    expect(() => openRecordContent({ ...row, revision: 1 }, ringA)).toThrow(SealBrokenError);
    // A row from before sealing (no key id) is read as it is.
    expect(openRecordContent({ ...identity, content, sealed_content: null, seal_key_id: null }, ringA)).toEqual(content);
  });

  it('has no facts for a kind the database does not count', () => {
    expect(recordFacts('consentWithdrawal', { reason: 'x' })).toEqual({});
  });
});

describe('server key configuration', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads keys as "<id> <base64>" entries, refuses wrong lengths and repeated ids without echoing the key', () => {
    const a = keyA.key.toString('base64');
    expect(parseServerKeys(`# comment\na-2026 ${a}\n`, 'f').map((k) => k.keyId)).toEqual(['a-2026']);
    expect(parseServerKeys(`b ${keyB.key.toString('base64')},a ${a}`, 'env').map((k) => k.keyId)).toEqual(['b', 'a']);
    const short = randomBytes(16).toString('base64');
    expect(() => parseServerKeys(`x ${short}`, 'f')).toThrow(/not 32 bytes/);
    expect(() => parseServerKeys(`x ${short}`, 'f')).not.toThrow(new RegExp(short.replace(/[+/=]/g, '.')));
    expect(() => parseServerKeys(`x ${a}\nx ${a}`, 'f')).toThrow(/appears twice/);
    expect(() => parseServerKeys('', 'f')).toThrow(/no server key/);
  });

  it('takes SERVER_KEY with its id and older keys for reading; refuses a key without id, and no key outside the embedded default', async () => {
    const env = {
      SERVER_KEY: keyB.key.toString('base64'),
      SERVER_KEY_ID: 'b-2027',
      SERVER_KEYS_PREVIOUS: `a-2026 ${keyA.key.toString('base64')}`,
    };
    const loaded = await loadServerKeys(env);
    expect(loaded.keyring.active.keyId).toBe('b-2027');
    expect([...loaded.keyring.byId.keys()]).toEqual(['b-2027', 'a-2026']);
    await expect(loadServerKeys({ SERVER_KEY: keyB.key.toString('base64') })).rejects.toThrow(/SERVER_KEY_ID/);
    await expect(loadServerKeys({})).rejects.toThrow(/No server key: set SERVER_KEY_FILE/);
  });

  it('generates the embedded default key file once, readable by its owner only, and refuses it when others can read it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lotse-key-'));
    const file = join(dir, 'data', 'server-key');
    const first = await loadServerKeys({}, { generatedFile: file });
    expect(first.generated).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadServerKeys({}, { generatedFile: file });
    expect(again.generated).toBe(false);
    expect(again.keyring.active.key.equals(first.keyring.active.key)).toBe(true);
    await chmod(file, 0o644);
    await expect(loadServerKeys({}, { generatedFile: file })).rejects.toThrow(/chmod 600/);
  });

  it('puts a new key first in a key file and keeps the older ones', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lotse-key-'));
    const file = join(dir, 'server-key');
    await writeFile(file, `a-2026 ${keyA.key.toString('base64')}\n`, { mode: 0o600 });
    await addServerKey(file, 'b-2027');
    const keys = parseServerKeys(await readFile(file, 'utf8'), file);
    expect(keys.map((k) => k.keyId)).toEqual(['b-2027', 'a-2026']);
    expect((await loadServerKeys({ SERVER_KEY_FILE: file })).keyring.active.keyId).toBe('b-2027');
  });
});
