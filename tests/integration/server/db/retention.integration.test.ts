// Server-side retention (028_retention.sql, services/retention-service.ts): rows past their period
// go, rows within it stay, published report counts do not move, and the audit chain that remains
// after its oldest entries were deleted still verifies — from the database and from an export file.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@shared/ids';
import { AuditChainVerifier, readAuditChain, verifyAuditChain, type AuditChainEntry } from '@server/services/audit';
import { DEFAULT_RETENTION, applyRetention, retentionFromEnv } from '@server/services/retention-service';
import { verifyAuditFile } from '@server/ops/retention-cli';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_FIELDWORKER, seedDemo } from '../../helpers/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS);

describeEachDatabase('retention', ({ db }) => {
  let authorId = '';
  beforeAll(async () => {
    await seedDemo(db());
    const [author] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [DEMO_FIELDWORKER.username]);
    authorId = author?.id ?? '';
  });

  /** A municipality of its own per test, so each test's rows and chain are its own. */
  const freshMunicipality = async (): Promise<string> => {
    const id = `ret-${uuidv7().slice(-12)}`;
    await db().query('INSERT INTO municipalities (id, name) VALUES ($1, $1)', [id]);
    return id;
  };

  const insertScreening = async (municipalityId: string, caseNumber: string | null, receivedAt: Date): Promise<string> => {
    const id = uuidv7();
    await db().query(
      `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number, device_id, author_id,
                            device_created_at, received_at, content_hash, content)
       VALUES ($1, $2, 1, 'screening', 1, 'test', $3, $4, $5, $6, $6, repeat('0', 64), '{"supportNeed":"urgent","score":12}')`,
      [municipalityId, id, caseNumber, uuidv7(), authorId, receivedAt],
    );
    return id;
  };

  const insertReferral = async (municipalityId: string, caseNumber: string, changedAt: Date): Promise<string> => {
    const id = uuidv7();
    await db().query(
      `INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, created_by, created_at, state, state_changed_at)
       SELECT $1, $2, $3, o.id, o.type, $4, $5, $6, 'completed', $6 FROM offers o WHERE o.municipality_id = 'demo-stadt' LIMIT 1`,
      [id, municipalityId, caseNumber, uuidv7(), authorId, changedAt],
    );
    return id;
  };

  const ids = async (sql: string, params: unknown[]): Promise<string[]> =>
    (await db().query<{ id: string }>(sql, params)).map((row) => row.id).sort();

  it('deletes records, referrals and tokens past their period and keeps those within it', async () => {
    // Referrals need an offer of their municipality: run this part in demo-stadt, with case numbers of its own.
    const m = 'demo-stadt';
    const tag = uuidv7().slice(-8);
    const oldCase = `RET-OLD-${tag}`;
    const recentCase = `RET-NEW-${tag}`;
    const revivedCase = `RET-REV-${tag}`;
    const old = daysAgo(DEFAULT_RETENTION.recordDays + 5);
    const oldRecord = await insertScreening(m, oldCase, old);
    const recentRecord = await insertScreening(m, recentCase, daysAgo(DEFAULT_RETENTION.recordDays - 5));
    // An old record whose case had a referral change within the period: the case is still in use.
    const revivedRecord = await insertScreening(m, revivedCase, old);
    const oldReferral = await insertReferral(m, oldCase, daysAgo(DEFAULT_RETENTION.referralDays + 1));
    const revivedReferral = await insertReferral(m, revivedCase, daysAgo(10));
    const reportTotal = async (): Promise<number> => {
      const [row] = await db().query<{ n: string }>(
        "SELECT coalesce(sum(n), 0)::text AS n FROM report_counts WHERE municipality_id = 'demo-stadt'",
      );
      return Number(row?.n);
    };
    const countsBefore = await reportTotal();

    await db().query(
      `INSERT INTO sessions (token_hash, account_id, municipality_id, created_at, expires_at)
       VALUES (repeat('a', 60) || $1, $2, $3, $4, $4), (repeat('b', 60) || $1, $2, $3, now(), now() + interval '15 minutes')`,
      [tag.slice(-4).replace(/[^0-9a-f]/g, '0'), authorId, m, daysAgo(DEFAULT_RETENTION.sessionDays + 1)],
    );

    const outcomes = await applyRetention(db(), DEFAULT_RETENTION, new Date());
    const demo = outcomes.find((o) => o.municipalityId === m);
    expect(demo?.records).toBeGreaterThanOrEqual(1);

    const recordIds = [oldRecord, recentRecord, revivedRecord];
    expect(await ids('SELECT DISTINCT id::text AS id FROM records WHERE id = ANY($1::uuid[])', [recordIds])).toEqual(
      [recentRecord, revivedRecord].sort(),
    );
    expect(await ids('SELECT id::text AS id FROM referrals WHERE id = ANY($1::uuid[])', [[oldReferral, revivedReferral]])).toEqual([
      revivedReferral,
    ]);
    const sessions = await db().query<{ token_hash: string }>(
      'SELECT token_hash FROM sessions WHERE token_hash LIKE $1 OR token_hash LIKE $2',
      [`${'a'.repeat(60)}%`, `${'b'.repeat(60)}%`],
    );
    expect(sessions.map((s) => s.token_hash.slice(0, 1))).toEqual(['b']);
    // The reports already published keep their figures.
    expect(await reportTotal()).toBe(countsBefore);
    // The run is audited with counts only.
    const entries = await db().query<{ action: string; object_id: string; actor_id: string | null }>(
      "SELECT action, object_id, actor_id FROM audit_log WHERE municipality_id = $1 AND action LIKE 'retention.%' ORDER BY chain_seq DESC LIMIT 3",
      [m],
    );
    expect(entries.map((e) => e.action)).toContain('retention.recordsDeleted');
    expect(entries.every((e) => /^\d+$/.test(e.object_id) && e.actor_id === null)).toBe(true);
  });

  it('deletes a record without a case number only when all its revisions are past the period', async () => {
    const m = await freshMunicipality();
    const gone = await insertScreening(m, null, daysAgo(DEFAULT_RETENTION.recordDays + 1));
    const kept = await insertScreening(m, null, daysAgo(1));
    await applyRetention(db(), DEFAULT_RETENTION, new Date());
    expect(await ids('SELECT id::text AS id FROM records WHERE municipality_id = $1', [m])).toEqual([kept]);
    expect(gone).not.toBe(kept);
  });

  describe('audit entries', () => {
    const appendAt = async (municipalityId: string, at: Date, n: number): Promise<void> => {
      for (let i = 0; i < n; i += 1) {
        await db().query(
          "INSERT INTO audit_log (municipality_id, actor_id, action, object_id, at) VALUES ($1, 'staff-x', 'record.received', $2, $3)",
          [municipalityId, `object-${String(i)}`, at],
        );
      }
    };
    const chainOf = async (municipalityId: string): Promise<AuditChainEntry[]> => {
      const entries: AuditChainEntry[] = [];
      for await (const entry of readAuditChain(db(), municipalityId)) entries.push(entry);
      return entries;
    };
    const tamper = async (sql: string, params: unknown[]): Promise<void> => {
      await db().transaction(async (tx) => {
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query(sql, params);
      });
    };

    it('deletes the entries past the period and leaves a chain that verifies from its anchor', async () => {
      const m = await freshMunicipality();
      await appendAt(m, daysAgo(DEFAULT_RETENTION.auditDays + 30), 3);
      await appendAt(m, daysAgo(DEFAULT_RETENTION.auditDays - 30), 2);
      const before = await chainOf(m);
      const lastDeleted = before[2];

      const outcome = (await applyRetention(db(), DEFAULT_RETENTION, new Date())).find((o) => o.municipalityId === m);
      expect(outcome?.auditEntries).toBe(3);
      const after = await chainOf(m);
      expect(after.map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(after.at(-1)).toMatchObject({ action: 'audit.expired', actorId: null, objectId: `3:${lastDeleted?.rowHash ?? ''}` });
      expect(await verifyAuditChain(db(), m)).toMatchObject({ intact: true, entries: 3, firstSeq: 4 });

      // A log store holding the export before and after sees one continuous chain.
      const store = new AuditChainVerifier();
      [...before, ...after.filter((e) => e.seq > before.length)].forEach((e) => {
        store.add(e);
      });
      expect(store.verdict()).toMatchObject({ intact: true, firstSeq: 1 });

      // A second run finds nothing more to delete and writes no second anchor.
      await applyRetention(db(), DEFAULT_RETENTION, new Date());
      expect((await chainOf(m)).length).toBe(3);
    });

    it('finds a beginning deleted without an anchor, and a deleted or edited entry after retention', async () => {
      const m = await freshMunicipality();
      await appendAt(m, daysAgo(DEFAULT_RETENTION.auditDays + 30), 2);
      await appendAt(m, daysAgo(10), 4);
      await applyRetention(db(), DEFAULT_RETENTION, new Date());
      expect(await verifyAuditChain(db(), m)).toMatchObject({ intact: true, firstSeq: 3 });

      // The export file as a log store receives it, checked without the database.
      const dir = await mkdtemp(join(tmpdir(), 'lotse-audit-'));
      const entries = await chainOf(m);
      const file = async (name: string, list: AuditChainEntry[]): Promise<string> => {
        const path = join(dir, name);
        await writeFile(path, list.map((e) => `${JSON.stringify(e)}\n`).join(''));
        return path;
      };
      expect(await verifyAuditFile(await file('intact.jsonl', entries))).toMatchObject({ intact: true });
      expect(
        await verifyAuditFile(
          await file(
            'deleted.jsonl',
            entries.filter((e) => e.seq !== 4),
          ),
        ),
      ).toMatchObject({
        intact: false,
        firstBrokenSeq: 4,
        problem: 'missingEntry',
      });
      expect(
        await verifyAuditFile(
          await file(
            'edited.jsonl',
            entries.map((e) => (e.seq === 5 ? { ...e, actorId: 'someone-else' } : e)),
          ),
        ),
      ).toMatchObject({ intact: false, firstBrokenSeq: 5, problem: 'rowHashMismatch' });
      // Without the anchor the shortened beginning is not accepted.
      expect(
        await verifyAuditFile(
          await file(
            'no-anchor.jsonl',
            entries.filter((e) => e.action !== 'audit.expired'),
          ),
        ),
      ).toMatchObject({
        intact: false,
        problem: 'unanchoredStart',
      });
      const malformed = join(dir, 'malformed.jsonl');
      await writeFile(malformed, `${JSON.stringify(entries[0])}\nnot json\n`);
      expect(await verifyAuditFile(malformed)).toEqual({ intact: false, malformedLine: 2 });

      // In the database: the first remaining entry deleted past the guard.
      await tamper('DELETE FROM audit_log WHERE municipality_id = $1 AND chain_seq = 3', [m]);
      expect(await verifyAuditChain(db(), m)).toMatchObject({ intact: false, problem: 'unanchoredStart' });
    });

    it('refuses to delete entries younger than a year, with or without the retention flag', async () => {
      const m = await freshMunicipality();
      await appendAt(m, daysAgo(200), 2);
      await expect(db().query('SELECT audit_log_expire($1, $2)', [m, daysAgo(100)])).rejects.toThrow(/minimum retention/);
      await expect(
        db().transaction(async (tx) => {
          await tx.query("SELECT set_config('lotse.audit_expiry', $1, true)", [m]);
          await tx.query('DELETE FROM audit_log WHERE municipality_id = $1', [m]);
        }),
      ).rejects.toThrow(/append-only/);
      // Old entries without the flag: still append-only.
      const old = await freshMunicipality();
      await appendAt(old, daysAgo(800), 1);
      await expect(db().query('DELETE FROM audit_log WHERE municipality_id = $1', [old])).rejects.toThrow(/append-only/);
      await expect(db().query("UPDATE audit_log SET action = 'x' WHERE municipality_id = $1", [old])).rejects.toThrow(/append-only/);
      expect(await verifyAuditChain(db(), m)).toMatchObject({ intact: true, entries: 2 });
    });
  });

  it('reads the periods from the environment and refuses an audit period below a year', () => {
    expect(retentionFromEnv({})).toEqual(DEFAULT_RETENTION);
    expect(retentionFromEnv({ RETENTION_RECORD_DAYS: '730', RETENTION_SESSION_DAYS: '30' })).toMatchObject({
      recordDays: 730,
      sessionDays: 30,
    });
    expect(() => retentionFromEnv({ RETENTION_AUDIT_DAYS: '90' })).toThrow(/RETENTION_AUDIT_DAYS/);
    expect(() => retentionFromEnv({ RETENTION_RECORD_DAYS: 'drei' })).toThrow(/RETENTION_RECORD_DAYS/);
  });
});
