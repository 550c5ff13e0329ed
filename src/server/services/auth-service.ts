// Staff sign-in and sessions: argon2id password hashes (hash-wasm, WASM),
// opaque random tokens of which only the SHA-256 is stored: short-lived access
// tokens plus rotating refresh tokens grouped in families (one per sign-in);
// a refresh token used twice revokes its whole family, a refresh revokes the
// family's earlier access tokens, and no family outlives the municipality's
// absolute lifetime (session-lifetimes.ts). Sessions may be bound
// to an enrolled tablet — only with proof of the tablet's secret, and only for
// the roles that work with case data on tablets; a revoked tablet or a
// deactivated account ends them at once.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { withMunicipality } from '../db/tenant-scope';
import { ROLES, TABLET_ROLES } from '@shared/protocol';
import type { LoginResponse, Role, SessionUser } from '@shared/protocol';
import type { SignInResponse } from '@shared/second-factor';
import { SERVER_WIDE_AUDIT, audit } from './audit';
import type { AuditAction } from './audit';
import type { SecurityEventKind, SecurityNote } from './security-events';
import { revokeFamily } from './revocation';
import { hashToken, sha256 } from './secret-hash';
import { SignInLimits } from './sign-in-limits';
import { familyEndsAt, sessionSettings } from './session-lifetimes';
import type { SignInLimitPolicy, SignInSubjects } from './sign-in-limits';
import { SecondFactorService } from './second-factor-service';
import { escrowKeyPlace, openStored } from './content-seal';

/** Access tokens (bearer) live 15 minutes; the tablet renews them with its refresh token. */
export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
/** Refresh tokens rotate on every use and live at most 7 days unused — and never past their family's absolute lifetime. */
export const REFRESH_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** OWASP's argon2id minimum (19 MiB, t=2, p=1): ~30 ms here, fine for a login. */
const ARGON2_PARAMS = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const;

export async function hashPassword(password: string): Promise<string> {
  return argon2id({ ...ARGON2_PARAMS, password, salt: randomBytes(16), outputType: 'encoded' });
}

export async function verifyPassword(password: string, encodedHash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash: encodedHash });
  } catch {
    return false;
  }
}

/** A hash of a random password: verified against for unknown users so timing matches. */
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return decoyHash;
}

/** 32 random bytes, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface StaffSession {
  tokenHash: string;
  user: SessionUser;
  expiresAt: string;
  /** The enrolled tablet this session is bound to, if any. */
  deviceId: string | null;
  /** The refresh family (one sign-in); null only for sessions from before refresh tokens. */
  familyId: string | null;
  /**
   * The account signed in with a one-time password from an admin's reset: this session may only
   * set a new password (http/auth.ts refuses every other route with 403 passwordChangeRequired).
   */
  mustChangePassword: boolean;
}

interface AccountRow {
  id: string;
  municipality_id: string;
  organisation_id: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  active: boolean;
  must_change_password: boolean;
  password_expires_at: unknown;
}

type UserRow = Omit<AccountRow, 'password_hash' | 'active' | 'must_change_password' | 'password_expires_at'>;

/** Whether a one-time password (from an admin's reset) is past its expiry; false for ordinary passwords. */
export function oneTimePasswordExpired(row: { must_change_password: boolean; password_expires_at: unknown }, now: Date): boolean {
  return (
    row.must_change_password &&
    row.password_expires_at !== null &&
    new Date(toIsoTimestamp(row.password_expires_at)).getTime() <= now.getTime()
  );
}

/** The roles that work with case data on a tablet (one list, shared/protocol.ts): only they get a bound session and the escrow key. */
export { TABLET_ROLES };

export function holdsTabletRole(roles: readonly string[]): boolean {
  return roles.some((role) => (TABLET_ROLES as readonly string[]).includes(role));
}

export function toRoles(roles: readonly string[]): Role[] {
  return roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role));
}

function toSessionUser(row: UserRow): SessionUser {
  return {
    id: row.id,
    displayName: row.display_name,
    roles: toRoles(row.roles),
    organisationId: row.organisation_id,
    municipalityId: row.municipality_id,
  };
}

export type AuthFailure = 'unauthorized' | 'deviceRevoked' | 'sessionExpired' | 'passwordExpired';
/** Every failure and refusal carries the security events its route logs (the audit entries are already written). */
export type AuthOutcome<R = LoginResponse> =
  | { ok: true; response: R }
  | { ok: false; reason: AuthFailure; security: SecurityNote[] }
  /** Refused by the sign-in limits before the password was even checked. */
  | { ok: false; reason: 'rateLimited'; retryAfterSeconds: number | null; security: SecurityNote[] };

