// Staff sign-in and sessions: argon2id password hashes (hash-wasm, WASM),
// opaque random bearer tokens of which only the SHA-256 is stored, 12 h expiry.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import type { Database } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { ROLES } from '../../shared/protocol';
import type { Role, SessionUser } from '../../shared/protocol';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

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

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 32 random bytes, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface StaffSession {
  tokenHash: string;
  user: SessionUser;
  expiresAt: string;
}

interface AccountRow {
  id: string;
  municipality_id: string;
  organisation_id: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  active: boolean;
}

function toRoles(roles: readonly string[]): Role[] {
  return roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role));
}

function toSessionUser(row: Omit<AccountRow, 'password_hash' | 'active'>): SessionUser {
  return {
    id: row.id,
    displayName: row.display_name,
    roles: toRoles(row.roles),
    organisationId: row.organisation_id,
    municipalityId: row.municipality_id,
  };
}

export interface LoginResult {
  token: string;
  session: StaffSession;
}

export class AuthService {
  constructor(private readonly db: Database) {}

  /** Null for unknown user, inactive account and wrong password alike. */
  async login(username: string, password: string, now: Date = new Date()): Promise<LoginResult | null> {
    const [account] = await this.db.query<AccountRow>(
      `SELECT id, municipality_id, organisation_id, display_name, password_hash, roles, active
         FROM staff_accounts WHERE username = $1`,
      [username],
    );
    // Always run one argon2 verification, so an unknown user costs the same time as a wrong password.
    const passwordOk = await verifyPassword(password, account?.password_hash ?? (await decoy()));
    if (!account || !account.active || !passwordOk) return null;

    const token = randomBytes(32).toString('base64url');
    const tokenHash = hashToken(token);
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO sessions (token_hash, account_id, municipality_id, expires_at) VALUES ($1, $2, $3, $4)`,
        [tokenHash, account.id, account.municipality_id, expiresAt],
      );
      await tx.query(
        `INSERT INTO audit_log (municipality_id, actor_id, action, object_id) VALUES ($1, $2, 'session.created', NULL)`,
        [account.municipality_id, account.id],
      );
    });
    return { token, session: { tokenHash, user: toSessionUser(account), expiresAt: expiresAt.toISOString() } };
  }

  /** The live session for a bearer token, or null (unknown, expired, revoked, inactive account). */
  async authenticate(token: string): Promise<StaffSession | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashToken(token);
    const [row] = await this.db.query<Omit<AccountRow, 'password_hash' | 'active'> & { expires_at: unknown }>(
      `SELECT a.id, a.municipality_id, a.organisation_id, a.display_name, a.roles, s.expires_at
         FROM sessions s JOIN staff_accounts a ON a.id = s.account_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND a.active
          AND a.municipality_id = s.municipality_id`,
      [tokenHash],
    );
    if (!row) return null;
    return { tokenHash, user: toSessionUser(row), expiresAt: toIsoTimestamp(row.expires_at) };
  }

  async logout(session: StaffSession): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
        session.tokenHash,
      ]);
      await tx.query(
        `INSERT INTO audit_log (municipality_id, actor_id, action, object_id) VALUES ($1, $2, 'session.revoked', NULL)`,
        [session.user.municipalityId, session.user.id],
      );
    });
  }
}

export interface NewStaffAccount {
  municipalityId: string;
  organisationId: string;
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
}

export async function createStaffAccount(db: Pick<Database, 'query'>, account: NewStaffAccount): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      account.municipalityId,
      account.organisationId,
      account.username,
      account.displayName,
      await hashPassword(account.password),
      account.roles,
    ],
  );
  return id;
}
