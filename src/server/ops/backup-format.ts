// The encrypted backup file: a clear header (version, key id, time, salt) and the
// dump in AES-256-GCM frames of at most 1 MiB, so a dump of any size streams
// through in constant memory. Each frame's tag covers the header's hash, its
// position and whether it is the last one: a changed header, a flipped byte, a
// reordered, dropped or appended frame and a cut-off file are all refused.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BackupKey } from './backup-key';

export const BACKUP_MAGIC = Buffer.from('LOTSEBAK', 'ascii');
export const BACKUP_FORMAT_VERSION = 1;
export const DEFAULT_FRAME_SIZE = 1024 * 1024;
/** Upper bound a reader accepts for a frame, whatever the header claims (memory). */
const MAX_FRAME_SIZE = 16 * 1024 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const KDF_INFO = Buffer.from('lotse-backup v1 AES-256-GCM frames', 'utf8');

export interface BackupHeader {
  format: 'lotse-backup';
  version: number;
  keyId: string;
  createdAt: string;
  /** What the frames hold, e.g. 'pg_dump-custom'. */
  content: string;
  cipher: 'AES-256-GCM';
  kdf: 'HKDF-SHA-256';
  /** Random per file: the file key is HKDF(backup key, salt), so frame counters never repeat a nonce under one key. */
  salt: string;
  frameSize: number;
}

export class BackupFormatError extends Error {
  constructor(
    readonly reason: 'notABackup' | 'unsupportedVersion' | 'unknownKey' | 'authenticationFailed' | 'truncated' | 'trailingData',
    message: string,
  ) {
    super(message);
    this.name = 'BackupFormatError';
  }
}

function fileKey(key: BackupKey, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, salt, KDF_INFO, 32));
}

