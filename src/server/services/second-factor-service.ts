// The second factor of office sign-ins: TOTP (RFC 6238, otpauth) or a passkey
// (passkey-service.ts, which uses the pending sign-ins kept here) with single-use recovery
// codes. After a right password the sign-in gets a short-lived pending token instead of a
// session; only a current code (each time step accepted once), a recovery code (each once),
// or — for an account that must have a factor and has none — a confirmed enrolment turns it
// into a session. Wrong and replayed codes count under the sign-in limits (sign-in-limits.ts)
// like wrong passwords, and are audited; no code is ever logged or audited.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { withMunicipality } from '../db/tenant-scope';
import type { LoginResponse, SessionUser } from '@shared/protocol';
import {
  ALWAYS_REQUIRED_ROLE,
  RECOVERY_CODE_COUNT,
  RECOVERY_CODE_PATTERN,
  SECOND_FACTOR_ROLES,
  TOTP_CODE_PATTERN,
  normaliseSecondFactorCode,
  type SecondFactorEnrolment,
  type SecondFactorPending,
  type SecondFactorPolicy,
  type SecondFactorRole,
} from '@shared/second-factor';
import { SERVER_WIDE_AUDIT, audit, type AuditAction } from './audit';
import type { SecurityEventKind, SecurityNote } from './security-events';
import { hashToken } from './secret-hash';
import type { SignInLimits } from './sign-in-limits';
import { ServiceError, defaultMessage } from './service-error';
import { openStored, openStoredOptional, pendingSecretPlace, sealText, totpSecretPlace } from './content-seal';

/** RFC 6238 defaults, which every authenticator app understands. */
const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
/** One step either side, for clocks a little off and a code typed just as it changed. */
const TOTP_WINDOW = 1;
const TOTP_ISSUER = 'Lotse';

/** A pending code check lives 5 minutes; setting up an authenticator app may take longer. */
export const VERIFY_CHALLENGE_TTL_MS = 5 * 60_000;
export const ENROL_CHALLENGE_TTL_MS = 15 * 60_000;
/** Wrong codes one pending sign-in may take before the password must be entered again. */
export const MAX_WRONG_CODES_PER_CHALLENGE = 5;

const PENDING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The account a sign-in is about, as the password step found it. */
export interface SecondFactorAccount {
  id: string;
  municipality_id: string;
  roles: readonly string[];
}

/** Turns a verified sign-in into a session (auth-service.ts), in the caller's transaction. */
export type IssueSession = (tx: Queryable, accountId: string, municipalityId: string, now: Date) => Promise<LoginResponse | null>;

/** A step's result; a success may carry security events too (a passkey used), a refusal always does. */
export type SecondFactorOutcome<T> =
  { ok: true; value: T; security?: SecurityNote[] } | { ok: false; error: ServiceError; security: SecurityNote[] };

/** A pending sign-in (second_factor_challenges) as the password step left it. */
export interface ChallengeRow {
  account_id: string;
  municipality_id: string;
  purpose: 'verify' | 'enrol';
  pending_secret: string | null;
  wrong_codes: number;
  expires_at: unknown;
}

/** A recovery code as shown: two groups of five Crockford characters (50 random bits). */
function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  // 256 is a multiple of 32, so the low five bits of each byte are uniform.
  const chars = [...bytes].map((byte) => CROCKFORD[byte & 31] ?? '0').join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function recoveryCodeHash(code: string): string {
  return hashToken(normaliseSecondFactorCode(code).replace('-', ''));
}

function stepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The time step a code belongs to (within the window), or null for a wrong code. */
function matchingStep(secret: string, code: string, now: Date): number | null {
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: now.getTime(),
    window: TOTP_WINDOW,
  });
  return delta === null ? null : stepAt(now) + delta;
}

function refusal(
  status: number,
  reason: 'secondFactorWrong' | 'secondFactorReplayed' | 'secondFactorMalformed' | 'passkeyRefused' | 'unauthorized' | 'rateLimited',
): ServiceError {
  return new ServiceError(status, reason, defaultMessage(reason));
}

export function note(kind: SecurityEventKind, account: { account_id: string; municipality_id: string } | null): SecurityNote {
  return { kind, accountId: account?.account_id ?? null, municipalityId: account?.municipality_id ?? null };
}

