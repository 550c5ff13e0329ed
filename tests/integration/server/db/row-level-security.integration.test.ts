// Tenant isolation in the database itself (migration 027): the server works as lotse_app, which
// owns nothing; row-level security, FORCEd, shows it only the rows of the municipality its unit of
// work acts for — a query that forgets its filter finds nothing of another municipality, and with
// no municipality at all it finds nothing. The append-only audit log stays append-only for it.
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { assertApplicationRole } from '@server/db/application-role';
import type { Database } from '@server/db/database';
import { withMunicipality } from '@server/db/tenant-scope';
import { DEMO_MUNICIPALITY_ID } from '@server/db/demo-seed';
import { audit } from '@server/services/audit';
import { uuidv7 } from '@shared/ids';
import { describeEachDatabase } from '../../helpers/databases';
import { seedDemo } from '../../helpers/test-app';

/** Tables without a municipality: throttles keyed by hashed subjects, and the migrations' own record. */
const GLOBAL_TABLES = ['confirmation_limits', 'partner_lookup_limits', 'schema_migrations', 'sign_in_limits'];

describeEachDatabase('row-level security', ({ db, kind }) => {
  const other = `zweite-${uuidv7().slice(-8).toLowerCase()}`;
  let server: Database;
  let tenantTables: string[];

  beforeAll(async () => {
    await seedDemo(db());
    // A second municipality with rows of its own in a few tables.
    await db().query('INSERT INTO municipalities (id, name) VALUES ($1, $2)', [other, 'Zweitstadt']);
    await db().query("INSERT INTO organisations (id, municipality_id, name, kind) VALUES ($1, $2, 'HOME Zweitstadt', 'home-project')", [
      `${other}-home`,
      other,
    ]);
    await db().query("INSERT INTO districts (municipality_id, id, label) VALUES ($1, 'mitte', 'Mitte Zweitstadt')", [other]);
    await db().query(
      `INSERT INTO staff_accounts (id, municipality_id, organisation_id, username, display_name, password_hash, roles)
       VALUES ($1, $2, $3, $4, 'Admin Zweitstadt', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', ARRAY['admin'])`,
      [uuidv7(), other, `${other}-home`, `admin.${other}`],
    );
    await audit(db(), { municipalityId: other, actorId: null, action: 'settings.updated', objectId: null });
    server = db().forApplication();
    const rows = await db().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'municipality_id' ORDER BY table_name`,
    );
    tenantTables = rows.map((row) => row.table_name);
  });

  /** Rows per tenant table that are not `municipalityId`'s, read by the server WITHOUT any filter. */
  const foreignRows = async (acting: string | null, municipalityId: string): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    await withMunicipality(acting, async () => {
      for (const table of tenantTables) {
        const [row] = await server.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        const [own] = await server.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE municipality_id = $1`, [
          municipalityId,
        ]);
        counts[table] = (row?.n ?? 0) - (own?.n ?? 0);
      }
    });
    return counts;
  };
  const zeroes = (): Record<string, number> => Object.fromEntries(tenantTables.map((table) => [table, 0]));

  it('forces row-level security with a policy on every table that has a municipality, and nowhere else is a table left open', async () => {
    const tables = await db().query<{ relname: string; rls: boolean; forced: boolean; policies: number }>(
      `SELECT c.relname, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY c.relname`,
    );
    expect(tenantTables.length).toBeGreaterThanOrEqual(29);
    const open = tables.filter((t) => !(t.rls && t.forced && t.policies > 0)).map((t) => t.relname);
    // municipalities is keyed by id: it is isolated as well.
    expect(open).toEqual(GLOBAL_TABLES);
  });

  it('returns nothing of another municipality to a query that forgot its filter', async () => {
    // Acting for the demo municipality: every table read without a WHERE shows the demo's rows only…
    expect(await foreignRows(DEMO_MUNICIPALITY_ID, DEMO_MUNICIPALITY_ID)).toEqual(zeroes());
    // …and acting for the other one, none of the demo's — though the demo has staff, offers, districts.
    expect(await foreignRows(other, other)).toEqual(zeroes());
    const seen = await withMunicipality(other, () =>
      server.query<{ municipality_id: string; label: string }>('SELECT municipality_id, label FROM districts'),
    );
    expect(seen).toEqual([{ municipality_id: other, label: 'Mitte Zweitstadt' }]);
    const demoRows = await withMunicipality(DEMO_MUNICIPALITY_ID, () =>
      server.query<{ n: number }>('SELECT count(*)::int AS n FROM staff_accounts'),
    );
    expect(demoRows[0]?.n).toBeGreaterThan(0);
    // The same forgotten filter in a transaction.
    const inTransaction = await withMunicipality(other, () =>
      server.transaction((tx) => tx.query<{ municipality_id: string }>('SELECT DISTINCT municipality_id FROM staff_accounts')),
    );
    expect(inTransaction).toEqual([{ municipality_id: other }]);
  });

  it('shows no municipality’s rows at all when no municipality is set — never “all”', async () => {
    for (const table of [...tenantTables, 'municipalities']) {
      const rows = await withMunicipality(null, () => server.query(`SELECT 1 FROM ${table} LIMIT 1`));
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
    // Outside any scope, too (a job that forgot to name its municipality).
    expect(await server.query('SELECT 1 FROM staff_accounts')).toEqual([]);
  });

  it('refuses to write a row into another municipality than the one acted for', async () => {
    await expect(
      withMunicipality(DEMO_MUNICIPALITY_ID, () =>
        server.query("INSERT INTO districts (municipality_id, id, label) VALUES ($1, 'fremd', 'Fremd')", [other]),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await withMunicipality(DEMO_MUNICIPALITY_ID, () =>
      server.query("UPDATE districts SET label = 'Geändert' WHERE municipality_id = $1 RETURNING id", [other]),
    );
    expect(changed).toEqual([]);
    expect(await db().query('SELECT label FROM districts WHERE municipality_id = $1', [other])).toEqual([{ label: 'Mitte Zweitstadt' }]);
  });

  it('keeps each concurrent unit of work in its own municipality, whichever pool connection it gets', async () => {
    const work = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? null : i % 3 === 1 ? DEMO_MUNICIPALITY_ID : other));
    const answers = await Promise.all(
      work.map((municipalityId, i) =>
        withMunicipality(municipalityId, () =>
          i % 2 === 0
            ? server.query<{ m: string }>('SELECT DISTINCT municipality_id AS m FROM organisations')
            : server.transaction((tx) => tx.query<{ m: string }>('SELECT DISTINCT municipality_id AS m FROM organisations')),
        ),
      ),
    );
    answers.forEach((rows, i) => {
      expect(rows.map((row) => row.m)).toEqual(work[i] === null ? [] : [work[i]]);
    });
  });

  it('finds the municipality of a username, a token or a key only through the narrow look-ups', async () => {
    expect(await server.lookUpMunicipality('username', `admin.${other}`)).toBe(other);
    expect(await server.lookUpMunicipality('username', 'nobody-here')).toBeNull();
    expect(await server.lookUpMunicipality('device', 'not-a-uuid')).toBeNull();
    expect(await server.municipalityIds()).toEqual(expect.arrayContaining([DEMO_MUNICIPALITY_ID, other]));
    // The tables behind them stay closed to the server.
    expect(await server.query('SELECT username FROM staff_accounts WHERE username = $1', [`admin.${other}`])).toEqual([]);
  });

  it('works as a role that owns nothing and cannot switch off the append-only audit log or row-level security', async () => {
    await assertApplicationRole(server);
    if (kind === 'postgres') await expect(assertApplicationRole(db())).rejects.toThrow(/superuser/);
    const attempts: [string, RegExp][] = [
      ['UPDATE audit_log SET action = $$x$$', /permission denied/],
      ['DELETE FROM audit_log', /permission denied/],
      ['TRUNCATE audit_log', /permission denied/],
      ['ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete', /must be owner/],
      ['ALTER TABLE audit_log DISABLE TRIGGER ALL', /must be owner/],
      ['SET session_replication_role = replica', /permission denied/],
      ['ALTER TABLE records NO FORCE ROW LEVEL SECURITY', /must be owner/],
      ['ALTER TABLE records DISABLE ROW LEVEL SECURITY', /must be owner/],
      ['DROP POLICY tenant_isolation ON records', /must be owner/],
      ['TRUNCATE records', /permission denied/],
      ['DELETE FROM record_reviews', /permission denied/],
      ['CREATE TABLE sneaky (x int)', /permission denied/],
    ];
    for (const [sql, refusal] of attempts) {
      await expect(
        withMunicipality(other, () => server.query(sql)),
        sql,
      ).rejects.toThrow(refusal);
    }
    const [entries] = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE municipality_id = $1', [other]);
    expect(entries?.n).toBe(1);
  });

  if (kind === 'postgres') {
    it('signed in as lotse_app itself (production), RESET ROLE leaves it lotse_app: still no way around the guard', async () => {
      const [schema] = await db().query<{ s: string }>('SELECT current_schema() AS s');
      const url = new URL(process.env['DATABASE_URL'] ?? '');
      url.username = 'lotse_app';
      url.password = '';
      const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema?.s ?? ''}` });
      await client.connect();
      try {
        await client.query('RESET ROLE');
        expect((await client.query<{ u: string }>('SELECT current_user AS u')).rows).toEqual([{ u: 'lotse_app' }]);
        await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
        await expect(client.query('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
        expect((await client.query('SELECT 1 FROM audit_log')).rows).toEqual([]);
      } finally {
        await client.end();
      }
    });
  }
});
