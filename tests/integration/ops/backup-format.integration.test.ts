// The encrypted backup format on its own: a dump spread over many frames comes
// back byte for byte, and every kind of change to the file is refused with a
// clear reason instead of yielding bytes.
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { BackupDecryptStream, BackupEncryptStream, BackupFormatError, newBackupHeader } from '@server/ops/backup-format';
import { newBackupKey, parseBackupKeys, type BackupKey } from '@server/ops/backup-key';

const FRAME = 4096;

/** Feeds `data` in odd-sized pieces, as pipes do. */
function pieces(data: Buffer, size = 1000): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts);
}

async function collect(source: Readable, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    source,
    transform,
    new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

async function encrypt(plain: Buffer, key: BackupKey): Promise<Buffer> {
  return collect(pieces(plain, 777), new BackupEncryptStream(key, newBackupHeader(key, 'test', new Date('2026-12-07T03:00:00Z'), FRAME)));
}

async function decrypt(file: Buffer, keys: BackupKey[]): Promise<Buffer> {
  return collect(pieces(file, 1500), new BackupDecryptStream(keys));
}

async function refusal(file: Buffer, keys: BackupKey[]): Promise<BackupFormatError> {
  try {
    await decrypt(file, keys);
  } catch (error) {
    if (error instanceof BackupFormatError) return error;
    throw error;
  }
  throw new Error('the changed backup was accepted');
}

describe('encrypted backup format', () => {
  const key = newBackupKey('backup-2026-12');

  it('returns the dump byte for byte over many frames, and a frame-sized dump too', async () => {
    for (const size of [0, 1, FRAME, 3 * FRAME, 10 * FRAME + 123]) {
      const plain = randomBytes(size);
      const file = await encrypt(plain, key);
      expect((await decrypt(file, [key])).equals(plain)).toBe(true);
      // Nothing of the dump shows in the file.
      if (size >= 64) expect(file.includes(plain.subarray(0, 32))).toBe(false);
    }
  });

  it('refuses a flipped byte anywhere: header, frame length, content, tag', async () => {
    const file = await encrypt(randomBytes(5 * FRAME + 10), key);
    const headerLength = 12 + file.readUInt32BE(8);
    const positions = [9 + 20, headerLength + 2, headerLength + 4 + 100, headerLength + 4 + FRAME + 3, file.length - 1, file.length - 20];
    for (const position of positions) {
      const changed = Buffer.from(file);
      changed[position] = (changed[position] ?? 0) ^ 0x01;
      const error = await refusal(changed, [key]);
      expect(['authenticationFailed', 'notABackup', 'unsupportedVersion', 'truncated']).toContain(error.reason);
    }
    // The header's time is covered too: a back-dated copy does not decrypt.
    const redated = Buffer.from(file.toString('latin1').replace('2026-12-07T03', '2026-11-07T03'), 'latin1');
    expect((await refusal(redated, [key])).reason).toBe('authenticationFailed');
  });

  it('refuses a file cut after a frame, with a frame dropped or swapped, or with data appended', async () => {
    const file = await encrypt(randomBytes(4 * FRAME + 10), key);
    const headerLength = 12 + file.readUInt32BE(8);
    const frame = 4 + FRAME + 16;
    const frames = [0, 1, 2, 3].map((i) => file.subarray(headerLength + i * frame, headerLength + (i + 1) * frame));
    const head = file.subarray(0, headerLength);
    const last = file.subarray(headerLength + 4 * frame);
    expect((await refusal(Buffer.concat([head, ...frames]), [key])).reason).toBe('truncated');
    expect(
      (
        await refusal(
          Buffer.concat([head, frames[0] ?? Buffer.alloc(0), frames[2] ?? Buffer.alloc(0), frames[3] ?? Buffer.alloc(0), last]),
          [key],
        )
      ).reason,
    ).toBe('authenticationFailed');
    expect(
      (
        await refusal(
          Buffer.concat([
            head,
            frames[1] ?? Buffer.alloc(0),
            frames[0] ?? Buffer.alloc(0),
            frames[2] ?? Buffer.alloc(0),
            frames[3] ?? Buffer.alloc(0),
            last,
          ]),
          [key],
        )
      ).reason,
    ).toBe('authenticationFailed');
    expect((await refusal(Buffer.concat([file, Buffer.from([0, 0, 0, 0])]), [key])).reason).toBe('trailingData');
    expect((await refusal(file.subarray(0, 10), [key])).reason).toBe('truncated');
  });

  it('refuses a wrong key under the same id, names a missing key id, and opens with the right one of several', async () => {
    const file = await encrypt(randomBytes(2 * FRAME), key);
    const impostor: BackupKey = { keyId: key.keyId, key: randomBytes(32) };
    const wrong = await refusal(file, [impostor]);
    expect(wrong.reason).toBe('authenticationFailed');
    expect(wrong.message).toMatch(/wrong backup key/);
    const missing = await refusal(file, [newBackupKey('backup-2027-06')]);
    expect(missing.reason).toBe('unknownKey');
    expect(missing.message).toContain('"backup-2026-12"');
    const rotated = [newBackupKey('backup-2027-06'), key];
    expect((await decrypt(file, rotated)).length).toBe(2 * FRAME);
    expect((await refusal(Buffer.from('PGDMP not encrypted at all'), [key])).reason).toBe('notABackup');
  });

  it('reads key files of "<id> <base64>" lines and refuses malformed keys without echoing them', () => {
    const a = randomBytes(32).toString('base64');
    const keys = parseBackupKeys(`# comment\nnew-key ${a}\n\nold-key ${randomBytes(32).toString('base64')}\n`, 'keys');
    expect(keys.map((k) => k.keyId)).toEqual(['new-key', 'old-key']);
    const short = randomBytes(16).toString('base64');
    expect(() => parseBackupKeys(`k ${short}`, 'keys')).toThrow(/not 32 bytes/);
    try {
      parseBackupKeys(`bad line with ${a}`, 'keys');
    } catch (error) {
      expect(String(error)).not.toContain(a);
    }
  });
});