/** 96-bit nonce: 7 zero bytes, the frame index (uint32), a last-frame flag (STREAM construction). */
function frameNonce(index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function encodeHeader(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([BACKUP_MAGIC, length, json]);
}

export function newBackupHeader(key: BackupKey, content: string, now: Date = new Date(), frameSize = DEFAULT_FRAME_SIZE): BackupHeader {
  return {
    format: 'lotse-backup',
    version: BACKUP_FORMAT_VERSION,
    keyId: key.keyId,
    createdAt: now.toISOString(),
    content,
    cipher: 'AES-256-GCM',
    kdf: 'HKDF-SHA-256',
    salt: randomBytes(32).toString('base64'),
    frameSize,
  };
}

/** Plain dump in, backup file out. */
export class BackupEncryptStream extends Transform {
  private readonly key: Buffer;
  private readonly aadBase: Buffer;
  private readonly frameSize: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(key: BackupKey, header: BackupHeader) {
    super();
    const encoded = encodeHeader(header);
    this.key = fileKey(key, Buffer.from(header.salt, 'base64'));
    this.aadBase = createHash('sha256').update(encoded).digest();
    this.frameSize = header.frameSize;
    this.push(encoded);
  }

  private seal(plain: Buffer, last: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, frameNonce(this.index, last));
    cipher.setAAD(this.aadBase);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    this.push(Buffer.concat([length, body, cipher.getAuthTag()]));
    this.index += 1;
    if (this.index > 0xffff_ffff) throw new Error('backup too large for the frame counter');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      while (this.pendingBytes > this.frameSize) {
        const all = Buffer.concat(this.pending);
        this.seal(all.subarray(0, this.frameSize), false);
        const rest = all.subarray(this.frameSize);
        this.pending = [rest];
        this.pendingBytes = rest.length;
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      // The last frame (possibly empty) carries the flag: a file cut after any frame is detectable.
      this.seal(Buffer.concat(this.pending), true);
      this.pending = [];
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/**
 * Backup file in, plain dump out — only bytes whose tag checked. `keys` may hold
 * several (rotation): the header's key id picks one. `onHeader` sees the header
 * before any content is released.
 */
export class BackupDecryptStream extends Transform {
  private buffered: Buffer = Buffer.alloc(0);
  private header: BackupHeader | undefined;
  private key: Buffer | undefined;
  private aadBase: Buffer | undefined;
  private index = 0;
  private finished = false;

  constructor(
    private readonly keys: readonly BackupKey[],
    private readonly onHeader?: (header: BackupHeader) => void,
  ) {
    super();
  }

  private readHeader(): boolean {
    if (this.buffered.length < BACKUP_MAGIC.length + 4) return false;
    if (!this.buffered.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) {
      throw new BackupFormatError('notABackup', 'This is not a Lotse backup file (no LOTSEBAK header).');
    }
    const length = this.buffered.readUInt32BE(BACKUP_MAGIC.length);
    if (length > MAX_HEADER_BYTES) throw new BackupFormatError('notABackup', 'The backup header is damaged (implausible length).');
    const end = BACKUP_MAGIC.length + 4 + length;
    if (this.buffered.length < end) return false;
    let parsed: Partial<Record<keyof BackupHeader, unknown>>;
    try {
      parsed = JSON.parse(this.buffered.subarray(BACKUP_MAGIC.length + 4, end).toString('utf8')) as Partial<
        Record<keyof BackupHeader, unknown>
      >;
    } catch {
      throw new BackupFormatError('notABackup', 'The backup header is damaged (not readable).');
    }
    if (parsed.format !== 'lotse-backup' || parsed.version !== BACKUP_FORMAT_VERSION || parsed.cipher !== 'AES-256-GCM') {
      throw new BackupFormatError(
        'unsupportedVersion',
        `Backup format ${String(parsed.format)} v${String(parsed.version)} is not supported by this version of Lotse.`,
      );
    }
    if (
      typeof parsed.keyId !== 'string' ||
      typeof parsed.salt !== 'string' ||
      typeof parsed.createdAt !== 'string' ||
      typeof parsed.content !== 'string'
    ) {
      throw new BackupFormatError('notABackup', 'The backup header is damaged (fields missing).');
    }
    const header = parsed as BackupHeader;
    if (!Number.isInteger(header.frameSize) || header.frameSize < 1 || header.frameSize > MAX_FRAME_SIZE) {
      throw new BackupFormatError('notABackup', 'The backup header is damaged (frame size).');
    }
    const key = this.keys.find((k) => k.keyId === header.keyId);
    if (!key) {
      const known = this.keys.map((k) => `"${k.keyId}"`).join(', ') || 'none';
      throw new BackupFormatError(
        'unknownKey',
        `This backup was made with backup key "${header.keyId}"; the key file holds ${known}. Use the key file that holds "${header.keyId}".`,
      );
    }
    this.key = fileKey(key, Buffer.from(header.salt, 'base64'));
    this.aadBase = createHash('sha256').update(this.buffered.subarray(0, end)).digest();
    this.header = header;
    this.buffered = this.buffered.subarray(end);
    this.onHeader?.(header);
    return true;
  }

  private readFrame(): boolean {
    const { header, key, aadBase } = this;
    if (!header || !key || !aadBase) return false;
    if (this.buffered.length < 4) return false;
    if (this.finished) throw new BackupFormatError('trailingData', 'The backup file has data after its last frame: it was changed.');
    const length = this.buffered.readUInt32BE(0);
    if (length > header.frameSize)
      throw new BackupFormatError('authenticationFailed', 'The backup file was changed or damaged (frame length).');
    const end = 4 + length + TAG_BYTES;
    if (this.buffered.length < end) return false;
    const body = this.buffered.subarray(4, 4 + length);
    const tag = this.buffered.subarray(4 + length, end);
    // A frame is either a middle frame (full size) or the last one; try the flag its size allows first.
    const candidates = length === header.frameSize ? [false, true] : [true];
    let plain: Buffer | undefined;
    let last = false;
    for (const isLast of candidates) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, frameNonce(this.index, isLast));
        decipher.setAAD(aadBase);
        decipher.setAuthTag(tag);
        plain = Buffer.concat([decipher.update(body), decipher.final()]);
        last = isLast;
        break;
      } catch {
        // try the other flag, else fail below
      }
    }
    if (!plain) {
      throw new BackupFormatError(
        'authenticationFailed',
        this.index === 0
          ? 'The backup cannot be decrypted: wrong backup key, or the file (header or content) was changed.'
          : `The backup file was changed or damaged (frame ${String(this.index)} does not check).`,
      );
    }
    this.buffered = this.buffered.subarray(end);
    this.index += 1;
    this.finished = last;
    if (plain.length > 0) this.push(plain);
    return true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      if (!this.header && !this.readHeader()) {
        done();
        return;
      }
      while (this.readFrame()) {
        // each call consumes one frame
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.header) {
      done(new BackupFormatError('truncated', 'The backup file is empty or cut off before its header.'));
      return;
    }
    if (this.buffered.length > 0 && this.finished) {
      done(new BackupFormatError('trailingData', 'The backup file has data after its last frame: it was changed.'));
      return;
    }
    if (!this.finished) {
      done(new BackupFormatError('truncated', 'The backup file is cut off (its last frame is missing): it is incomplete.'));
      return;
    }
    done();
  }
}
