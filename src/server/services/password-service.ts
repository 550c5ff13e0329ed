// Password lifecycle (M4): a staff member changes their own password (the current one proves it
// is them; wrong guesses count against the account's sign-in limits), an admin resets a password
// to a one-time password that only lets its holder set their own, and every new password passes
// the strength rule (domain/password-strength.ts). Passwords are never stored in clear, logged or
// audited — the audit names only who changed whose password.
import { randomInt } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import type { SessionUser } from '@shared/protocol';
import { ONE_TIME_PASSWORD_TTL_HOURS, type PasswordResetResponse } from '@shared/password-api';
import { judgePassword } from '@domain/password-strength';
import { audit } from './audit';
import type { AuditAction } from './audit';
import { auditAttempt, hashPassword, oneTimePasswordExpired, verifyPassword, type StaffSession } from './auth-service';
import { ServiceError, defaultMessage } from './service-error';
import type { SecurityNote } from './security-events';
import type { SignInLimits } from './sign-in-limits';

/** Unambiguous characters (no 0/o, 1/l/i), lower case only: 31 of them. */
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 5 groups of 4 (about 99 bits), read aloud or typed from a slip without confusion. */
function newOneTimePassword(): string {
  const groups = Array.from({ length: 5 }, () =>
    Array.from({ length: 4 }, () => ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)] ?? 'a').join(''),
  );
  return groups.join('-');
}

/** Words an attacker tries first for an account: a password built from them is judged weaker. */
export function personalWords(account: { username: string; display_name: string; municipality_id: string }): string[] {
  return [account.username, ...account.display_name.split(/\s+/), account.municipality_id, 'lotse'];
}

/** 400 weakPassword naming the field and the rule it failed (a message key the office area translates). */
export function refuseWeakPassword(password: string, words: readonly string[], field: string): void {
  const verdict = judgePassword(password, words);
  if (verdict.problem !== null) {
    throw new ServiceError(400, 'weakPassword', defaultMessage('weakPassword'), [{ path: field, message: verdict.problem }]);
  }
}

interface OwnAccountRow {
  id: string;
  municipality_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  must_change_password: boolean;
  password_expires_at: unknown;
}

/** What a refused change tells its route to log as a security event. */
export class PasswordChangeRefused extends ServiceError {
  constructor(
    base: ServiceError,
    readonly security: SecurityNote[],
  ) {
    super(base.statusCode, base.reason, base.message, base.issues);
  }
}

