// SHA-256 over the canonical JSON of a record's content, as lowercase hex.
// WebCrypto's subtle.digest exists in browsers and in Node 20 alike.
import { canonicalJson } from './canonical-json';

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function contentHash(content: unknown): Promise<string> {
  return sha256Hex(canonicalJson(content));
}

export const CONTENT_HASH_PATTERN = /^[0-9a-f]{64}$/;
