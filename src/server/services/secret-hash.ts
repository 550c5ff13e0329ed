// SHA-256 of bearer tokens, refresh tokens and tablet secrets: only the hash is
// stored, so a copy of the database grants no session and proves no tablet.
import { createHash } from 'node:crypto';

/** The raw 32-byte digest, for constant-time comparison (timingSafeEqual). */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The digest as 64 hex characters: how token and secret hashes are stored. */
export function hashToken(token: string): string {
  return sha256(token).toString('hex');
}
