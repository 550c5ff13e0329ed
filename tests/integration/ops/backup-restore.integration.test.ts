// The restore drill on PostgreSQL, through the real `npm run backup` / `npm run
// restore` commands: a fresh database with demo data and records pushed by a
// tablet is backed up, dropped, created again and restored — every row of every
// table, the sequences, the report and the append-only audit log come back the
// same; a tampered file, a wrong key and a non-empty target are refused.
// Runs where DATABASE_URL is set (CI); PGlite is backed up by copying its data directory.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@server/db/database';
import { migrate } from '@server/db/migrate';
import { openPostgres } from '@server/db/postgres';
import { DEMO_MUNICIPALITY_ID, seedDemoData } from '@server/db/demo-seed';
import { restorePostgres, verifyBackup } from '@server/ops/backup';
import { verifyAuditChain } from '@server/services/audit';
import { BackupFormatError } from '@server/ops/backup-format';
import { loadBackupKeys, newBackupKey } from '@server/ops/backup-key';
import {
  DEMO_COORDINATOR,
  bearer,
  buildTestApp,
  consentRecord,
  homeContactContent,
  homeContactRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  signInOnTablet,
  type TabletSession,
} from '../helpers/test-app';

const ROOT = resolve(import.meta.dirname, '../../..');
const baseUrl = process.env['DATABASE_URL'];

function urlFor(name: string): string {
  const url = new URL(baseUrl ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `npm run backup|restore -- …` as an operator runs it (the package.json scripts' command). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/ops/backup-cli.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('exit', (code) => {
      done({ code, stdout, stderr });
    });
  });
}

interface Snapshot {
  tables: Record<string, string[]>;
  sequences: Record<string, string>;
}

