// The vault: encryption at rest on the tablet (DESIGN.md §4, THREAT-MODEL.md).
//
// One random AES-256 data key per tablet encrypts every record, draft and
// session. It exists on the tablet only wrapped: once per staff member (key
// slot, under a key derived from their passphrase with PBKDF2-SHA-256,
// ≥ 600,000 iterations) and once in escrow under a key that only the server
// holds and hands to signed-in staff of the tablet's municipality. While
// unlocked, the data key and the person's signing key are non-extractable
// CryptoKeys in memory; lock() drops them.
//
// The wrong-attempt counter of each slot is authenticated (counterTag: an HMAC
// under a non-extractable key of this tablet): a count or wait edited in
// IndexedDB no longer matches, and the slot is wiped as if the attempts were
// used up — the person signs in online again. This stops resetting the count by
// editing the stored row; it cannot stop someone who restores a whole earlier
// copy or copies the profile away: against that only the passphrase's strength
// and the KDF cost count (THREAT-MODEL.md, "Offline unlock").
import { generateDataKey, openBytes, openJson, sealBytes, sealJson, aadFor, DecryptionError, type Sealed } from '@shared/crypto/aes-gcm';
import { fromBase64Url, toBase64Url, utf8 } from '@shared/crypto/bytes';
import { deriveKeyEncryptionKey, newKdfParams } from '@shared/crypto/key-derivation';
import { exportPublicKey, generateSigningKeyPair, sign } from '@shared/crypto/signing';
import type { Key } from '@shared/crypto/types';
import type { SessionUser } from '@shared/protocol';
import { afterFailedUnlock, checkPassphraseRule, mayAttemptUnlock, PASSPHRASE_RULE_VERSION } from '@domain/unlock-policy';
import type { LotseDatabase } from './LotseDatabase';
import type { KeySlot } from './types';

const SLOT_SCHEMA = 1;
const ESCROW_META_KEY = 'dataKeyEscrow';
const COUNTER_KEY_META_KEY = 'unlockCounterKey';
/** Attempts to win the compare-and-set on a slot's counter against other tabs before giving up for now. */
const COUNTER_ROUNDS = 8;

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
  /** The slot is gone: the last allowed attempt was wrong, or its counter had been edited. */
  | { kind: 'wiped'; cause: 'attempts' | 'tampered' }
  | { kind: 'noSlot' };

type Counter = Pick<KeySlot, 'failedAttempts' | 'nextAttemptAt'>;

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
  /** The passphrase rule version its passphrase was chosen under; below PASSPHRASE_RULE_VERSION it is judged again at unlock. */
  passphraseRule: number;
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

/** What the counter tag covers: the counter, whose slot it is, and which wrapping of the key (salt, IV) it belongs to. */
const counterMessage = (slot: Pick<KeySlot, 'userId' | 'kdf' | 'wrappedDataKey'>, counter: Counter) =>
  utf8(
    [
      'lotse-unlock-counter/1',
      slot.userId,
      String(counter.failedAttempts),
      String(counter.nextAttemptAt ?? '-'),
      slot.kdf.salt,
      slot.wrappedDataKey.iv,
    ].join('\n'),
  );

const isCryptoKey = (value: unknown): value is Key => typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;

export class Vault {
  private dataKey: Key | undefined;
  private signingKey: Key | undefined;
  private user: UnlockedUser | undefined;
  private readonly listeners = new Set<() => void>();
  /** Names of people whose slot was wiped because its counter had been edited (for the lock screen). */
  private readonly tampered = new Map<string, string>();

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

