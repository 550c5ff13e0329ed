// What the push needs to know about a record's claimed author when a colleague
// pushes it (src/domain/record-authorship.ts): the account in the pusher's
// municipality (active? may record on tablets?) and the signing key its
// signature names (which tablet, revoked?). One look-up per author and key per batch.
import type { Queryable } from '../db/database';
import type { AuthorAccountFacts } from '@domain/record-authorship';
import { keyFingerprint } from '@shared/four-eyes';
import { holdsTabletRole } from './auth-service';

export class AuthorFacts {
  private readonly cache = new Map<string, Promise<AuthorAccountFacts | undefined>>();

  constructor(
    private readonly db: Queryable,
    private readonly municipalityId: string,
  ) {}

  of(accountId: string, fingerprint: string): Promise<AuthorAccountFacts | undefined> {
    const key = `${accountId}\u0000${fingerprint}`;
    let facts = this.cache.get(key);
    if (facts === undefined) {
      facts = this.load(accountId, fingerprint);
      this.cache.set(key, facts);
    }
    return facts;
  }

  private async load(accountId: string, fingerprint: string): Promise<AuthorAccountFacts | undefined> {
    const [account] = await this.db.query<{ id: string; roles: string[]; active: boolean }>(
      'SELECT id, roles, active FROM staff_accounts WHERE id = $1 AND municipality_id = $2',
      [accountId, this.municipalityId],
    );
    if (!account) return undefined;
    const keys = await this.db.query<{ public_key: string; device_id: string; revoked: boolean }>(
      `SELECT public_key, device_id::text AS device_id, revoked_at IS NOT NULL AS revoked
         FROM signing_keys WHERE account_id = $1 AND municipality_id = $2`,
      [accountId, this.municipalityId],
    );
    let key: AuthorAccountFacts['key'];
    for (const row of keys) {
      if ((await keyFingerprint(row.public_key)) === fingerprint)
        key = { publicKey: row.public_key, deviceId: row.device_id, revoked: row.revoked };
    }
    return { accountId: account.id, active: account.active, mayRecord: holdsTabletRole(account.roles), key };
  }
}
