// What the partner's warm-handover components share: the passphrase rule, the
// key as the server describes it, and the key unwrapped in this page's memory.
import type { Key } from '@shared/crypto/types';
import type { HandoverKeyResponse } from '@shared/handover-api';

export const MIN_HANDOVER_PASSPHRASE_LENGTH = 12;

export type HandoverKeyInfo = HandoverKeyResponse['key'];

/** The unwrapped key of this page (null until the passphrase was given once). */
export interface UnlockedKey {
  keyId: string;
  privateKey: Key;
}