/** The account an attempt named, as far as the audit entry and the security event need it. */
interface Attempted {
  id: string;
  municipality_id: string;
}

/**
 * Audits a failed or refused attempt with the client address as object: under the account
 * (actor) and its municipality, or server-wide for an attempt that named no account.
 */
export async function auditAttempt(
  q: Queryable,
  account: Attempted | undefined,
  action: AuditAction,
  clientAddress: string,
): Promise<void> {
  await audit(q, {
    municipalityId: account?.municipality_id ?? SERVER_WIDE_AUDIT,
    actorId: account?.id ?? null,
    action,
    objectId: clientAddress,
  });
}

function note(kind: SecurityEventKind, account: Attempted | undefined): SecurityNote {
  return { kind, accountId: account?.id ?? null, municipalityId: account?.municipality_id ?? null };
}

export interface AuthServiceOptions {
  /** The time source (tests move it forward instead of sleeping). */
  clock?: () => Date;
  accessTokenTtlMs?: number;
  refreshTokenTtlMs?: number;
  /** Sign-in throttling (per account, per client address, per municipality); defaults in sign-in-limits.ts. */
  signInLimits?: SignInLimitPolicy;
  /** Whether passkeys can answer the second factor (the server knows its public origin). */
  passkeysAvailable?: boolean;
}

interface BoundDevice {
  id: string;
  escrowKey: string;
}

type DeviceLookup = { state: 'active'; device: BoundDevice } | { state: 'revoked' } | { state: 'none' };

/** A tablet of this municipality by id; another municipality's tablet is 'none', never revealed. */
async function lookUpDevice(q: Queryable, deviceId: string, municipalityId: string): Promise<DeviceLookup> {
  const [row] = await q.query<{ id: string; escrow_key: string; seal_key_id: string | null; revoked_at: unknown }>(
    'SELECT id::text AS id, escrow_key, seal_key_id, revoked_at FROM devices WHERE id = $1 AND municipality_id = $2',
    [deviceId, municipalityId],
  );
  if (!row) return { state: 'none' };
  if (row.revoked_at !== null) return { state: 'revoked' };
  const escrowKey = openStored(row.escrow_key, row.seal_key_id, escrowKeyPlace(municipalityId, row.id));
  return { state: 'active', device: { id: row.id, escrowKey } };
}

/** Compared against when the tablet is unknown or no secret was sent, so every path costs the same. */
const DECOY_SECRET_HASH = sha256(randomBytes(32).toString('base64url'));

/**
 * Whether `deviceSecret` is the enrollment secret of tablet `deviceId` of this
 * municipality (revoked or not): a constant-time compare of SHA-256s, as the
 * status route does. Unknown tablet, another municipality's tablet, missing and
 * wrong secret are all just false. Always runs one query and one compare.
 */