/** Every row of every table (as JSON, sorted) and every sequence position. */
async function snapshot(db: Database): Promise<Snapshot> {
  const tables = await db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const result: Snapshot = { tables: {}, sequences: {} };
  for (const { name } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${name}" t`);
    result.tables[name] = rows.map((r) => r.row).sort();
  }
  const sequences = await db.query<{ name: string }>(
    "SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
  );
  for (const { name } of sequences) {
    const [position] = await db.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM "${name}"`);
    result.sequences[name] = `${position?.last_value ?? ''}/${String(position?.is_called)}`;
  }
  return result;
}

describe.skipIf(!baseUrl)('backup and restore drill [postgres]', () => {
  const name = `lotse_drill_${randomBytes(5).toString('hex')}`;
  const spare = `${name}_spare`;
  let dir = '';
  let keyFile = '';
  let db: Database | undefined;
  let app: FastifyInstance | undefined;
  let tablet: TabletSession;
  const records: unknown[] = [];
  let before: Snapshot;
  let reportBefore = '';
  let backupFile = '';

  const report = async (target: FastifyInstance): Promise<string> => {
    const coordinator = await login(target, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    const answer = await target.inject({
      method: 'GET',
      url: '/api/reports/demo-stadt/indicators?from=2026-01-01&to=2026-12-31',
      headers: bearer(coordinator.token),
    });
    expect(answer.statusCode, answer.body).toBe(200);
    // Everything but the moment it was made.
    const { generatedAt: _generatedAt, ...counts } = answer.json<Record<string, unknown>>();
    return JSON.stringify(counts);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lotse-drill-'));
    keyFile = join(dir, 'backup.key');
    await admin(`CREATE DATABASE ${name}`);
    db = openPostgres({ connectionString: urlFor(name) });
    await migrate(db);
    await seedDemoData(db);
    app = buildTestApp(db);
    await app.ready();
    tablet = await signInOnTablet(app, db);
    for (let k = 0; k < 3; k += 1) {
      const caseNumber = newCaseNumber();
      records.push(await consentRecord(tablet.deviceId, caseNumber));
      records.push(
        await homeContactRecord(tablet.deviceId, { caseNumber, content: homeContactContent({ contactDate: '2026-03-0' + String(k + 1) }) }),
      );
    }
    for (let k = 0; k < 6; k += 1)
      records.push(await homeContactRecord(tablet.deviceId, { content: homeContactContent({ contactDate: '2026-02-10' }) }));
    const pushed = await pushAsTablet(app, tablet, records);
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.body).not.toContain('rejected');
    reportBefore = await report(app);
    before = await snapshot(db);
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${spare} WITH (FORCE)`).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('backs up, drops, restores into a new empty database: every row, sequence, report and the audit log as before', async () => {
    expect(before.tables['records']?.length).toBe(records.length);
    expect(before.tables['audit_log']?.length).toBeGreaterThan(0);

    const keyMade = await cli(['backup', '--new-key', keyFile, '--key-id', 'drill-1'], {});
    expect(keyMade.code, keyMade.stderr).toBe(0);
    const made = await cli(['backup', '--out', join(dir, 'backups')], { DATABASE_URL: urlFor(name), BACKUP_KEY_FILE: keyFile });
    expect(made.code, made.stderr).toBe(0);
    const [file] = await readdir(join(dir, 'backups'));
    expect(file).toMatch(/^lotse-lotse_drill_.*\.lotsebak$/);
    backupFile = join(dir, 'backups', file ?? '');
    // Encrypted: neither a case number nor pg_dump's own signature is readable in the file.
    const bytes = await readFile(backupFile);
    expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
    const someCase = (records[0] as { caseNumber: string }).caseNumber;
    expect(bytes.includes(Buffer.from(someCase))).toBe(false);
    expect(made.stdout + made.stderr).not.toContain(someCase);

    await app?.close();
    await db?.close();
    app = undefined;
    db = undefined;
    await admin(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${name}`);

    const restored = await cli(['restore', backupFile], { DATABASE_URL: urlFor(name), BACKUP_KEY_FILE: keyFile });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('Restored the backup');

    db = openPostgres({ connectionString: urlFor(name) });
    const after = await snapshot(db);
    expect(Object.keys(after.tables)).toEqual(Object.keys(before.tables));
    for (const table of Object.keys(before.tables)) expect(after.tables[table], table).toEqual(before.tables[table]);
    expect(after.sequences).toEqual(before.sequences);
    // The audit log's hash chain verifies link by link, with every entry it had before the backup.
    const chain = await verifyAuditChain(db, DEMO_MUNICIPALITY_ID);
    expect(chain).toMatchObject({ intact: true, entries: before.tables['audit_log']?.length });

    app = buildTestApp(db);
    await app.ready();
    expect(await report(app)).toBe(reportBefore);
    // The audit log is still append-only after the restore (its triggers came back with it).
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    // The tablet carries on: its session is back, and a replayed push is answered from the restored rows.
    const again = await pushAsTablet(app, tablet, records);
    expect(again.statusCode, again.body).toBe(200);
    expect((await snapshot(db)).tables['records']).toEqual(before.tables['records']);
  });

  it('refuses a backup with one flipped byte, and leaves the target database empty', async () => {
    expect(backupFile).not.toBe('');
    const bytes = await readFile(backupFile);
    const tampered = Buffer.from(bytes);
    const middle = Math.floor(bytes.length / 2);
    tampered[middle] = (tampered[middle] ?? 0) ^ 0x20;
    const tamperedFile = join(dir, 'tampered.lotsebak');
    await writeFile(tamperedFile, tampered);
    await admin(`CREATE DATABASE ${spare}`);
    const refused = await cli(['restore', tamperedFile], { DATABASE_URL: urlFor(spare), BACKUP_KEY_FILE: keyFile });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^Refused: The backup (file was changed|cannot be decrypted)/);
    const target = openPostgres({ connectionString: urlFor(spare) });
    try {
      expect(await target.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('refuses a wrong key and a database that is not empty', async () => {
    const wrongKey = { keyId: 'drill-1', key: randomBytes(32) };
    await expect(verifyBackup(backupFile, [wrongKey])).rejects.toThrow(/wrong backup key/);
    await expect(verifyBackup(backupFile, [newBackupKey('other')])).rejects.toBeInstanceOf(BackupFormatError);
    const keys = await loadBackupKeys({}, keyFile);
    // The restored database holds Lotse now: a second restore over it is refused before anything is written.
    await expect(restorePostgres({ databaseUrl: urlFor(name), keys, path: backupFile })).rejects.toThrow(/not empty/);
  });
});
