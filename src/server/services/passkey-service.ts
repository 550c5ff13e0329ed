// Passkeys (WebAuthn, @simplewebauthn/server) as a second factor of office sign-ins, beside the
// authenticator app: set up as the required factor right after the password, added later from
// the own account (with the password again), used at the code step, listed and removed.
// The relying party is the server's public origin (PUBLIC_ORIGIN): a passkey answers only a page
// of that origin, which is what makes it resist phishing where a typed code does not.
// Challenges are kept in the database (several instances), only as hashes, for a few minutes,
// and are taken by the first answer, right or wrong. The signature counter must grow.
// Every registration, use, refusal and removal is audited; no key, challenge or signature is.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransportFuture,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import type { LoginResponse, SessionUser } from '@shared/protocol';
import type { OwnPasskeys, PasskeyAdded, PasskeyAssertion, PasskeyOptions, PasskeyRegistration, PasskeySummary } from '@shared/passkeys';
import { audit } from './audit';
import type { SecurityNote } from './security-events';
import { hashToken } from './secret-hash';
import { note, type SecondFactorOutcome, type SecondFactorService } from './second-factor-service';
import type { SignInLimits } from './sign-in-limits';
import { ServiceError, defaultMessage } from './service-error';

/** A challenge is answered within this time (a touch or a fingerprint, not a set-up). */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;
const RP_NAME = 'Lotse';

/** Who the passkeys are for: the host name (RP ID) and the exact origin the browser shows. */
export interface PasskeyRelyingParty {
  id: string;
  origin: string;
}

/**
 * The relying party from PUBLIC_ORIGIN: an https origin, or http on localhost (a secure context
 * for tests and trials). An IP address cannot be an RP ID; a path or query is a mistake.
 */
export function relyingPartyFrom(publicOrigin: string): PasskeyRelyingParty {
  let url: URL;
  try {
    url = new URL(publicOrigin);
  } catch {
    throw new Error(`PUBLIC_ORIGIN is not a URL: ${publicOrigin}`);
  }
  const local = url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new Error('PUBLIC_ORIGIN must be https://… (http only for localhost).');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error('PUBLIC_ORIGIN is an origin only, e.g. https://lotse.example.de (no path).');
  }
  if (/^[\d.]+$/.test(url.hostname) || url.hostname.startsWith('[')) {
    throw new Error('PUBLIC_ORIGIN needs a host name: passkeys cannot be bound to an IP address.');
  }
  return { id: url.hostname, origin: url.origin };
}

interface CredentialRow {
  credential_id: string;
  account_id: string;
  municipality_id: string;
  public_key: string;
  sign_count: string | number;
  transports: string[];
  label: string;
  created_at: unknown;
  last_used_at: unknown;
}

type Purpose = 'register' | 'authenticate';

function summary(row: Pick<CredentialRow, 'credential_id' | 'label' | 'created_at' | 'last_used_at'>): PasskeySummary {
  return {
    id: row.credential_id,
    label: row.label,
    createdAt: toIsoTimestamp(row.created_at),
    lastUsedAt: row.last_used_at == null ? null : toIsoTimestamp(row.last_used_at),
  };
}

/** The challenge and origin the browser signed over (clientDataJSON); null when it cannot be read. */
function clientDataOf(clientDataJSON: string): { challenge: string; origin: string } | null {
  try {
    const parsed: unknown = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { challenge, origin } = parsed as Record<string, unknown>;
    return typeof challenge === 'string' && typeof origin === 'string' ? { challenge, origin } : null;
  } catch {
    return null;
  }
}

function unavailable(): ServiceError {
  return new ServiceError(409, 'passkeysUnavailable', defaultMessage('passkeysUnavailable'));
}

function refused(): ServiceError {
  return new ServiceError(401, 'passkeyRefused', defaultMessage('passkeyRefused'));
}

/** A refusal of a signed-in person's own ceremony: its error and its security events. */
export class PasskeyRefused extends ServiceError {
  constructor(
    base: ServiceError,
    readonly security: SecurityNote[],
  ) {
    super(base.statusCode, base.reason, base.message, base.issues);
  }
}