type CodeKind = 'totp' | 'recovery';

function kindOf(code: string): CodeKind | null {
  if (TOTP_CODE_PATTERN.test(code)) return 'totp';
  if (RECOVERY_CODE_PATTERN.test(code)) return 'recovery';
  return null;
}

export interface SecondFactorStatus {
  accountId: string;
  enrolledAt: string;
  recoveryCodesLeft: number;
  authenticatorApp: boolean;
  passkeys: number;
}

export class SecondFactorService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly limits: SignInLimits,
    /** Turns a verified pending sign-in into a session; the passkey step uses it too. */
    readonly issueSession: IssueSession,
    /** Whether passkeys can be used here (the server knows its public origin: PUBLIC_ORIGIN). */
    private readonly passkeysAvailable = false,
  ) {}

  /**
   * Runs fn acting for the municipality of a pending sign-in (a code or passkey step), found by
   * the token's hash — the one look-up across municipalities here (migration 027); for none
   * when the token is unknown.
   */
  async inPendingSignIn<T>(pendingToken: string, fn: () => Promise<T>): Promise<T> {
    const municipalityId = PENDING_TOKEN_PATTERN.test(pendingToken)
      ? await this.db.lookUpMunicipality('pendingSignIn', hashToken(pendingToken))
      : null;
    return withMunicipality(municipalityId, fn);
  }

  /** Fresh recovery codes for an account, replacing any it had: shown once, kept only hashed. */
  async replaceRecoveryCodes(tx: Queryable, accountId: string, municipalityId: string): Promise<string[]> {
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.query('DELETE FROM second_factor_recovery_codes WHERE account_id = $1', [accountId]);
    await tx.query(
      `INSERT INTO second_factor_recovery_codes (code_hash, account_id, municipality_id)
       SELECT h, $2, $3 FROM unnest($1::text[]) AS h`,
      [recoveryCodes.map(recoveryCodeHash), accountId, municipalityId],
    );
    return recoveryCodes;
  }

  /** Whether the account has any second factor: an authenticator app or a passkey. */
  async hasFactor(q: Queryable, accountId: string): Promise<boolean> {
    const [row] = await q.query(
      `SELECT 1 FROM second_factors WHERE account_id = $1
       UNION ALL SELECT 1 FROM passkey_credentials WHERE account_id = $1 LIMIT 1`,
      [accountId],
    );
    return row !== undefined;
  }

  /** Whether one of the account's roles must sign in with a second factor here. */
  async isRequired(q: Queryable, account: SecondFactorAccount): Promise<boolean> {
    const required = await this.requiredRoles(q, account.municipality_id);
    return account.roles.some((role) => (required as readonly string[]).includes(role));
  }

  /** The office roles that must sign in with a second factor here; admin always. */
  async requiredRoles(q: Queryable, municipalityId: string): Promise<SecondFactorRole[]> {
    const [row] = await q.query<{ required_roles: string[] }>(
      'SELECT required_roles FROM second_factor_policies WHERE municipality_id = $1',
      [municipalityId],
    );
    const stored = row?.required_roles ?? [];
    return SECOND_FACTOR_ROLES.filter((role) => role === ALWAYS_REQUIRED_ROLE || stored.includes(role));
  }

  /**
   * Whether a sign-in of this account (not bound to a tablet) needs a second factor, and
   * which step: 'verify' when a factor is enrolled (an enrolled factor is always asked for),
   * 'enrol' when a role requires one and none is set up, null otherwise.
   */
  async due(q: Queryable, account: SecondFactorAccount): Promise<'verify' | 'enrol' | null> {
    if (await this.hasFactor(q, account.id)) return 'verify';
    return (await this.isRequired(q, account)) ? 'enrol' : null;
  }

  /** Opens a pending sign-in after a right password; the token is the only way on. */
  async challenge(account: SecondFactorAccount, step: 'verify' | 'enrol'): Promise<SecondFactorPending> {
    const now = this.clock();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + (step === 'enrol' ? ENROL_CHALLENGE_TTL_MS : VERIFY_CHALLENGE_TTL_MS));
    const passkey =
      this.passkeysAvailable &&
      (step === 'enrol' ||
        (await this.db.query('SELECT 1 FROM passkey_credentials WHERE account_id = $1 LIMIT 1', [account.id])).length > 0);
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM second_factor_challenges WHERE account_id = $1 AND expires_at <= $2', [account.id, now]);
      await tx.query('DELETE FROM passkey_challenges WHERE account_id = $1 AND expires_at <= $2', [account.id, now]);
      await tx.query(
        `INSERT INTO second_factor_challenges (token_hash, account_id, municipality_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [hashToken(token), account.id, account.municipality_id, step, now, expiresAt],
      );
      await audit(tx, {
        municipalityId: account.municipality_id,
        actorId: account.id,
        action: step === 'enrol' ? 'session.secondFactorEnrolmentDue' : 'session.secondFactorDue',
        objectId: null,
      });
    });
    return { secondFactor: step, pendingToken: token, pendingExpiresAt: expiresAt.toISOString(), passkey };
  }

  /** The pending sign-in a token names, if it is of this purpose and not expired; `lock` within a transaction. */
  async openChallenge(
    q: Queryable,
    pendingToken: string,
    purpose: 'verify' | 'enrol',
    now: Date,
    lock: boolean,
  ): Promise<ChallengeRow | null> {
    if (!PENDING_TOKEN_PATTERN.test(pendingToken)) return null;
    const tokenHash = hashToken(pendingToken);
    const [row] = await q.query<ChallengeRow & { seal_key_id: string | null }>(
      `SELECT account_id, municipality_id, purpose, pending_secret, seal_key_id, wrong_codes, expires_at
         FROM second_factor_challenges WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`,
      [tokenHash],
    );
    if (!row || row.purpose !== purpose) return null;
    if (Date.parse(toIsoTimestamp(row.expires_at)) <= now.getTime()) return null;
    // The secret being set up is sealed at rest like the enrolled one; in memory it is clear.
    const pendingSecret = openStoredOptional(row.pending_secret, row.seal_key_id, pendingSecretPlace(row.municipality_id, tokenHash));
    return { ...row, pending_secret: pendingSecret };
  }

  /** An unknown, expired or used pending token: audited server-wide (it names no account we could trust). */
  async unknownChallenge(clientAddress: string): Promise<SecondFactorOutcome<never>> {
    await audit(this.db, {
      municipalityId: SERVER_WIDE_AUDIT,
      actorId: null,
      action: 'security.secondFactor.unknownChallenge',
      objectId: clientAddress,
    });
    return { ok: false, error: refusal(401, 'unauthorized'), security: [note('secondFactor.unknownChallenge', null)] };
  }

  /** The sign-in limits are asked before any code is checked: a locked or delayed account gets no answer about its code. */
  async throttled(challenge: ChallengeRow, clientAddress: string, now: Date): Promise<SecondFactorOutcome<never> | null> {
    const refused = await this.limits.refusal(
      this.db,
      { address: clientAddress, account: { id: challenge.account_id, municipalityId: challenge.municipality_id } },
      now,
    );
    if (!refused) return null;
    await this.auditAttempt(challenge, 'security.secondFactor.refusedThrottled', clientAddress);
    const error = refusal(429, 'rateLimited');
    return { ok: false, error, security: [note('secondFactor.refusedThrottled', challenge)] };
  }

  async auditAttempt(challenge: ChallengeRow, action: AuditAction, clientAddress: string): Promise<void> {
    await audit(this.db, { municipalityId: challenge.municipality_id, actorId: challenge.account_id, action, objectId: clientAddress });
  }

  /**
   * A wrong or replayed code, or a refused passkey: counted under the sign-in limits (account,
   * address, municipality), counted on the challenge (which ends after a few), audited. Nothing else changes.
   */
  async refuseCode(
    challenge: ChallengeRow,
    pendingToken: string,
    problem: 'wrong' | 'replayed' | 'passkey',
    clientAddress: string,
    now: Date,
  ): Promise<SecondFactorOutcome<never>> {
    const counted = await this.limits.recordFailure(
      this.db,
      { address: clientAddress, account: { id: challenge.account_id, municipalityId: challenge.municipality_id } },
      now,
    );
    const [left] = await this.db.query<{ wrong_codes: number }>(
      'UPDATE second_factor_challenges SET wrong_codes = wrong_codes + 1 WHERE token_hash = $1 RETURNING wrong_codes',
      [hashToken(pendingToken)],
    );
    const security: SecurityNote[] = [];
    if (problem === 'replayed') {
      await this.auditAttempt(challenge, 'security.secondFactor.replayedCode', clientAddress);
      security.push(note('secondFactor.replayedCode', challenge));
    } else if (problem === 'passkey') {
      await this.auditAttempt(challenge, 'security.passkey.refused', clientAddress);
      security.push(note('passkey.refused', challenge));
    } else {
      await this.auditAttempt(challenge, 'security.secondFactor.wrongCode', clientAddress);
      security.push(note('secondFactor.wrongCode', challenge));
    }
    if (counted.locked) {
      await this.auditAttempt(challenge, 'session.accountLocked', clientAddress);
      security.push(note('signIn.accountLocked', challenge));
    }
    if ((left?.wrong_codes ?? MAX_WRONG_CODES_PER_CHALLENGE) >= MAX_WRONG_CODES_PER_CHALLENGE) {
      await this.db.query('DELETE FROM second_factor_challenges WHERE token_hash = $1', [hashToken(pendingToken)]);
      await this.auditAttempt(challenge, 'security.secondFactor.challengeEnded', clientAddress);
      security.push(note('secondFactor.challengeEnded', challenge));
    }
    if (counted.municipalityLimitReached) {
      await this.auditAttempt(challenge, 'security.signIn.municipalityLimitReached', clientAddress);
      security.push(note('signIn.municipalityLimitReached', challenge));
    }
    const reason = problem === 'replayed' ? 'secondFactorReplayed' : problem === 'passkey' ? 'passkeyRefused' : 'secondFactorWrong';
    return { ok: false, error: refusal(401, reason), security };
  }

  private async malformed(challenge: ChallengeRow, clientAddress: string): Promise<SecondFactorOutcome<never>> {
    await this.auditAttempt(challenge, 'security.secondFactor.malformedCode', clientAddress);
    return { ok: false, error: refusal(400, 'secondFactorMalformed'), security: [note('secondFactor.malformedCode', challenge)] };
  }

  /** The code step of a pending sign-in: a current TOTP code or an unused recovery code turns it into a session. */
  async verify(pendingToken: string, typedCode: string, clientAddress: string): Promise<SecondFactorOutcome<LoginResponse>> {
    const now = this.clock();
    const challenge = await this.openChallenge(this.db, pendingToken, 'verify', now, false);
    if (!challenge) return this.unknownChallenge(clientAddress);
    const throttled = await this.throttled(challenge, clientAddress, now);
    if (throttled) return throttled;
    const code = normaliseSecondFactorCode(typedCode);
    const kind = kindOf(code);
    if (kind === null) return this.malformed(challenge, clientAddress);

    const result = await this.db.transaction(
      async (tx): Promise<{ session: LoginResponse } | { problem: 'wrong' | 'replayed' | 'gone' }> => {
        // Locked, so two requests with the same pending token cannot both succeed.
        const open = await this.openChallenge(tx, pendingToken, 'verify', now, true);
        if (!open) return { problem: 'gone' };
        if (kind === 'totp') {
          const [factor] = await tx.query<{ totp_secret: string; seal_key_id: string | null; municipality_id: string }>(
            'SELECT totp_secret, seal_key_id, municipality_id FROM second_factors WHERE account_id = $1 FOR UPDATE',
            [open.account_id],
          );
          // An account with passkeys only has no app: a code is simply wrong.
          if (!factor) return { problem: 'wrong' };
          const secret = openStored(factor.totp_secret, factor.seal_key_id, totpSecretPlace(factor.municipality_id, open.account_id));
          const step = matchingStep(secret, code, now);
          if (step === null) return { problem: 'wrong' };
          // Each time step once: a code seen over a shoulder or phished and replayed is refused.
          const accepted = await tx.query('UPDATE second_factors SET last_step = $2 WHERE account_id = $1 AND last_step < $2 RETURNING 1', [
            open.account_id,
            step,
          ]);
          if (accepted.length === 0) return { problem: 'replayed' };
        } else {
          const used = await tx.query(
            `UPDATE second_factor_recovery_codes SET used_at = $3
            WHERE code_hash = $1 AND account_id = $2 AND used_at IS NULL RETURNING 1`,
            [recoveryCodeHash(code), open.account_id, now],
          );
          if (used.length === 0) return { problem: 'wrong' };
          await audit(tx, {
            municipalityId: open.municipality_id,
            actorId: open.account_id,
            action: 'secondFactor.recoveryCodeUsed',
            objectId: null,
          });
        }
        await tx.query('DELETE FROM second_factor_challenges WHERE token_hash = $1', [hashToken(pendingToken)]);
        const session = await this.issueSession(tx, open.account_id, open.municipality_id, now);
        if (!session) return { problem: 'gone' };
        return { session };
      },
    );
    if ('session' in result) {
      await this.limits.recordSuccess(this.db, challenge.account_id);
      return { ok: true, value: result.session };
    }
    if (result.problem === 'gone') return this.unknownChallenge(clientAddress);
    return this.refuseCode(challenge, pendingToken, result.problem, clientAddress, now);
  }

  /** Starts (or starts over) setting up an authenticator: a fresh secret, shown this once. */
  async startEnrolment(pendingToken: string, clientAddress: string): Promise<SecondFactorOutcome<SecondFactorEnrolment>> {
    const now = this.clock();
    const challenge = await this.openChallenge(this.db, pendingToken, 'enrol', now, false);
    if (!challenge) return this.unknownChallenge(clientAddress);
    const [account] = await this.db.query<{ username: string }>('SELECT username FROM staff_accounts WHERE id = $1', [
      challenge.account_id,
    ]);
    const secret = new Secret({ size: 20 }).base32;
    const tokenHash = hashToken(pendingToken);
    const sealed = sealText(secret, pendingSecretPlace(challenge.municipality_id, tokenHash));
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE second_factor_challenges SET pending_secret = $2, seal_key_id = $3 WHERE token_hash = $1', [
        tokenHash,
        sealed.sealed,
        sealed.keyId,
      ]);
      await audit(tx, {
        municipalityId: challenge.municipality_id,
        actorId: challenge.account_id,
        action: 'secondFactor.enrolmentStarted',
        objectId: null,
      });
    });
    const totp = new TOTP({
      issuer: TOTP_ISSUER,
      label: account?.username ?? challenge.account_id,
      secret: Secret.fromBase32(secret),
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD_SECONDS,
    });
    return { ok: true, value: { secret, otpauthUri: totp.toString() } };
  }

  /**
   * Confirms the new authenticator with a current code: only then is the factor active.
   * Hands out the recovery codes (kept only as hashes) and the session.
   */
  async confirmEnrolment(
    pendingToken: string,
    typedCode: string,
    clientAddress: string,
  ): Promise<SecondFactorOutcome<{ session: LoginResponse; recoveryCodes: string[] }>> {
    const now = this.clock();
    const challenge = await this.openChallenge(this.db, pendingToken, 'enrol', now, false);
    if (!challenge) return this.unknownChallenge(clientAddress);
    const throttled = await this.throttled(challenge, clientAddress, now);
    if (throttled) return throttled;
    const code = normaliseSecondFactorCode(typedCode);
    if (kindOf(code) !== 'totp' || challenge.pending_secret === null) return this.malformed(challenge, clientAddress);

    let recoveryCodes: string[] = [];
    const result = await this.db.transaction(async (tx): Promise<{ session: LoginResponse } | { problem: 'wrong' | 'gone' }> => {
      const open = await this.openChallenge(tx, pendingToken, 'enrol', now, true);
      if (open?.pending_secret == null) return { problem: 'gone' };
      const step = matchingStep(open.pending_secret, code, now);
      if (step === null) return { problem: 'wrong' };
      const sealed = sealText(open.pending_secret, totpSecretPlace(open.municipality_id, open.account_id));
      const inserted = await tx.query(
        `INSERT INTO second_factors (account_id, municipality_id, totp_secret, seal_key_id, last_step, enrolled_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO NOTHING RETURNING 1`,
        [open.account_id, open.municipality_id, sealed.sealed, sealed.keyId, step, now],
      );
      if (inserted.length === 0) return { problem: 'gone' };
      recoveryCodes = await this.replaceRecoveryCodes(tx, open.account_id, open.municipality_id);
      await tx.query('DELETE FROM second_factor_challenges WHERE account_id = $1', [open.account_id]);
      await audit(tx, { municipalityId: open.municipality_id, actorId: open.account_id, action: 'secondFactor.enrolled', objectId: null });
      const session = await this.issueSession(tx, open.account_id, open.municipality_id, now);
      if (!session) return { problem: 'gone' };
      return { session };
    });
    if ('session' in result) {
      await this.limits.recordSuccess(this.db, challenge.account_id);
      return { ok: true, value: { session: result.session, recoveryCodes } };
    }
    if (result.problem === 'gone') return this.unknownChallenge(clientAddress);
    return this.refuseCode(challenge, pendingToken, 'wrong', clientAddress, now);
  }

  // --- administration (role admin, own municipality) ---

  async policy(admin: SessionUser): Promise<SecondFactorPolicy> {
    return { requiredRoles: await this.requiredRoles(this.db, admin.municipalityId) };
  }

  async setPolicy(admin: SessionUser, policy: SecondFactorPolicy): Promise<SecondFactorPolicy> {
    // The schema already refuses a policy without admin; the database check holds it too.
    const roles = SECOND_FACTOR_ROLES.filter((role) => role === ALWAYS_REQUIRED_ROLE || policy.requiredRoles.includes(role));
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO second_factor_policies (municipality_id, required_roles, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (municipality_id) DO UPDATE SET required_roles = EXCLUDED.required_roles, updated_at = EXCLUDED.updated_at`,
        [admin.municipalityId, roles, this.clock()],
      );
      await audit(tx, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'secondFactor.policyChanged',
        objectId: roles.join(','),
      });
    });
    return { requiredRoles: roles };
  }

  /** Who in the municipality has a second factor (app, passkeys), and how many recovery codes each has left. */
  async enrolled(admin: SessionUser): Promise<SecondFactorStatus[]> {
    const rows = await this.db.query<{ account_id: string; enrolled_at: unknown; left: number; app: boolean; passkeys: number }>(
      `WITH factors AS (
         SELECT account_id, enrolled_at AS since, true AS app, 0 AS passkey FROM second_factors WHERE municipality_id = $1
         UNION ALL
         SELECT account_id, created_at, false, 1 FROM passkey_credentials WHERE municipality_id = $1
       )
       SELECT f.account_id, min(f.since) AS enrolled_at, bool_or(f.app) AS app, sum(f.passkey)::int AS passkeys,
              (SELECT count(*)::int FROM second_factor_recovery_codes r WHERE r.account_id = f.account_id AND r.used_at IS NULL) AS left
         FROM factors f GROUP BY f.account_id ORDER BY f.account_id`,
      [admin.municipalityId],
    );
    return rows.map((row) => ({
      accountId: row.account_id,
      enrolledAt: toIsoTimestamp(row.enrolled_at),
      recoveryCodesLeft: row.left,
      authenticatorApp: row.app,
      passkeys: row.passkeys,
    }));
  }

  /**
   * Removes an account's second factors, app and passkeys (a lost phone or key): its next sign-in sets up a new one if its
   * role requires it. Never one's own — that needs another admin, so a stolen admin password
   * plus session cannot quietly swap the factor.
   */
  async reset(admin: SessionUser, staffId: string): Promise<void> {
    if (staffId === admin.id) throw new ServiceError(403, 'forbidden', 'Another administrator must reset your own second factor.');
    await this.db.transaction(async (tx) => {
      const [account] = await tx.query<{ id: string }>('SELECT id FROM staff_accounts WHERE id = $1 AND municipality_id = $2', [
        staffId,
        admin.municipalityId,
      ]);
      if (!account) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
      await tx.query('DELETE FROM second_factor_recovery_codes WHERE account_id = $1', [account.id]);
      await tx.query('DELETE FROM second_factor_challenges WHERE account_id = $1', [account.id]);
      await tx.query('DELETE FROM second_factors WHERE account_id = $1', [account.id]);
      await tx.query('DELETE FROM passkey_challenges WHERE account_id = $1', [account.id]);
      await tx.query('DELETE FROM passkey_credentials WHERE account_id = $1', [account.id]);
      await audit(tx, { municipalityId: admin.municipalityId, actorId: admin.id, action: 'secondFactor.reset', objectId: account.id });
    });
  }
}