async function provesDevice(
  q: Queryable,
  deviceId: string,
  deviceSecret: string | undefined,
  municipalityId: string | null,
): Promise<boolean> {
  const [row] = await q.query<{ secret_hash: string; municipality_id: string }>(
    'SELECT secret_hash, municipality_id FROM devices WHERE id = $1',
    [deviceId],
  );
  const stored = row ? Buffer.from(row.secret_hash, 'hex') : DECOY_SECRET_HASH;
  const matches = timingSafeEqual(sha256(deviceSecret ?? ''), stored.length === DECOY_SECRET_HASH.length ? stored : DECOY_SECRET_HASH);
  return row !== undefined && deviceSecret !== undefined && matches && row.municipality_id === municipalityId;
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class AuthService {
  private readonly clock: () => Date;
  private readonly accessTtlMs: number;
  private readonly refreshTtlMs: number;
  readonly limits: SignInLimits;
  /** The second factor of office sign-ins; its routes turn a pending sign-in into a session through it. */
  readonly secondFactors: SecondFactorService;

  constructor(
    private readonly db: Database,
    options: AuthServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.accessTtlMs = options.accessTokenTtlMs ?? ACCESS_TOKEN_TTL_MS;
    this.refreshTtlMs = options.refreshTokenTtlMs ?? REFRESH_TOKEN_TTL_MS;
    this.limits = new SignInLimits(options.signInLimits);
    this.secondFactors = new SecondFactorService(
      db,
      this.clock,
      this.limits,
      (tx, accountId, municipalityId, now) => this.issueVerified(tx, accountId, municipalityId, now),
      options.passkeysAvailable ?? false,
    );
  }

  now(): Date {
    return this.clock();
  }

  /**
   * 'unauthorized' for unknown user, inactive account, wrong password and — when
   * `deviceId` is named — a missing or wrong `deviceSecret` (or a tablet that is
   * unknown or of another municipality) alike: the caller cannot tell which part was wrong.
   * 'deviceRevoked' when the named tablet of the user's municipality is revoked
   * (told only with the right password AND the tablet's secret).
   * The session is bound to the tablet, and the answer carries its escrow key,
   * only for accounts holding a tablet role; partner- or admin-only accounts get
   * an unbound session without the key.
   */
  async login(
    username: string,
    password: string,
    deviceId?: string,
    deviceSecret?: string,
    clientAddress = 'unknown',
  ): Promise<AuthOutcome<SignInResponse>> {
    // The one look-up across municipalities (migration 027); the rest acts for the account's
    // municipality, or for none when the name is unknown.
    const municipalityId = await this.db.lookUpMunicipality('username', username);
    return withMunicipality(municipalityId, () => this.loginInMunicipality(username, password, deviceId, deviceSecret, clientAddress));
  }

  private async loginInMunicipality(
    username: string,
    password: string,
    deviceId: string | undefined,
    deviceSecret: string | undefined,
    clientAddress: string,
  ): Promise<AuthOutcome<SignInResponse>> {
    const [account] = await this.db.query<AccountRow>(
      `SELECT id, municipality_id, organisation_id, display_name, password_hash, roles, active,
              must_change_password, password_expires_at
         FROM staff_accounts WHERE username = $1`,
      [username],
    );
    const who: SignInSubjects = {
      address: clientAddress,
      account: account ? { id: account.id, municipalityId: account.municipality_id } : null,
    };
    // The limits are asked first: a locked or delayed account is refused even with the right password.
    const refusal = await this.limits.refusal(this.db, who, this.clock());
    if (refusal) {
      const locked = refusal.refused === 'accountLocked';
      await auditAttempt(this.db, account, locked ? 'session.refusedAccountLocked' : 'session.refusedThrottled', clientAddress);
      return {
        ok: false,
        reason: 'rateLimited',
        retryAfterSeconds: locked ? null : refusal.retryAfterSeconds,
        security: [note(locked ? 'signIn.refusedLocked' : 'signIn.refusedThrottled', account)],
      };
    }
    // Always run one argon2 verification, so an unknown user costs the same time as a wrong password;
    // and always check the tablet's proof when one is named, so a right password with a wrong
    // secret costs the same as a wrong password.
    const passwordOk = await verifyPassword(password, account?.password_hash ?? (await decoy()));
    const deviceOk = deviceId === undefined || (await provesDevice(this.db, deviceId, deviceSecret, account?.municipality_id ?? null));
    if (!account || !account.active || !passwordOk) {
      const counted = await this.limits.recordFailure(this.db, who, this.clock());
      // An unknown username has no municipality: it is filed server-wide, without the typed name.
      const [action, kind]: [AuditAction, SecurityEventKind] = !account
        ? ['session.signInUnknownUser', 'signIn.unknownUser']
        : counted.locked
          ? ['session.accountLocked', 'signIn.accountLocked']
          : ['session.signInFailed', 'signIn.failed'];
      await auditAttempt(this.db, account, action, clientAddress);
      const security = [note(kind, account)];
      if (counted.municipalityLimitReached) {
        // Once per window: from now on every account of the municipality that fails waits (sign-in-limits.ts).
        await auditAttempt(this.db, account, 'security.signIn.municipalityLimitReached', clientAddress);
        security.push(note('signIn.municipalityLimitReached', account));
      }
      return { ok: false, reason: 'unauthorized', security };
    }
    // A sign-in bound to an enrolled tablet has its possession factor already (docs/THREAT-MODEL.md);
    // every other one needs the second factor when one is enrolled or the account's role requires it.
    const tabletSignIn = deviceId !== undefined && deviceOk && holdsTabletRole(account.roles);
    const secondFactor = deviceOk && !tabletSignIn ? await this.secondFactors.due(this.db, account) : null;
    // The run of failures ends only when the whole sign-in succeeds: a right password does not
    // wipe the count that wrong codes add to.
    if (secondFactor === null) await this.limits.recordSuccess(this.db, account.id);
    if (!deviceOk) {
      // Right password, no proof of the tablet: worth an admin's attention (a stolen password?).
      await auditAttempt(this.db, account, 'session.refusedDeviceProof', clientAddress);
      return { ok: false, reason: 'unauthorized', security: [note('signIn.refusedDeviceProof', account)] };
    }
    const now = this.clock();
    if (oneTimePasswordExpired(account, now)) {
      // Told only with the right one-time password: the admin must issue a new one.
      await auditAttempt(this.db, account, 'session.oneTimePasswordExpired', clientAddress);
      return { ok: false, reason: 'passwordExpired', security: [note('signIn.oneTimePasswordExpired', account)] };
    }
    // The code first, then (after a reset) the own password: issueVerified keeps mustChangePassword.
    if (secondFactor !== null) return { ok: true, response: await this.secondFactors.challenge(account, secondFactor) };
    if (account.must_change_password) {
      // A one-time password only lets the person set their own: no tablet binding, no escrow key
      // (whoever issued it must not reach a tablet's data key with it).
      return this.db.transaction(async (tx): Promise<AuthOutcome> => {
        const response = await this.issue(tx, toSessionUser(account), { id: randomUUID(), startedAt: now }, null, now, true);
        await audit(tx, {
          municipalityId: account.municipality_id,
          actorId: account.id,
          action: 'session.createdForPasswordChange',
          objectId: null,
        });
        return { ok: true, response };
      });
    }
    return this.db.transaction(async (tx): Promise<AuthOutcome> => {
      const lookup: DeviceLookup = deviceId === undefined ? { state: 'none' } : await lookUpDevice(tx, deviceId, account.municipality_id);
      if (lookup.state === 'revoked') {
        await audit(tx, {
          municipalityId: account.municipality_id,
          actorId: account.id,
          action: 'session.refusedRevokedDevice',
          objectId: deviceId ?? null,
        });
        return { ok: false, reason: 'deviceRevoked', security: [note('signIn.refusedRevokedDevice', account)] };
      }
      // Only the roles that work with case data on a tablet get the binding and the escrow key.
      const device = lookup.state === 'active' && holdsTabletRole(account.roles) ? lookup.device : null;
      const response = await this.issue(tx, toSessionUser(account), { id: randomUUID(), startedAt: now }, device, now);
      await audit(tx, {
        municipalityId: account.municipality_id,
        actorId: account.id,
        action: 'session.created',
        objectId: device?.id ?? null,
      });
      return { ok: true, response };
    });
  }

  /**
   * Exchanges a refresh token for a new access + refresh token (same family) and
   * revokes the used one. A revoked token presented again revokes the whole family.
   * A family keeps the binding it got at sign-in: an unbound family naming a tablet
   * is refused (never bound later); a bound family must name its own tablet and
   * prove it with the tablet's secret, else it is refused and — as a token that
   * turns up without its tablet is presumed stolen — the whole family is revoked.
   */
  async refresh(refreshToken: string, deviceId?: string, deviceSecret?: string, clientAddress = 'unknown'): Promise<AuthOutcome> {
    const municipalityId = TOKEN_PATTERN.test(refreshToken)
      ? await this.db.lookUpMunicipality('refreshToken', hashToken(refreshToken))
      : null;
    return withMunicipality(municipalityId, () => this.refreshInMunicipality(refreshToken, deviceId, deviceSecret, clientAddress));
  }

  private async refreshInMunicipality(
    refreshToken: string,
    deviceId: string | undefined,
    deviceSecret: string | undefined,
    clientAddress: string,
  ): Promise<AuthOutcome> {
    const now = this.clock();
    const outcome = await this.db.transaction(async (tx): Promise<AuthOutcome | { failed: Attempted | undefined }> => {
      if (!TOKEN_PATTERN.test(refreshToken)) return { failed: undefined };
      const tokenHash = hashToken(refreshToken);
      const [row] = await tx.query<
        UserRow & {
          family_id: string;
          device_id: string | null;
          expires_at: unknown;
          revoked_at: unknown;
          family_started_at: unknown;
          active: boolean;
          must_change_password: boolean;
          password_expires_at: unknown;
        }
      >(
        `SELECT a.id, a.municipality_id, a.organisation_id, a.display_name, a.roles, a.active,
                a.must_change_password, a.password_expires_at,
                r.family_id::text AS family_id, r.device_id::text AS device_id, r.expires_at, r.revoked_at, r.family_started_at
           FROM refresh_tokens r JOIN staff_accounts a ON a.id = r.account_id AND a.municipality_id = r.municipality_id
          WHERE r.token_hash = $1
          FOR UPDATE OF r`,
        [tokenHash],
      );
      if (!row) return { failed: undefined };
      if (row.revoked_at !== null && row.device_id !== null) {
        // Revoking a tablet revokes its refresh tokens first: that is no theft, and the tablet must
        // hear 'deviceRevoked' (it wipes itself), not a reuse alarm. Told only with the tablet's proof.
        const lookup = await lookUpDevice(tx, row.device_id, row.municipality_id);
        if (lookup.state === 'revoked') {
          const proven = deviceId === row.device_id && (await provesDevice(tx, row.device_id, deviceSecret, row.municipality_id));
          await auditAttempt(tx, row, proven ? 'session.refusedRevokedDevice' : 'session.refusedDeviceProof', clientAddress);
          return proven
            ? { ok: false, reason: 'deviceRevoked', security: [note('refresh.refusedRevokedDevice', row)] }
            : { ok: false, reason: 'unauthorized', security: [note('refresh.refusedDeviceProof', row)] };
        }
      }
      if (row.revoked_at !== null) {
        // Reuse: either the tablet or a thief holds a stale copy. End the whole sign-in.
        await revokeFamily(tx, row.family_id, now);
        await auditAttempt(tx, row, 'session.refreshTokenReused', clientAddress);
        return { ok: false, reason: 'unauthorized', security: [note('refresh.tokenReused', row)] };
      }
      const family = { id: row.family_id, startedAt: new Date(toIsoTimestamp(row.family_started_at)) };
      if (familyEndsAt(await sessionSettings(tx, row.municipality_id), row.device_id !== null, family.startedAt) <= now) {
        // The absolute lifetime: however often renewed, a sign-in ends; the password is needed again.
        await revokeFamily(tx, row.family_id, now);
        await auditAttempt(tx, row, 'session.lifetimeEnded', clientAddress);
        return { ok: false, reason: 'sessionExpired', security: [note('refresh.lifetimeEnded', row)] };
      }
      if (new Date(toIsoTimestamp(row.expires_at)).getTime() <= now.getTime() || !row.active || oneTimePasswordExpired(row, now)) {
        return { failed: row };
      }
      let device: BoundDevice | null = null;
      if (row.device_id === null) {
        // An unbound sign-in stays unbound: naming a tablet here never binds it.
        if (deviceId !== undefined) return { failed: row };
      } else {
        const proven = deviceId === row.device_id && (await provesDevice(tx, row.device_id, deviceSecret, row.municipality_id));
        if (!proven) {
          await revokeFamily(tx, row.family_id, now);
          await auditAttempt(tx, row, 'session.refusedDeviceProof', clientAddress);
          return { ok: false, reason: 'unauthorized', security: [note('refresh.refusedDeviceProof', row)] };
        }
        const lookup = await lookUpDevice(tx, row.device_id, row.municipality_id);
        if (lookup.state === 'revoked') {
          await revokeFamily(tx, row.family_id, now);
          await auditAttempt(tx, row, 'session.refusedRevokedDevice', clientAddress);
          return { ok: false, reason: 'deviceRevoked', security: [note('refresh.refusedRevokedDevice', row)] };
        }
        // A family bound to a tablet stays bound; a vanished binding is never silently dropped,
        // and the escrow key goes only to a person still holding a tablet role.
        if (lookup.state !== 'active' || !holdsTabletRole(row.roles)) return { failed: row };
        device = lookup.device;
      }
      await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE token_hash = $1', [tokenHash, now]);
      // The access tokens issued before stop working now, on every backend instance: a copied
      // token dies with the next refresh instead of living out its 15 minutes.
      await tx.query('UPDATE sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id, now]);
      const response = await this.issue(tx, toSessionUser(row), family, device, now, row.must_change_password);
      await audit(tx, { municipalityId: row.municipality_id, actorId: row.id, action: 'session.refreshed', objectId: null });
      return { ok: true, response };
    });
    if (!('failed' in outcome)) return outcome;
    // Unknown, malformed or expired token, inactive account, a tablet named by an unbound sign-in:
    // audited outside the transaction, which changed nothing.
    await auditAttempt(this.db, outcome.failed, 'session.refreshFailed', clientAddress);
    return { ok: false, reason: 'unauthorized', security: [note('refresh.failed', outcome.failed)] };
  }

  /** A session for a sign-in whose second factor was just verified (never bound to a tablet); null for an account gone inactive meanwhile. */
  private async issueVerified(tx: Queryable, accountId: string, municipalityId: string, now: Date): Promise<LoginResponse | null> {
    const [row] = await tx.query<UserRow & { must_change_password: boolean; password_expires_at: unknown }>(
      `SELECT id, municipality_id, organisation_id, display_name, roles, must_change_password, password_expires_at
         FROM staff_accounts WHERE id = $1 AND municipality_id = $2 AND active`,
      [accountId, municipalityId],
    );
    // A one-time password that expired while the code was typed: no session.
    if (!row || oneTimePasswordExpired(row, now)) return null;
    const response = await this.issue(tx, toSessionUser(row), { id: randomUUID(), startedAt: now }, null, now, row.must_change_password);
    await audit(tx, { municipalityId, actorId: accountId, action: 'session.created', objectId: null });
    return response;
  }

  private async issue(
    tx: Queryable,
    user: SessionUser,
    family: { id: string; startedAt: Date },
    device: BoundDevice | null,
    now: Date,
    mustChangePassword = false,
  ): Promise<LoginResponse> {
    const token = newToken();
    const refreshToken = newToken();
    const settings = await sessionSettings(tx, user.municipalityId);
    // No token outlives its family's absolute lifetime.
    const endsAt = familyEndsAt(settings, device !== null, family.startedAt).getTime();
    const expiresAt = new Date(Math.min(now.getTime() + this.accessTtlMs, endsAt));
    const refreshExpiresAt = new Date(Math.min(now.getTime() + this.refreshTtlMs, endsAt));
    await tx.query(
      `INSERT INTO sessions (token_hash, account_id, municipality_id, device_id, family_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [hashToken(token), user.id, user.municipalityId, device?.id ?? null, family.id, now, expiresAt],
    );
    await tx.query(
      `INSERT INTO refresh_tokens (token_hash, family_id, account_id, municipality_id, device_id, created_at, expires_at, family_started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [hashToken(refreshToken), family.id, user.id, user.municipalityId, device?.id ?? null, now, refreshExpiresAt, family.startedAt],
    );
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      refreshToken,
      refreshExpiresAt: refreshExpiresAt.toISOString(),
      user,
      // The office locks itself after the municipality's minutes; a tablet by its configuration.
      ...(device === null ? { officeLockMinutes: settings.officeLockMinutes } : { deviceEscrowKey: device.escrowKey }),
      ...(mustChangePassword ? { mustChangePassword: true as const } : {}),
    };
  }

  /** The live session for a bearer token, or null (unknown, expired, revoked, inactive account, revoked tablet). */
  async authenticate(token: string): Promise<StaffSession | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashToken(token);
    const municipalityId = await this.db.lookUpMunicipality('session', tokenHash);
    if (municipalityId === null) return null;
    const [row] = await withMunicipality(municipalityId, () =>
      this.db.query<UserRow & { expires_at: unknown; device_id: string | null; family_id: string | null; must_change_password: boolean }>(
        `SELECT a.id, a.municipality_id, a.organisation_id, a.display_name, a.roles, s.expires_at, a.must_change_password,
              s.device_id::text AS device_id, s.family_id::text AS family_id
         FROM sessions s
         JOIN staff_accounts a ON a.id = s.account_id AND a.municipality_id = s.municipality_id
         LEFT JOIN devices d ON d.id = s.device_id AND d.municipality_id = s.municipality_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND a.active
          AND NOT (a.must_change_password AND a.password_expires_at IS NOT NULL AND a.password_expires_at <= $2)
          AND (s.device_id IS NULL OR (d.id IS NOT NULL AND d.revoked_at IS NULL))`,
        [tokenHash, this.clock()],
        // Run on every authenticated request: planned once per connection, not each time.
        { prepare: true },
      ),
    );
    if (!row) return null;
    return {
      tokenHash,
      user: toSessionUser(row),
      expiresAt: toIsoTimestamp(row.expires_at),
      deviceId: row.device_id,
      familyId: row.family_id,
      mustChangePassword: row.must_change_password,
    };
  }

  /** Signs out: this access token and its whole refresh family. */
  async logout(session: StaffSession): Promise<void> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [session.tokenHash, now]);
      if (session.familyId !== null) await revokeFamily(tx, session.familyId, now);
      await audit(tx, {
        municipalityId: session.user.municipalityId,
        actorId: session.user.id,
        action: 'session.revoked',
        objectId: null,
      });
    });
  }
}
