// The content hash of a pushed record on the server: the same digest as
// @shared/content-hash (SHA-256 over the canonical JSON, lowercase hex), computed
// with node:crypto in the request's own turn instead of one WebCrypto job per
// record — a push of 500 records otherwise waited for 500 thread-pool round trips.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@shared/canonical-json';

export function contentHashSync(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}
