// The vault: encryption at rest on the tablet (DESIGN.md §4, THREAT-MODEL.md).
//
// One random AES-256 data key per tablet encrypts every record, draft and
// session. It exists on the tablet only wrapped: once per staff member (key
// slot, under a key derived from their passphrase with PBKDF2-SHA-256,
// ≥ 600,000 iterations) and once in escrow under a key that only the server
// holds and hands to signed-in staff of the tablet's municipality. While
// unlocked, the data key and the person's signing key are non-extractable
// CryptoKeys in memory; lock() drops them.
import { generateDataKey, openBytes, openJson, sealBytes, sealJson, aadFor, DecryptionError, type Sealed } from '@shared/crypto/aes-gcm';
import { fromBase64Url } from '@shared/crypto/bytes';
import { deriveKeyEncryptionKey, newKdfParams } from '@shared/crypto/key-derivation';
import { exportPublicKey, generateSigningKeyPair, sign } from '@shared/crypto/signing';
import type { Key } from '@shared/crypto/types';
import type { SessionUser } from '@shared/protocol';
import { afterFailedUnlock, mayAttemptUnlock } from '@domain/unlock-policy';
import type { LotseDatabase } from './LotseDatabase';
import type { KeySlot } from './types';

const SLOT_SCHEMA = 1;
const ESCROW_META_KEY = 'dataKeyEscrow';

export interface UnlockedUser {
  userId: string;
  displayName: string;
  roles: string[];
  organisationId: string;
  municipalityId: string;
}

export type UnlockResult =
  | { kind: 'unlocked' }
  | { kind: 'wrong'; remaining: number; retryAt: number | null }
  | { kind: 'throttled'; retryAt: number }
  | { kind: 'wiped' }
  | { kind: 'noSlot' };

export class VaultLockedError extends Error {
  override readonly name = 'VaultLockedError';
  constructor() {
    super('the vault is locked');
  }
}

export interface SlotSummary {
  userId: string;
  displayName: string;
  failedAttempts: number;
  nextAttemptAt: number | null;
}

