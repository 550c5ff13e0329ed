// The audit hash chain (migration 012): the database links each entry to the one
// before; an edit or a deletion made past the append-only guard is found, the
// chain holds under concurrent appends, and the admin export can be checked alone.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse } from '@shared/protocol';
import { uuidv7 } from '@shared/ids';
import {
  AUDIT_CHAIN_GENESIS,
  AuditChainVerifier,
  AuditGroupCommit,
  audit,
  auditChainHash,
  auditEach,
  verifyAuditChain,
} from '@server/services/audit';
import type { AuditAction, AuditChainEntry } from '@server/services/audit';
import { describeEachDatabase } from '../../helpers/databases';
import { DEMO_ADMIN, DEMO_COORDINATOR, bearer, buildTestApp, login, seedDemo } from '../../helpers/test-app';

describeEachDatabase('audit hash chain', ({ db }) => {
  /** A municipality of its own per test, so each test starts a chain of its own. */
  const freshMunicipality = (): string => `audit-${uuidv7().slice(-12)}`;
  const appendSome = async (municipalityId: string, n: number): Promise<void> => {
    for (let i = 0; i < n; i += 1) {
      await audit(db(), { municipalityId, actorId: `staff-${i}`, action: 'record.received', objectId: `object-${i}` });
    }
  };
  /** What someone with the owner role can do: switch the triggers off for one transaction. */
  const tamper = async (sql: string, params: unknown[]): Promise<void> => {
    await db().transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(sql, params);
    });
  };

  it('chains every appended entry, from the genesis hash on', async () => {
    const municipalityId = freshMunicipality();
    await appendSome(municipalityId, 3);
    await auditEach(db(), { municipalityId, actorId: null }, [
      { action: 'offer.created', objectId: 'ü-ß-🙂' },
      { action: 'offer.changed', objectId: null },
    ]);
    const rows = await db().query<{ chain_seq: string; prev_hash: string; row_hash: string }>(
      'SELECT chain_seq::text, prev_hash, row_hash FROM audit_log WHERE municipality_id = $1 ORDER BY chain_seq',
      [municipalityId],
    );
    expect(rows.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]?.prev_hash).toBe(AUDIT_CHAIN_GENESIS);
    rows.slice(1).forEach((row, i) => {
      expect(row.prev_hash).toBe(rows[i]?.row_hash);
    });
    // The TypeScript serialisation agrees with the database's, multi-byte text included.
    expect(await verifyAuditChain(db(), municipalityId)).toEqual({ intact: true, entries: 5, lastHash: rows[4]?.row_hash, firstSeq: 1 });
    // The trigger's inline serialisation (migration 026) gives the bytes of the defining SQL function (012).
    const [defined] = await db().query<{ matching: number }>(
      `SELECT count(*)::int AS matching FROM audit_log WHERE municipality_id = $1
          AND row_hash = audit_chain_hash(audit_chain_canonical(chain_seq, municipality_id, actor_id, action, object_id, at, prev_hash))`,
      [municipalityId],
    );
    expect(defined?.matching).toBe(5);
  });

  it('finds an entry edited with the guard switched off', async () => {
    const municipalityId = freshMunicipality();
    await appendSome(municipalityId, 4);
    await tamper("UPDATE audit_log SET actor_id = 'someone-else' WHERE municipality_id = $1 AND chain_seq = 2", [municipalityId]);
    expect(await verifyAuditChain(db(), municipalityId)).toEqual({
      intact: false,
      entries: 4,
      firstBrokenSeq: 2,
      problem: 'rowHashMismatch',
    });
  });

  it('finds an edit whose row hash was recomputed, at the next link', async () => {
    const municipalityId = freshMunicipality();
    await appendSome(municipalityId, 4);
    await tamper(
      `UPDATE audit_log SET action = 'offer.created',
              row_hash = audit_chain_hash(audit_chain_canonical(chain_seq, municipality_id, actor_id, 'offer.created', object_id, at, prev_hash))
        WHERE municipality_id = $1 AND chain_seq = 2`,
      [municipalityId],
    );
    expect(await verifyAuditChain(db(), municipalityId)).toEqual({
      intact: false,
      entries: 4,
      firstBrokenSeq: 3,
      problem: 'prevHashMismatch',
    });
  });

  it('finds a deleted entry', async () => {
    const municipalityId = freshMunicipality();
    await appendSome(municipalityId, 4);
    await tamper('DELETE FROM audit_log WHERE municipality_id = $1 AND chain_seq = 3', [municipalityId]);
    expect(await verifyAuditChain(db(), municipalityId)).toEqual({ intact: false, entries: 3, firstBrokenSeq: 3, problem: 'missingEntry' });
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    const municipalityId = freshMunicipality();
    // Separate transactions at once: on PostgreSQL separate connections of the pool.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        db().transaction(async (tx) => {
          await audit(tx, { municipalityId, actorId: `staff-${i}`, action: 'record.received', objectId: null });
          await audit(tx, { municipalityId, actorId: `staff-${i}`, action: 'review.approved', objectId: null });
        }),
      ),
    );
    expect(await verifyAuditChain(db(), municipalityId)).toMatchObject({ intact: true, entries: 48 });
  });

  it('writes concurrent grouped appends once each, entries of one append together, in one unbroken chain', async () => {
    const municipalityId = freshMunicipality();
    const group = new AuditGroupCommit(db());
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        group.append(municipalityId, [
          { actorId: `partner-${i}`, action: 'referral.viewed', objectId: `referral-${i}-a` },
          { actorId: `partner-${i}`, action: 'referral.viewed', objectId: `referral-${i}-b` },
        ]),
      ),
    );
    const rows = await db().query<{ actor_id: string; object_id: string }>(
      'SELECT actor_id, object_id FROM audit_log WHERE municipality_id = $1 ORDER BY chain_seq',
      [municipalityId],
    );
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.object_id)).size).toBe(60);
    rows.forEach((row, i) => {
      if (i % 2 === 1) {
        expect(row.actor_id).toBe(rows[i - 1]?.actor_id);
        expect(row.object_id).toBe(`${row.actor_id.replace('partner', 'referral')}-b`);
      }
    });
    expect(await verifyAuditChain(db(), municipalityId)).toMatchObject({ intact: true, entries: 60 });
  });

  it('resolves a grouped append only once it is committed, and one failing append fails no other', async () => {
    const municipalityId = freshMunicipality();
    const group = new AuditGroupCommit(db());
    const broken = { actorId: 'partner-x', action: null as unknown as AuditAction, objectId: 'referral-x' };
    const outcomes = await Promise.allSettled([
      group.append(municipalityId, [{ actorId: 'partner-1', action: 'referral.viewed', objectId: 'referral-1' }]),
      group.append(municipalityId, [{ actorId: 'partner-2', action: 'referral.viewed', objectId: 'referral-2' }]),
      group.append(municipalityId, [broken]),
      group.append(municipalityId, [{ actorId: 'partner-3', action: 'referral.viewed', objectId: 'referral-3' }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await db().query<{ object_id: string }>('SELECT object_id FROM audit_log WHERE municipality_id = $1 ORDER BY chain_seq', [
      municipalityId,
    ]);
    expect(rows.map((r) => r.object_id).sort()).toEqual(['referral-1', 'referral-2', 'referral-3']);
    expect(await verifyAuditChain(db(), municipalityId)).toMatchObject({ intact: true, entries: 3 });
  });

  it('keeps the append-only guard for the application', async () => {
    const municipalityId = freshMunicipality();
    await appendSome(municipalityId, 1);
    await expect(db().query('DELETE FROM audit_log WHERE municipality_id = $1', [municipalityId])).rejects.toThrow(/append-only/);
  });

  describe('admin export and verification routes', () => {
    let app: FastifyInstance;
    let admin: LoginResponse;
    beforeAll(async () => {
      await seedDemo(db());
      app = buildTestApp(db(), { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } });
      await app.ready();
      admin = await login(app, DEMO_ADMIN.username, DEMO_ADMIN.password);
    });
    afterAll(async () => {
      await app.close();
    });

    it('exports JSON Lines a separate store can verify without the database', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/admin/audit/export', headers: bearer(admin.token) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const entries = response.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditChainEntry);
      expect(entries.length).toBeGreaterThan(1);
      expect(entries.every((e) => e.municipalityId === admin.user.municipalityId)).toBe(true);
      // The export records itself: its own entry is the newest.
      expect(entries.at(-1)).toMatchObject({ action: 'audit.exported', actorId: admin.user.id });
      const verifier = new AuditChainVerifier();
      entries.forEach((entry) => {
        verifier.add(entry);
      });
      expect(verifier.verdict()).toMatchObject({ intact: true, entries: entries.length });
      // Changing one exported field breaks the copy too.
      const edited = entries.map((e, i) => (i === 1 ? { ...e, objectId: 'other' } : e));
      const second = new AuditChainVerifier();
      edited.forEach((entry) => {
        second.add(entry);
      });
      expect(second.verdict()).toMatchObject({ intact: false, firstBrokenSeq: 2, problem: 'rowHashMismatch' });
      expect(auditChainHash(entries[0] as AuditChainEntry)).toBe(entries[0]?.rowHash);
    });

    it('reports an intact chain, then the first broken link after tampering', async () => {
      const url = '/api/admin/audit/verification';
      const before = await app.inject({ method: 'GET', url, headers: bearer(admin.token) });
      expect(before.statusCode).toBe(200);
      expect(before.json()).toMatchObject({ intact: true });
      await tamper("UPDATE audit_log SET object_id = 'rewritten' WHERE municipality_id = $1 AND chain_seq = 1", [
        admin.user.municipalityId,
      ]);
      const after = await app.inject({ method: 'GET', url, headers: bearer(admin.token) });
      expect(after.json()).toMatchObject({ intact: false, firstBrokenSeq: 1, problem: 'rowHashMismatch' });
    });

    it('refuses both routes to a coordinator', async () => {
      const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
      for (const url of ['/api/admin/audit/export', '/api/admin/audit/verification']) {
        expect((await app.inject({ method: 'GET', url, headers: bearer(coordinator.token) })).statusCode).toBe(403);
      }
    });
  });
});
