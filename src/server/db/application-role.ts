// The server refuses to start as a role that row-level security would not bind (migration 027):
// a superuser or a BYPASSRLS role sees every municipality, an owner could switch the policies
// or the audit log's append-only trigger off. docs/DEPLOYMENT.md says how to set the roles up.
import type { Database } from './database';
import { APPLICATION_ROLE } from './database';

export class ApplicationRoleError extends Error {
  override readonly name = 'ApplicationRoleError';
}

export async function assertApplicationRole(db: Database): Promise<void> {
  const [row] = await db.query<{ role: string; superuser: boolean; bypass_rls: boolean; owns: boolean }>(
    `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
            EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = current_schema()::regnamespace) AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (!row) throw new ApplicationRoleError('The database role of the server is unknown.');
  const problems = [
    row.superuser ? 'is a superuser' : null,
    row.bypass_rls ? 'may bypass row-level security' : null,
    row.owns ? 'owns tables' : null,
  ].filter((problem) => problem !== null);
  if (problems.length > 0) {
    throw new ApplicationRoleError(
      `The server's database role ${row.role} ${problems.join(', ')}: it must be ${APPLICATION_ROLE}, which the migrations create. ` +
        'Set DATABASE_URL to sign in as it and MIGRATION_DATABASE_URL to the owner (docs/DEPLOYMENT.md).',
    );
  }
}
