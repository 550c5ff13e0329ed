// Creating a staff account: the admin area and the demo seed (and tests) add
// people the same way, with the password stored only as an argon2id hash.
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import type { Role } from '@shared/protocol';
import { hashPassword } from './auth-service';

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
