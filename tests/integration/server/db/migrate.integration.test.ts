// Migrations: applied once, a no-op on restart, edited or duplicate files stop the start.
import { cp, mkdtemp, readdir, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@server/db/database';
import { MIGRATIONS_DIR, MigrationError, migrate, validateMigrationFileNames } from '@server/db/migrate';
import { openPglite } from '@server/db/pglite';
import { openTestDatabase, testDatabaseKinds } from '../../../fixtures/test-database';

/** The versions shipped in the migrations folder, and the file-name prefix of the next one. */
const shipped = validateMigrationFileNames(await readdir(MIGRATIONS_DIR)).map((m) => m.version);
const next = String(shipped.length + 1).padStart(3, '0');

describe('validateMigrationFileNames', () => {
  it('orders valid names and ignores files that are not .sql', () => {
    expect(validateMigrationFileNames(['002_more.sql', 'README.md', '001_init.sql'])).toEqual([
      { version: 1, fileName: '001_init.sql' },
      { version: 2, fileName: '002_more.sql' },
    ]);
  });

  it('rejects two migrations with the same number', () => {
    expect(() => validateMigrationFileNames(['001_init.sql', '002_a.sql', '002_b.sql'])).toThrow(/duplicate migration number 2/);
  });

  it('rejects gaps and badly named files', () => {
    expect(() => validateMigrationFileNames(['001_init.sql', '003_late.sql'])).toThrow(MigrationError);
    expect(() => validateMigrationFileNames(['1_init.sql'])).toThrow(/001_name\.sql/);
    expect(() => validateMigrationFileNames(['001-Init.sql'])).toThrow(MigrationError);
  });

  it('accepts the migrations folder of this repository', async () => {
    const files = validateMigrationFileNames(await readdir(MIGRATIONS_DIR));
    expect(files[0]).toEqual({ version: 1, fileName: '001_init.sql' });
    expect(files[1]).toEqual({ version: 2, fileName: '002_security.sql' });
    expect(files[2]).toEqual({ version: 3, fileName: '003_consent.sql' });
    expect(files[3]).toEqual({ version: 4, fileName: '004_offers.sql' });
    expect(files[4]).toEqual({ version: 5, fileName: '005_four_eyes.sql' });
    expect(files[5]).toEqual({ version: 6, fileName: '006_referrals.sql' });
    expect(files[6]).toEqual({ version: 7, fileName: '007_reports.sql' });
    expect(files[7]).toEqual({ version: 8, fileName: '008_questionnaires.sql' });
    expect(files[8]).toEqual({ version: 9, fileName: '009_welcome_items.sql' });
    expect(files[9]).toEqual({ version: 10, fileName: '010_warm_handovers.sql' });
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`migrate [${kind}]`, () => {
    let db: Database;
    let workDir: string;
    beforeAll(async () => {
      db = await openTestDatabase({ kind, migrated: false });
      workDir = await mkdtemp(join(tmpdir(), 'lotse-migrations-'));
    });
    afterAll(async () => {
      await db.close();
      await rm(workDir, { recursive: true, force: true });
    });

    it('applies every migration once, then nothing on the next start', async () => {
      expect((await migrate(db)).applied).toEqual(shipped);
      expect((await migrate(db)).applied).toEqual([]);
      const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version).sort((a, b) => a - b)).toEqual(shipped);
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
      );
      // Later migrations add tables; these must always be there.
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining([
          'audit_log',
          'case_tombstones',
          'device_reports',
          'devices',
          'districts',
          'emergency_contacts',
          'home_sites',
          'municipalities',
          'municipality_settings',
          'offers',
          'organisations',
          'records',
          'refresh_tokens',
          'schema_migrations',
          'sessions',
          'signing_keys',
          'staff_accounts',
          'record_reviews',
          'referrals',
          'referral_state_changes',
          'partner_handover_keys',
          'warm_handovers',
        ]),
      );
    });

    it('applies a new migration file and records it', async () => {
      const dir = join(workDir, 'new');
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await writeFile(join(dir, `${next}_probe.sql`), 'CREATE TABLE migration_probe (municipality_id text NOT NULL);');
      expect((await migrate(db, dir)).applied).toEqual([shipped.length + 1]);
      expect((await migrate(db, dir)).applied).toEqual([]);
      // The shipped folder no longer knows the new file: older code must not start on a newer database.
      await expect(migrate(db)).rejects.toThrow(/missing here/);
      await db.exec(`DROP TABLE migration_probe; DELETE FROM schema_migrations WHERE version = ${shipped.length + 1};`);
    });

    it('refuses to start when an applied migration was edited', async () => {
      const dir = join(workDir, 'edited');
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await appendFile(join(dir, '001_init.sql'), '\n-- edited after landing\n');
      await expect(migrate(db, dir)).rejects.toThrow(/changed after it was applied/);
    });

    it('rolls back a failing migration completely', async () => {
      const dir = join(workDir, 'failing');
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await writeFile(join(dir, `${next}_broken.sql`), 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;');
      await expect(migrate(db, dir)).rejects.toThrow();
      const leftovers = await db.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'half_done'`,
      );
      expect(leftovers).toHaveLength(0);
      expect(await db.query('SELECT version FROM schema_migrations WHERE version = $1', [shipped.length + 1])).toHaveLength(0);
    });

    it('keeps the audit log append-only', async () => {
      await db.query(`INSERT INTO audit_log (municipality_id, actor_id, action) VALUES ('m', 'a', 'probe')`);
      await expect(db.query(`UPDATE audit_log SET action = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    });
  });
}

describe('migrate across a restart of embedded PGlite', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lotse-pglite-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applies the migrations on first start only', async () => {
    const first = await openPglite({ dataDir });
    expect((await migrate(first)).applied).toEqual(shipped);
    await first.query(`INSERT INTO municipalities (id, name) VALUES ('kept', 'Bleibt')`);
    await first.close();

    const second = await openPglite({ dataDir });
    try {
      expect((await migrate(second)).applied).toEqual([]);
      expect(await second.query('SELECT id FROM municipalities')).toEqual([{ id: 'kept' }]);
    } finally {
      await second.close();
    }
  });
});