export class PasskeyService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly limits: SignInLimits,
    private readonly factors: SecondFactorService,
    private readonly relyingParty: PasskeyRelyingParty | undefined,
    private readonly checkPassword: (accountId: string, password: string) => Promise<boolean>,
  ) {}

  get available(): boolean {
    return this.relyingParty !== undefined;
  }

  private rp(): PasskeyRelyingParty {
    if (this.relyingParty === undefined) throw unavailable();
    return this.relyingParty;
  }

  private async storeChallenge(account: { id: string; municipalityId: string }, purpose: Purpose, challenge: string): Promise<void> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM passkey_challenges WHERE account_id = $1 AND expires_at <= $2', [account.id, now]);
      await tx.query(
        `INSERT INTO passkey_challenges (challenge_hash, account_id, municipality_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [hashToken(challenge), account.id, account.municipalityId, purpose, now, new Date(now.getTime() + PASSKEY_CHALLENGE_TTL_MS)],
      );
    });
  }

  /**
   * Takes the challenge the answer signed over: deleted whether the answer then verifies or not,
   * so each challenge is answered at most once. Null for an unknown, used, expired or foreign one,
   * or for an answer from another origin than ours.
   */
  private async takeChallenge(accountId: string, purpose: Purpose, clientDataJSON: string): Promise<string | null> {
    const clientData = clientDataOf(clientDataJSON);
    if (clientData === null) return null;
    const taken = await this.db.query(
      `DELETE FROM passkey_challenges
        WHERE challenge_hash = $1 AND account_id = $2 AND purpose = $3 AND expires_at > $4 RETURNING 1`,
      [hashToken(clientData.challenge), accountId, purpose, this.clock()],
    );
    if (taken.length !== 1) return null;
    // Checked here and again by the library: an answer made on another site is never accepted.
    if (clientData.origin !== this.rp().origin) return null;
    return clientData.challenge;
  }

  private async credentialsOf(q: Queryable, accountId: string): Promise<CredentialRow[]> {
    return q.query<CredentialRow>(
      `SELECT credential_id, account_id, municipality_id, public_key, sign_count, transports, label, created_at, last_used_at
         FROM passkey_credentials WHERE account_id = $1 ORDER BY created_at, credential_id`,
      [accountId],
    );
  }

  private async registrationOptionsFor(account: { id: string; municipalityId: string }): Promise<PasskeyOptions> {
    const rp = this.rp();
    const [row] = await this.db.query<{ username: string }>('SELECT username FROM staff_accounts WHERE id = $1', [account.id]);
    const existing = await this.credentialsOf(this.db, account.id);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.id,
      userName: row?.username ?? account.id,
      // The account id (a random id, no personal data): an authenticator keeps one passkey per account.
      userID: new TextEncoder().encode(account.id),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports as AuthenticatorTransportFuture[] })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: PASSKEY_CHALLENGE_TTL_MS,
    });
    await this.storeChallenge(account, 'register', options.challenge);
    return options as unknown as PasskeyOptions;
  }

  /** Verifies a new passkey against a challenge of ours; the credential to store, or null. */
  private async verifiedRegistration(
    accountId: string,
    registration: PasskeyRegistration,
  ): Promise<{ id: string; publicKey: string; counter: number; transports: string[] } | null> {
    const rp = this.rp();
    const challenge = await this.takeChallenge(accountId, 'register', registration.response.clientDataJSON);
    if (challenge === null) return null;
    try {
      const verification = await verifyRegistrationResponse({
        response: registration as Parameters<typeof verifyRegistrationResponse>[0]['response'],
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: false,
      });
      const info = verification.registrationInfo;
      if (!verification.verified || info === undefined) return null;
      return {
        id: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? registration.response.transports ?? [],
      };
    } catch {
      return null;
    }
  }

  private async insertCredential(
    tx: Queryable,
    account: { id: string; municipalityId: string },
    credential: { id: string; publicKey: string; counter: number; transports: string[] },
    label: string,
    now: Date,
  ): Promise<PasskeySummary | null> {
    const [row] = await tx.query<CredentialRow>(
      `INSERT INTO passkey_credentials (credential_id, account_id, municipality_id, public_key, sign_count, transports, label, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (credential_id) DO NOTHING
       RETURNING credential_id, label, created_at, last_used_at`,
      [credential.id, account.id, account.municipalityId, credential.publicKey, credential.counter, credential.transports, label, now],
    );
    if (!row) return null;
    await audit(tx, { municipalityId: account.municipalityId, actorId: account.id, action: 'passkey.registered', objectId: credential.id });
    return summary(row);
  }

  // --- the code step of a pending sign-in ---

  /** The options of a sign-in with one of the account's passkeys (pending 'verify'). */
  async signInOptions(pendingToken: string, clientAddress: string): Promise<SecondFactorOutcome<PasskeyOptions>> {
    const rp = this.rp();
    const challenge = await this.factors.openChallenge(this.db, pendingToken, 'verify', this.clock(), false);
    if (!challenge) return this.factors.unknownChallenge(clientAddress);
    const credentials = await this.credentialsOf(this.db, challenge.account_id);
    if (credentials.length === 0) return { ok: false, error: unavailable(), security: [] };
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: credentials.map((c) => ({ id: c.credential_id, transports: c.transports as AuthenticatorTransportFuture[] })),
      userVerification: 'preferred',
      timeout: PASSKEY_CHALLENGE_TTL_MS,
    });
    await this.storeChallenge({ id: challenge.account_id, municipalityId: challenge.municipality_id }, 'authenticate', options.challenge);
    return { ok: true, value: options as unknown as PasskeyOptions };
  }

  /**
   * The code step answered by a passkey: our challenge, our origin, a passkey of this account,
   * a valid signature and a grown counter turn the pending sign-in into a session. A refusal
   * counts under the sign-in limits like a wrong code.
   */
  async signIn(pendingToken: string, assertion: PasskeyAssertion, clientAddress: string): Promise<SecondFactorOutcome<LoginResponse>> {
    const rp = this.rp();
    const now = this.clock();
    const challenge = await this.factors.openChallenge(this.db, pendingToken, 'verify', now, false);
    if (!challenge) return this.factors.unknownChallenge(clientAddress);
    const throttled = await this.factors.throttled(challenge, clientAddress, now);
    if (throttled) return throttled;
    const refuse = () => this.factors.refuseCode(challenge, pendingToken, 'passkey', clientAddress, now);

    const expectedChallenge = await this.takeChallenge(challenge.account_id, 'authenticate', assertion.response.clientDataJSON);
    if (expectedChallenge === null) return refuse();
    const [credential] = await this.db.query<CredentialRow>(
      'SELECT credential_id, public_key, sign_count, transports FROM passkey_credentials WHERE credential_id = $1 AND account_id = $2',
      [assertion.id, challenge.account_id],
    );
    if (!credential) return refuse();
    const storedCounter = Number(credential.sign_count);
    let newCounter: number;
    try {
      const verification = await verifyAuthenticationResponse({
        response: assertion as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
        expectedChallenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: credential.credential_id,
          publicKey: isoBase64URL.toBuffer(credential.public_key),
          counter: storedCounter,
          transports: credential.transports as AuthenticatorTransportFuture[],
        },
        requireUserVerification: false,
      });
      if (!verification.verified) return await refuse();
      newCounter = verification.authenticationInfo.newCounter;
    } catch {
      return refuse();
    }

    const result = await this.db.transaction(async (tx): Promise<{ session: LoginResponse } | { problem: 'counter' | 'gone' }> => {
      const open = await this.factors.openChallenge(tx, pendingToken, 'verify', now, true);
      if (!open) return { problem: 'gone' };
      // The counter must grow (authenticators that keep none send 0 always): a cloned key that
      // fell behind, or the same answer twice at once, is refused.
      const counted = await tx.query(
        `UPDATE passkey_credentials SET sign_count = $3, last_used_at = $4
          WHERE credential_id = $1 AND account_id = $2 AND (sign_count < $3 OR ($3 = 0 AND sign_count = 0)) RETURNING 1`,
        [credential.credential_id, open.account_id, newCounter, now],
      );
      if (counted.length === 0) return { problem: 'counter' };
      await tx.query('DELETE FROM second_factor_challenges WHERE token_hash = $1', [hashToken(pendingToken)]);
      await audit(tx, {
        municipalityId: open.municipality_id,
        actorId: open.account_id,
        action: 'passkey.used',
        objectId: credential.credential_id,
      });
      const session = await this.factors.issueSession(tx, open.account_id, open.municipality_id, now);
      if (!session) return { problem: 'gone' };
      return { session };
    });
    if ('session' in result) {
      await this.limits.recordSuccess(this.db, challenge.account_id);
      return { ok: true, value: result.session, security: [note('passkey.used', challenge)] };
    }
    if (result.problem === 'gone') return this.factors.unknownChallenge(clientAddress);
    return refuse();
  }

  // --- setting one up as the required factor, right after the password ---

  async enrolmentOptions(pendingToken: string, clientAddress: string): Promise<SecondFactorOutcome<PasskeyOptions>> {
    this.rp();
    const challenge = await this.factors.openChallenge(this.db, pendingToken, 'enrol', this.clock(), false);
    if (!challenge) return this.factors.unknownChallenge(clientAddress);
    return { ok: true, value: await this.registrationOptionsFor({ id: challenge.account_id, municipalityId: challenge.municipality_id }) };
  }

  /** The new passkey becomes the account's second factor: the session and fresh recovery codes (shown once). */
  async enrol(
    pendingToken: string,
    label: string,
    registration: PasskeyRegistration,
    clientAddress: string,
  ): Promise<SecondFactorOutcome<{ session: LoginResponse; recoveryCodes: string[] }>> {
    this.rp();
    const now = this.clock();
    const challenge = await this.factors.openChallenge(this.db, pendingToken, 'enrol', now, false);
    if (!challenge) return this.factors.unknownChallenge(clientAddress);
    const throttled = await this.factors.throttled(challenge, clientAddress, now);
    if (throttled) return throttled;
    const credential = await this.verifiedRegistration(challenge.account_id, registration);
    if (credential === null) return this.factors.refuseCode(challenge, pendingToken, 'passkey', clientAddress, now);

    let recoveryCodes: string[] = [];
    const result = await this.db.transaction(async (tx): Promise<{ session: LoginResponse } | { problem: 'gone' }> => {
      const open = await this.factors.openChallenge(tx, pendingToken, 'enrol', now, true);
      if (!open) return { problem: 'gone' };
      const account = { id: open.account_id, municipalityId: open.municipality_id };
      if (!(await this.insertCredential(tx, account, credential, label, now))) return { problem: 'gone' };
      recoveryCodes = await this.factors.replaceRecoveryCodes(tx, account.id, account.municipalityId);
      await tx.query('DELETE FROM second_factor_challenges WHERE account_id = $1', [account.id]);
      const session = await this.factors.issueSession(tx, account.id, account.municipalityId, now);
      if (!session) return { problem: 'gone' };
      return { session };
    });
    if ('session' in result) {
      await this.limits.recordSuccess(this.db, challenge.account_id);
      return { ok: true, value: { session: result.session, recoveryCodes }, security: [note('passkey.registered', challenge)] };
    }
    return this.factors.unknownChallenge(clientAddress);
  }

  // --- the own passkeys, signed in ---

  private async requiredFor(q: Queryable, user: SessionUser): Promise<boolean> {
    return this.factors.isRequired(q, { id: user.id, municipality_id: user.municipalityId, roles: user.roles });
  }

  async own(user: SessionUser): Promise<OwnPasskeys> {
    const [app] = await this.db.query('SELECT 1 FROM second_factors WHERE account_id = $1', [user.id]);
    return {
      available: this.available,
      passkeys: (await this.credentialsOf(this.db, user.id)).map(summary),
      authenticatorApp: app !== undefined,
      required: await this.requiredFor(this.db, user),
    };
  }

  /**
   * The options for adding a passkey to the own account. The password is asked again, so an
   * unattended open session cannot add an intruder's passkey; a wrong one counts as a failed sign-in.
   */
  async addOptions(user: SessionUser, password: string, clientAddress: string): Promise<PasskeyOptions> {
    this.rp();
    const now = this.clock();
    const who = { address: clientAddress, account: { id: user.id, municipalityId: user.municipalityId } };
    const account = { account_id: user.id, municipality_id: user.municipalityId };
    if (await this.limits.refusal(this.db, who, now)) {
      throw new PasskeyRefused(new ServiceError(429, 'rateLimited', defaultMessage('rateLimited')), [
        note('secondFactor.refusedThrottled', account),
      ]);
    }
    if (!(await this.checkPassword(user.id, password))) {
      const counted = await this.limits.recordFailure(this.db, who, now);
      await audit(this.db, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: counted.locked ? 'session.accountLocked' : 'password.changeRefusedWrongPassword',
        objectId: user.id,
      });
      throw new PasskeyRefused(
        new ServiceError(403, 'wrongPassword', defaultMessage('wrongPassword'), [{ path: 'password', message: 'wrongPassword' }]),
        [note('password.changeRefusedWrongPassword', account)],
      );
    }
    return this.registrationOptionsFor({ id: user.id, municipalityId: user.municipalityId });
  }

  /** Adds the passkey; the account's first second factor also gets recovery codes (shown once). */
  async add(user: SessionUser, label: string, registration: PasskeyRegistration, clientAddress: string): Promise<PasskeyAdded> {
    this.rp();
    const now = this.clock();
    const credential = await this.verifiedRegistration(user.id, registration);
    const account = { account_id: user.id, municipality_id: user.municipalityId };
    if (credential === null) {
      await audit(this.db, {
        municipalityId: user.municipalityId,
        actorId: user.id,
        action: 'security.passkey.refused',
        objectId: clientAddress,
      });
      throw new PasskeyRefused(refused(), [note('passkey.refused', account)]);
    }
    return this.db.transaction(async (tx) => {
      // Serialises two additions of one account: only one of them can be its first factor.
      await tx.query('SELECT id FROM staff_accounts WHERE id = $1 FOR UPDATE', [user.id]);
      const first = !(await this.factors.hasFactor(tx, user.id));
      const passkey = await this.insertCredential(tx, { id: user.id, municipalityId: user.municipalityId }, credential, label, now);
      if (!passkey) throw new ServiceError(409, 'conflict', defaultMessage('conflict'));
      const recoveryCodes = first ? await this.factors.replaceRecoveryCodes(tx, user.id, user.municipalityId) : null;
      return { passkey, recoveryCodes };
    });
  }

  /**
   * Removes one of the own passkeys. Refused (409 lastSecondFactor) when it is the last second
   * factor of an account whose role requires one; the last factor of any other account takes
   * the recovery codes with it, and the next sign-in asks for no code.
   */
  async remove(user: SessionUser, credentialId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM staff_accounts WHERE id = $1 FOR UPDATE', [user.id]);
      const removed = await tx.query('DELETE FROM passkey_credentials WHERE credential_id = $1 AND account_id = $2 RETURNING 1', [
        credentialId,
        user.id,
      ]);
      if (removed.length === 0) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
      if (!(await this.factors.hasFactor(tx, user.id))) {
        if (await this.requiredFor(tx, user)) throw new ServiceError(409, 'lastSecondFactor', defaultMessage('lastSecondFactor'));
        await tx.query('DELETE FROM second_factor_recovery_codes WHERE account_id = $1', [user.id]);
      }
      await audit(tx, { municipalityId: user.municipalityId, actorId: user.id, action: 'passkey.removed', objectId: credentialId });
    });
  }

  /** The audit entry of a refused removal, outside the rolled-back transaction. */
  async auditRemovalRefused(user: SessionUser, credentialId: string): Promise<void> {
    await audit(this.db, {
      municipalityId: user.municipalityId,
      actorId: user.id,
      action: 'security.passkey.removalRefused',
      objectId: credentialId,
    });
  }
}