  /** The people who can unlock here. A slot whose counter was edited is wiped on the way, not listed. */
  async listSlots(): Promise<SlotSummary[]> {
    const key = await this.counterKey();
    const intact: KeySlot[] = [];
    for (const slot of await this.db.keySlots.toArray()) {
      if (await this.counterIntact(key, slot)) intact.push(slot);
      else await this.wipeTampered(slot);
    }
    return intact
      .map((s) => ({
        userId: s.userId,
        displayName: s.displayName,
        failedAttempts: s.failedAttempts,
        nextAttemptAt: s.nextAttemptAt,
        passphraseRule: s.passphraseRule ?? 0,
      }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** Display names of the slots this vault wiped because their counter had been edited. */
  tamperedSlotNames(): string[] {
    return [...this.tampered.values()];
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
    const ruleProblem = checkPassphraseRule(passphrase);
    if (ruleProblem) throw new RangeError(`passphrase refused: ${ruleProblem}`);
    const raw = await openBytes(await importEscrowKey(escrowKey), escrow.value as Sealed, aadFor(escrowContext));
    const pair = await generateSigningKeyPair();
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    const slot: KeySlot = {
      userId: user.id,
      displayName: user.displayName,
      roles: user.roles,
      organisationId: user.organisationId,
      municipalityId: user.municipalityId,
      ...(await this.wrapForPassphrase(user.id, passphrase, raw, pkcs8)),
      signingPublicKey: await exportPublicKey(pair.publicKey),
      signingKeyEnrolled: false,
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.db.keySlots.put(slot);
    await this.activate(slot, raw, pkcs8);
    raw.fill(0);
    pkcs8.fill(0);
    return { signingPublicKey: slot.signingPublicKey };
  }

  /**
   * Offline unlock with the passphrase; wrong attempts are throttled and finally wipe the slot.
   * `replaceWith`: a new passphrase that wraps the keys from now on (a stronger one, asked for when
   * the current one fails today's rule). `meetsRule`: the current passphrase was judged to meet
   * today's rule, so it is not asked about again.
   */
  async unlock(
    userId: string,
    passphrase: string,
    maxAttempts: number,
    options: { replaceWith?: string; meetsRule?: boolean } = {},
  ): Promise<UnlockResult> {
    if (options.replaceWith !== undefined) {
      const ruleProblem = checkPassphraseRule(options.replaceWith);
      if (ruleProblem) throw new RangeError(`passphrase refused: ${ruleProblem}`);
    }
    const opened = await this.openSlot(userId, passphrase, maxAttempts);
    if (opened.kind !== 'opened') return opened;
    try {
      if (options.replaceWith !== undefined) {
        const rewrapped = await this.wrapForPassphrase(userId, options.replaceWith, opened.raw, opened.pkcs8);
        await this.db.keySlots.update(userId, { ...rewrapped });
      } else if (options.meetsRule === true && (opened.slot.passphraseRule ?? 0) < PASSPHRASE_RULE_VERSION) {
        await this.db.keySlots.update(userId, { passphraseRule: PASSPHRASE_RULE_VERSION });
      }
      await this.activate(opened.slot, opened.raw, opened.pkcs8);
    } finally {
      opened.raw.fill(0);
      opened.pkcs8.fill(0);
    }
    return { kind: 'unlocked' };
  }

  /** Checks a passphrase without unlocking — counted, throttled and wiping exactly like an unlock. */
  async checkPassphrase(
    userId: string,
    passphrase: string,
    maxAttempts: number,
  ): Promise<Exclude<UnlockResult, { kind: 'unlocked' }> | { kind: 'correct' }> {
    const opened = await this.openSlot(userId, passphrase, maxAttempts);
    if (opened.kind !== 'opened') return opened;
    opened.raw.fill(0);
    opened.pkcs8.fill(0);
    return { kind: 'correct' };
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
    // next wait set, or the slot wiped) BEFORE the key is derived, so parallel
    // attempts from several tabs cannot share one count. The new counter's tag
    // is computed outside the transaction (WebCrypto would end it), and written
    // only if the slot is still as read (compare-and-set; the loser reads again).
    const now = this.now();
    const key = await this.counterKey();
    let admission:
      { kind: 'counted'; slot: KeySlot; remaining: number; retryAt: number | null } | { kind: 'lastAttempt'; slot: KeySlot } | undefined;
    for (let round = 0; round < COUNTER_ROUNDS && !admission; round++) {
      const slot = await this.db.keySlots.get(userId);
      if (!slot) return { kind: 'noSlot' };
      if (!(await this.counterIntact(key, slot))) {
        await this.wipeTampered(slot);
        return { kind: 'wiped', cause: 'tampered' };
      }
      const verdict = mayAttemptUnlock(slot, now);
      if (verdict.kind === 'throttled') return verdict;
      const outcome = afterFailedUnlock(slot.failedAttempts, maxAttempts, now);
      const counted: Counter | null =
        outcome.kind === 'wipe' ? null : { failedAttempts: outcome.failures, nextAttemptAt: outcome.nextAttemptAt };
      const tagged = counted ? { ...counted, counterTag: await this.tagCounter(key, slot, counted) } : null;
      const won = await this.db.transaction('rw', this.db.keySlots, async () => {
        const current = await this.db.keySlots.get(userId);
        if (!current || !sameCounter(current, slot)) return false;
        if (tagged) await this.db.keySlots.update(userId, tagged);
        else await this.db.keySlots.delete(userId);
        return true;
      });
      if (!won) continue;
      admission =
        outcome.kind === 'wipe'
          ? { kind: 'lastAttempt', slot }
          : { kind: 'counted', slot, remaining: outcome.remaining, retryAt: outcome.nextAttemptAt };
    }
    if (!admission) return { kind: 'throttled', retryAt: now + 1000 }; // other tabs kept changing the count: try again shortly
    const { slot } = admission;
    let raw: Uint8Array<ArrayBuffer>;
    let pkcs8: Uint8Array<ArrayBuffer>;
    try {
      const kek = await deriveKeyEncryptionKey(passphrase, slot.kdf);
      raw = await openBytes(kek, slot.wrappedDataKey, aadFor(slotContext(userId, 'dataKey')));
      pkcs8 = await openBytes(kek, slot.wrappedSigningKey, aadFor(slotContext(userId, 'signingKey')));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      if (admission.kind === 'lastAttempt') return { kind: 'wiped', cause: 'attempts' };
      return { kind: 'wrong', remaining: admission.remaining, retryAt: admission.retryAt };
    }
    const reset: Counter = { failedAttempts: 0, nextAttemptAt: null };
    const counterTag = await this.tagCounter(key, slot, reset);
    if (admission.kind === 'lastAttempt') {
      await this.db.keySlots.put({ ...slot, ...reset, counterTag }); // the right passphrase on the last attempt: keep the slot after all
    } else {
      await this.db.keySlots.update(userId, { ...reset, counterTag });
    }
    return { kind: 'opened', slot, raw, pkcs8 };
  }

  /** New KDF parameters, both keys wrapped under the passphrase, a fresh counter and its tag. */
  private async wrapForPassphrase(
    userId: string,
    passphrase: string,
    raw: Uint8Array<ArrayBuffer>,
    pkcs8: Uint8Array<ArrayBuffer>,
  ): Promise<
    Pick<KeySlot, 'kdf' | 'wrappedDataKey' | 'wrappedSigningKey' | 'failedAttempts' | 'nextAttemptAt' | 'counterTag' | 'passphraseRule'>
  > {
    const kdf = newKdfParams();
    const kek = await deriveKeyEncryptionKey(passphrase, kdf);
    const wrappedDataKey = await sealBytes(kek, raw, aadFor(slotContext(userId, 'dataKey')));
    const wrappedSigningKey = await sealBytes(kek, pkcs8, aadFor(slotContext(userId, 'signingKey')));
    const counter: Counter = { failedAttempts: 0, nextAttemptAt: null };
    const counterTag = await this.tagCounter(await this.counterKey(), { userId, kdf, wrappedDataKey }, counter);
    return { kdf, wrappedDataKey, wrappedSigningKey, ...counter, counterTag, passphraseRule: PASSPHRASE_RULE_VERSION };
  }

  /**
   * The tablet's counter key: HMAC-SHA-256, non-extractable, kept in IndexedDB (a CryptoKey is
   * stored as an opaque handle; its bytes never reach script). Created on first use; slots from
   * before it existed get their current counter tagged then, once. A slot that carries a tag while
   * the key is missing had its key deleted: it is treated as edited.
   */
  private async counterKey(): Promise<Key> {
    const stored = (await this.db.meta.get(COUNTER_KEY_META_KEY))?.value;
    if (isCryptoKey(stored)) return stored;
    const fresh = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
    const slots = await this.db.keySlots.toArray();
    const adopted = await Promise.all(
      slots.filter((s) => s.counterTag === undefined).map(async (s) => ({ slot: s, tag: await this.tagCounter(fresh, s, s) })),
    );
    const winner = await this.db.transaction('rw', this.db.meta, this.db.keySlots, async () => {
      const raced = (await this.db.meta.get(COUNTER_KEY_META_KEY))?.value;
      if (isCryptoKey(raced)) return raced; // another tab created it first and adopted the slots
      await this.db.meta.put({ key: COUNTER_KEY_META_KEY, value: fresh });
      for (const { slot, tag } of adopted) {
        const current = await this.db.keySlots.get(slot.userId);
        if (current && current.counterTag === undefined && sameCounter(current, slot))
          await this.db.keySlots.update(slot.userId, { counterTag: tag });
      }
      return fresh;
    });
    return winner;
  }

  private async tagCounter(key: Key, slot: Pick<KeySlot, 'userId' | 'kdf' | 'wrappedDataKey'>, counter: Counter): Promise<string> {
    return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, counterMessage(slot, counter))));
  }

  private async counterIntact(key: Key, slot: KeySlot): Promise<boolean> {
    if (typeof slot.counterTag !== 'string' || !Number.isInteger(slot.failedAttempts) || slot.failedAttempts < 0) return false;
    if (slot.nextAttemptAt !== null && !Number.isFinite(slot.nextAttemptAt)) return false;
    let tag: Uint8Array<ArrayBuffer>;
    try {
      tag = fromBase64Url(slot.counterTag);
    } catch {
      return false;
    }
    return crypto.subtle.verify('HMAC', key, tag, counterMessage(slot, slot));
  }

  /** An edited counter counts as used up: the slot goes (its owner signs in online again), unless it changed meanwhile. */
  private async wipeTampered(slot: KeySlot): Promise<void> {
    const wiped = await this.db.transaction('rw', this.db.keySlots, async () => {
      const current = await this.db.keySlots.get(slot.userId);
      if (!current || !sameCounter(current, slot)) return false;
      await this.db.keySlots.delete(slot.userId);
      return true;
    });
    if (wiped) this.tampered.set(slot.userId, slot.displayName);
    if (this.user?.userId === slot.userId) this.lock();
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

/** Whether a slot row still holds the counter (and wrapping) it was read with. */
function sameCounter(a: KeySlot, b: KeySlot): boolean {
  return (
    a.failedAttempts === b.failedAttempts &&
    a.nextAttemptAt === b.nextAttemptAt &&
    a.counterTag === b.counterTag &&
    a.kdf.salt === b.kdf.salt &&
    a.wrappedDataKey.iv === b.wrappedDataKey.iv
  );
}