async function importDataKey(raw: Uint8Array<ArrayBuffer>): Promise<Key> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function importEscrowKey(escrowKey: string): Promise<Key> {
  const raw = fromBase64Url(escrowKey);
  if (raw.length !== 32) throw new DecryptionError('escrow key must be 32 bytes');
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

const slotContext = (userId: string, part: 'dataKey' | 'signingKey') => ({
  table: 'keySlots',
  id: `${userId}#${part}`,
  schemaVersion: SLOT_SCHEMA,
});
const escrowContext = { table: 'meta', id: ESCROW_META_KEY, schemaVersion: SLOT_SCHEMA };

export class Vault {
  private dataKey: Key | undefined;
  private signingKey: Key | undefined;
  private user: UnlockedUser | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: LotseDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  get unlockedUser(): UnlockedUser | undefined {
    return this.user;
  }

  get isUnlocked(): boolean {
    return this.dataKey !== undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether this tablet has a data key (it was enrolled). */
  async isProvisioned(): Promise<boolean> {
    return (await this.db.meta.get(ESCROW_META_KEY)) !== undefined;
  }

  /** At enrollment: creates the tablet's data key and stores it only in escrow. */
  async provision(escrowKey: string): Promise<void> {
    if (await this.isProvisioned()) return;
    const dataKey = await generateDataKey(true);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', dataKey));
    const sealed = await sealBytes(await importEscrowKey(escrowKey), raw, aadFor(escrowContext));
    raw.fill(0);
    await this.db.meta.put({ key: ESCROW_META_KEY, value: sealed });
  }

  async listSlots(): Promise<SlotSummary[]> {
    const slots = await this.db.keySlots.toArray();
    return slots
      .map((s) => ({ userId: s.userId, displayName: s.displayName, failedAttempts: s.failedAttempts, nextAttemptAt: s.nextAttemptAt }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  async hasSlot(userId: string): Promise<boolean> {
    return (await this.db.keySlots.get(userId)) !== undefined;
  }

  /**
   * A person's first sign-in on this tablet: unwraps the data key from escrow
   * (with the key the server just handed out), wraps it under their new
   * passphrase, creates their signing key pair, and unlocks.
   * Returns the public signing key to enroll with the server.
   */
  async createSlot(user: SessionUser, passphrase: string, escrowKey: string): Promise<{ signingPublicKey: string }> {
    const escrow = await this.db.meta.get(ESCROW_META_KEY);
    if (!escrow) throw new Error('tablet not provisioned');
    const raw = await openBytes(await importEscrowKey(escrowKey), escrow.value as Sealed, aadFor(escrowContext));
    const kdf = newKdfParams();
    const kek = await deriveKeyEncryptionKey(passphrase, kdf);
    const pair = await generateSigningKeyPair();
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    const slot: KeySlot = {
      userId: user.id,
      displayName: user.displayName,
      roles: user.roles,
      organisationId: user.organisationId,
      municipalityId: user.municipalityId,
      kdf,
      wrappedDataKey: await sealBytes(kek, raw, aadFor(slotContext(user.id, 'dataKey'))),
      wrappedSigningKey: await sealBytes(kek, pkcs8, aadFor(slotContext(user.id, 'signingKey'))),
      signingPublicKey: await exportPublicKey(pair.publicKey),
      signingKeyEnrolled: false,
      failedAttempts: 0,
      nextAttemptAt: null,
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.db.keySlots.put(slot);
    await this.activate(slot, raw, pkcs8);
    raw.fill(0);
    pkcs8.fill(0);
    return { signingPublicKey: slot.signingPublicKey };
  }

  /** Offline unlock with the passphrase; wrong attempts are throttled and finally wipe the slot. */
  async unlock(userId: string, passphrase: string, maxAttempts: number): Promise<UnlockResult> {
    const opened = await this.openSlot(userId, passphrase, maxAttempts);
    if (opened.kind !== 'opened') return opened;
    await this.activate(opened.slot, opened.raw, opened.pkcs8);
    opened.raw.fill(0);
    opened.pkcs8.fill(0);
    return { kind: 'unlocked' };
  }

  /**
   * The unlocked person proves it is them again (taking the tablet back from a
   * family): their passphrase must open their own key slot — counted and
   * throttled exactly like an unlock. Nothing changes in memory; a wrong last
   * attempt wipes the slot like an unlock does, and then the vault locks too.
   */
  async confirmPassphrase(
    userId: string,
    passphrase: string,
    maxAttempts: number,
  ): Promise<Exclude<UnlockResult, { kind: 'unlocked' }> | { kind: 'confirmed' }> {
    if (this.user?.userId !== userId) return { kind: 'noSlot' };
    const opened = await this.openSlot(userId, passphrase, maxAttempts);
    if (opened.kind !== 'opened') {
      if (opened.kind === 'wiped' || opened.kind === 'noSlot') this.lock();
      return opened;
    }
    opened.raw.fill(0);
    opened.pkcs8.fill(0);
    return { kind: 'confirmed' };
  }

  /**
   * A colleague signs on this tablet without taking it over (four-eyes on the
   * same tablet): their passphrase opens their own signing key just for this
   * one signature — counted and throttled exactly like an unlock — and the
   * unlocked person's session stays as it was.
   */
  async signWithPassphrase(
    userId: string,
    passphrase: string,
    maxAttempts: number,
    message: string,
  ): Promise<Exclude<UnlockResult, { kind: 'unlocked' }> | { kind: 'signed'; signature: string; publicKey: string }> {
    const opened = await this.openSlot(userId, passphrase, maxAttempts);
    if (opened.kind !== 'opened') return opened;
    opened.raw.fill(0);
    try {
      const key = await crypto.subtle.importKey('pkcs8', opened.pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
      return { kind: 'signed', signature: await sign(key, message), publicKey: opened.slot.signingPublicKey };
    } finally {
      opened.pkcs8.fill(0);
    }
  }

  private async openSlot(
    userId: string,
    passphrase: string,
    maxAttempts: number,
  ): Promise<
    | Exclude<UnlockResult, { kind: 'unlocked' }>
    | { kind: 'opened'; slot: KeySlot; raw: Uint8Array<ArrayBuffer>; pkcs8: Uint8Array<ArrayBuffer> }
  > {
    // Count first, verify second: the attempt is recorded as failed (and the
    // next wait set, or the slot wiped) in one transaction BEFORE the key is
    // derived, so parallel attempts from several tabs cannot share one count.
    const now = this.now();
    const admission = await this.db.transaction('rw', this.db.keySlots, async () => {
      const slot = await this.db.keySlots.get(userId);
      if (!slot) return { kind: 'noSlot' } as const;
      const verdict = mayAttemptUnlock(slot, now);
      if (verdict.kind === 'throttled') return verdict;
      const outcome = afterFailedUnlock(slot.failedAttempts, maxAttempts, now);
      if (outcome.kind === 'wipe') {
        await this.db.keySlots.delete(userId);
        return { kind: 'lastAttempt', slot } as const;
      }
      await this.db.keySlots.update(userId, { failedAttempts: outcome.failures, nextAttemptAt: outcome.nextAttemptAt });
      return { kind: 'counted', slot, outcome } as const;
    });
    if (admission.kind === 'noSlot' || admission.kind === 'throttled') return admission;
    const { slot } = admission;
    let raw: Uint8Array<ArrayBuffer>;
    let pkcs8: Uint8Array<ArrayBuffer>;
    try {
      const kek = await deriveKeyEncryptionKey(passphrase, slot.kdf);
      raw = await openBytes(kek, slot.wrappedDataKey, aadFor(slotContext(userId, 'dataKey')));
      pkcs8 = await openBytes(kek, slot.wrappedSigningKey, aadFor(slotContext(userId, 'signingKey')));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      if (admission.kind === 'lastAttempt') return { kind: 'wiped' };
      return { kind: 'wrong', remaining: admission.outcome.remaining, retryAt: admission.outcome.nextAttemptAt };
    }
    if (admission.kind === 'lastAttempt') {
      await this.db.keySlots.put(slot); // the right passphrase on the last attempt: keep the slot after all
    }
    await this.db.keySlots.update(userId, { failedAttempts: 0, nextAttemptAt: null });
    return { kind: 'opened', slot, raw, pkcs8 };
  }

  /** Forgets every key in memory. Screens listening to onChange drop decrypted state. */
  lock(): void {
    if (!this.dataKey && !this.user) return;
    this.dataKey = undefined;
    this.signingKey = undefined;
    this.user = undefined;
    this.emit();
  }

  /** Signs a person out of this tablet for good: their key slot is deleted and the vault locks. */
  async removeSlot(userId: string): Promise<void> {
    await this.db.keySlots.delete(userId);
    if (this.user?.userId === userId) this.lock();
  }

  async markSigningKeyEnrolled(userId: string): Promise<void> {
    await this.db.keySlots.update(userId, { signingKeyEnrolled: true });
  }

  async slot(userId: string): Promise<KeySlot | undefined> {
    return this.db.keySlots.get(userId);
  }

  async seal(table: string, id: string, schemaVersion: number, value: unknown): Promise<Sealed> {
    return sealJson(this.requireKey(), value, { table, id, schemaVersion });
  }

  async open(table: string, id: string, schemaVersion: number, sealed: Sealed): Promise<unknown> {
    return openJson(this.requireKey(), sealed, { table, id, schemaVersion });
  }

  private async activate(slot: KeySlot, raw: Uint8Array<ArrayBuffer>, pkcs8: Uint8Array<ArrayBuffer>): Promise<void> {
    this.dataKey = await importDataKey(raw);
    this.signingKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    this.user = {
      userId: slot.userId,
      displayName: slot.displayName,
      roles: slot.roles,
      organisationId: slot.organisationId,
      municipalityId: slot.municipalityId,
    };
    this.emit();
  }

  async signAsUnlockedUser(message: string): Promise<string> {
    if (!this.signingKey) throw new VaultLockedError();
    return sign(this.signingKey, message);
  }

  private requireKey(): Key {
    if (!this.dataKey) throw new VaultLockedError();
    return this.dataKey;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