export class PasswordService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly limits: SignInLimits,
  ) {}

  /**
   * Sets the signed-in person's own password. Refused (and audited, nothing changed): a locked
   * or delayed account (429), an expired one-time password (401 passwordExpired), a wrong current
   * password (403 wrongPassword, counted like a failed sign-in), a weak new one (400 weakPassword).
   * On success the one-time state is cleared and every other sign-in of the person ends.
   */
  async changeOwnPassword(session: StaffSession, currentPassword: string, newPassword: string, clientAddress: string): Promise<void> {
    const user = session.user;
    const now = this.clock();
    const [account] = await this.db.query<OwnAccountRow>(
      `SELECT id, municipality_id, username, display_name, password_hash, must_change_password, password_expires_at
         FROM staff_accounts WHERE id = $1 AND municipality_id = $2 AND active`,
      [user.id, user.municipalityId],
    );
    if (!account) throw new ServiceError(401, 'unauthorized', defaultMessage('unauthorized'));
    const who = { address: clientAddress, account: { id: account.id, municipalityId: account.municipality_id } };
    const refusal = await this.limits.refusal(this.db, who, now);
    if (refusal) {
      await auditAttempt(this.db, account, 'session.refusedThrottled', clientAddress);
      throw new ServiceError(429, 'rateLimited', defaultMessage('rateLimited'));
    }
    if (oneTimePasswordExpired(account, now)) {
      await this.refused(account, 'password.changeRefusedExpired');
      throw new ServiceError(401, 'passwordExpired', defaultMessage('passwordExpired'));
    }
    if (!(await verifyPassword(currentPassword, account.password_hash))) {
      // A stolen session must not become a way around the sign-in limits.
      const counted = await this.limits.recordFailure(this.db, who, now);
      await this.refused(account, counted.locked ? 'session.accountLocked' : 'password.changeRefusedWrongPassword');
      throw new PasswordChangeRefused(
        new ServiceError(403, 'wrongPassword', defaultMessage('wrongPassword'), [{ path: 'currentPassword', message: 'wrongPassword' }]),
        [{ kind: 'password.changeRefusedWrongPassword', accountId: account.id, municipalityId: account.municipality_id }],
      );
    }
    try {
      refuseWeakPassword(newPassword, personalWords(account), 'newPassword');
    } catch (error) {
      await this.refused(account, 'password.changeRefusedWeak');
      throw error;
    }
    const hash = await hashPassword(newPassword);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE staff_accounts
            SET password_hash = $3, must_change_password = false, password_expires_at = NULL, password_changed_at = $4
          WHERE id = $1 AND municipality_id = $2`,
        [account.id, account.municipality_id, hash, now],
      );
      await revokeOtherSignIns(tx, account.id, session.familyId, session.tokenHash, now);
      await this.limits.recordSuccess(tx, account.id);
      await audit(tx, { municipalityId: account.municipality_id, actorId: account.id, action: 'password.changed', objectId: account.id });
    });
  }

  /**
   * An admin's reset: a fresh one-time password for another account of the same municipality,
   * valid ONE_TIME_PASSWORD_TTL_HOURS, which only lets its holder set their own password. The
   * account's sessions and refresh tokens end at once (its signing keys stay: they prove past
   * signatures, not a password). An admin resets their own password by changing it (409).
   */
  async resetPassword(admin: SessionUser, staffId: string): Promise<PasswordResetResponse> {
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + ONE_TIME_PASSWORD_TTL_HOURS * 60 * 60 * 1000);
    const oneTimePassword = newOneTimePassword();
    if (staffId === admin.id) {
      await audit(this.db, {
        municipalityId: admin.municipalityId,
        actorId: admin.id,
        action: 'staff.passwordResetRefusedSelf',
        objectId: admin.id,
      });
      throw new ServiceError(409, 'conflict', 'Change your own password instead of resetting it.');
    }
    const hash = await hashPassword(oneTimePassword);
    await this.db.transaction(async (tx) => {
      const [account] = await tx.query<{ id: string }>('SELECT id FROM staff_accounts WHERE id = $1 AND municipality_id = $2 FOR UPDATE', [
        staffId,
        admin.municipalityId,
      ]);
      if (!account) throw new ServiceError(404, 'notFound', defaultMessage('notFound'));
      await tx.query(
        `UPDATE staff_accounts SET password_hash = $3, must_change_password = true, password_expires_at = $4, password_changed_at = $5
          WHERE id = $1 AND municipality_id = $2`,
        [account.id, admin.municipalityId, hash, expiresAt, now],
      );
      await tx.query('UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [account.id, now]);
      await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [account.id, now]);
      await audit(tx, { municipalityId: admin.municipalityId, actorId: admin.id, action: 'staff.passwordReset', objectId: account.id });
    });
    return { oneTimePassword, expiresAt: expiresAt.toISOString() };
  }

  private async refused(account: { id: string; municipality_id: string }, action: AuditAction): Promise<void> {
    await audit(this.db, { municipalityId: account.municipality_id, actorId: account.id, action, objectId: account.id });
  }
}

/** Every session and refresh token of the account except this sign-in's (its family, or the token alone). */
async function revokeOtherSignIns(tx: Queryable, accountId: string, familyId: string | null, tokenHash: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE sessions SET revoked_at = $2
      WHERE account_id = $1 AND revoked_at IS NULL AND token_hash <> $3 AND family_id IS DISTINCT FROM $4::uuid`,
    [accountId, now, tokenHash, familyId],
  );
  await tx.query(
    'UPDATE refresh_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $3::uuid',
    [accountId, now, familyId],
  );
}
