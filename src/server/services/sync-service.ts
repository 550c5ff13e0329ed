// Push (DESIGN.md §5): idempotent by record id + revision. Every record is
// validated on its own, so one bad record never blocks the batch; effect and
// acknowledgement commit in ONE transaction, so a lost response followed by a
// retry yields exactly one row and the same answer (including receivedAt).
import type { Database, Queryable } from '../db/database';
import { toIsoTimestamp } from '../db/database';
import { contentHash } from '../../shared/content-hash';
import { syncRecordSchema } from '../../shared/records/sync-record';
import type { SyncRecord } from '../../shared/records/sync-record';
import { SYNC_PROTOCOL_VERSION } from '../../shared/protocol';
import type { DeviceConfig, PushResponse, PushResult, SessionUser } from '../../shared/protocol';
import { defaultMessage, issuesFromZod } from '../http/errors';

export interface PushInput {
  deviceId: string;
  records: readonly Record<string, unknown>[];
}

export interface PushOutcome {
  /** 200 if anything was accepted; 409 if everything was a conflict; else 422. */
  httpStatus: 200 | 409 | 422;
  response: PushResponse;
}

interface Candidate {
  index: number;
  record: SyncRecord;
}

interface StoredRevision {
  id: string;
  revision: number;
  municipality_id: string;
  content_hash: string;
  received_at: unknown;
}

function readableId(raw: Record<string, unknown>): { id: string | null; revision: number | null } {
  const id = typeof raw['id'] === 'string' && raw['id'].length <= 64 ? raw['id'] : null;
  const revision = Number.isSafeInteger(raw['revision']) ? (raw['revision'] as number) : null;
  return { id, revision };
}

function rejected(
  raw: Record<string, unknown>,
  status: 409 | 422,
  reason: 'invalidRecord' | 'hashMismatch' | 'revisionConflict',
  issues?: PushResult['issues'],
): PushResult {
  return {
    ...readableId(raw),
    outcome: 'rejected',
    status,
    reason,
    message: defaultMessage(reason),
    ...(issues === undefined ? {} : { issues }),
  };
}

/** Used while a municipality has no row in municipality_settings (same as the column defaults). */
export const DEFAULT_SECURITY_SETTINGS: DeviceConfig['security'] = {
  autoLockMinutes: 5,
  maxUnlockAttempts: 10,
  retentionDaysAfterSync: 0,
};

const key = (id: string, revision: number): string => `${id}#${revision}`;

export class SyncService {
  constructor(private readonly db: Database) {}

  async deviceConfig(user: SessionUser, now: Date = new Date()): Promise<DeviceConfig> {
    const [municipality] = await this.db.query<{ id: string; name: string }>(
      'SELECT id, name FROM municipalities WHERE id = $1',
      [user.municipalityId],
    );
    if (!municipality) throw new Error('session municipality does not exist');
    const sites = await this.db.query<{ id: string; label: string }>(
      'SELECT id, label FROM home_sites WHERE municipality_id = $1 ORDER BY sort_order, label',
      [user.municipalityId],
    );
    const [settings] = await this.db.query<{
      auto_lock_minutes: number;
      max_unlock_attempts: number;
      retention_days_after_sync: number;
    }>(
      `SELECT auto_lock_minutes, max_unlock_attempts, retention_days_after_sync
         FROM municipality_settings WHERE municipality_id = $1`,
      [user.municipalityId],
    );
    return {
      protocolVersion: SYNC_PROTOCOL_VERSION,
      serverTime: now.toISOString(),
      municipality: { id: municipality.id, name: municipality.name },
      homeSites: sites.map((site) => ({ id: site.id, label: site.label })),
      security: {
        autoLockMinutes: settings?.auto_lock_minutes ?? DEFAULT_SECURITY_SETTINGS.autoLockMinutes,
        maxUnlockAttempts: settings?.max_unlock_attempts ?? DEFAULT_SECURITY_SETTINGS.maxUnlockAttempts,
        retentionDaysAfterSync: settings?.retention_days_after_sync ?? DEFAULT_SECURITY_SETTINGS.retentionDaysAfterSync,
      },
    };
  }

  async push(user: SessionUser, input: PushInput): Promise<PushOutcome> {
    const results: (PushResult | undefined)[] = new Array<PushResult | undefined>(input.records.length);
    const candidates: Candidate[] = [];

    for (const [index, raw] of input.records.entries()) {
      const parsed = syncRecordSchema.safeParse(raw);
      if (!parsed.success) {
        results[index] = rejected(raw, 422, 'invalidRecord', issuesFromZod(parsed.error.issues));
        continue;
      }
      const record = parsed.data;
      if (record.deviceId !== input.deviceId) {
        results[index] = rejected(raw, 422, 'invalidRecord', [
          { path: 'deviceId', message: 'deviceIdMismatch' },
        ]);
        continue;
      }
      if ((await contentHash(record.content)) !== record.contentHash) {
        results[index] = rejected(raw, 422, 'hashMismatch', [{ path: 'contentHash', message: 'hashMismatch' }]);
        continue;
      }
      candidates.push({ index, record });
    }

    if (candidates.length > 0) {
      await this.db.transaction(async (tx) => {
        const stored = await this.store(tx, user, input.deviceId, candidates);
        for (const { index, record } of candidates) {
          const row = stored.get(key(record.id, record.revision));
          const raw = input.records[index] ?? {};
          if (row && row.municipality_id === user.municipalityId && row.content_hash === record.contentHash) {
            results[index] = {
              id: record.id,
              revision: record.revision,
              outcome: 'accepted',
              status: 200,
              receivedAt: toIsoTimestamp(row.received_at),
            };
          } else {
            // Different content, or the id belongs to another municipality: the same
            // answer either way, so nothing about other tenants leaks.
            results[index] = rejected(raw, 409, 'revisionConflict');
          }
        }
      });
    }

    const finalResults = results.map((result) => {
      if (!result) throw new Error('push result missing');
      return result;
    });
    return { httpStatus: httpStatusOf(finalResults), response: { serverTime: new Date().toISOString(), results: finalResults } };
  }

  /**
   * Inserts what is new (ON CONFLICT DO NOTHING, so concurrent identical pushes
   * make one row), then reads back every candidate revision as stored.
   */
  private async store(
    tx: Queryable,
    user: SessionUser,
    deviceId: string,
    candidates: readonly Candidate[],
  ): Promise<Map<string, StoredRevision>> {
    const ids = [...new Set(candidates.map((c) => c.record.id))];
    // An id already used in another municipality is never written to, whatever its revision.
    const foreign = await tx.query<{ id: string }>(
      `SELECT DISTINCT id::text AS id FROM records
        WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)) AND municipality_id <> $2`,
      [JSON.stringify(ids), user.municipalityId],
    );
    const foreignIds = new Set(foreign.map((row) => row.id));
    const rows = candidates
      .filter((c) => !foreignIds.has(c.record.id))
      .map(({ record }) => ({
        id: record.id,
        revision: record.revision,
        kind: record.kind,
        schemaVersion: record.schemaVersion,
        formVersion: record.formVersion,
        caseNumber: record.caseNumber,
        createdAt: record.createdAt,
        contentHash: record.contentHash,
        content: record.content,
      }));

    if (rows.length > 0) {
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number,
                              device_id, author_id, device_created_at, received_at, content_hash, content)
         SELECT $2, (r->>'id')::uuid, (r->>'revision')::int, r->>'kind', (r->>'schemaVersion')::int,
                r->>'formVersion', r->>'caseNumber', $3::uuid, $4, (r->>'createdAt')::timestamptz, now(),
                r->>'contentHash', r->'content'
           FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (id, revision) DO NOTHING
         RETURNING id::text AS id`,
        [JSON.stringify(rows), user.municipalityId, deviceId, user.id],
      );
      if (inserted.length > 0) {
        await tx.query(
          `INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
           SELECT $1, $2, 'record.received', value FROM jsonb_array_elements_text($3::jsonb)`,
          [user.municipalityId, user.id, JSON.stringify(inserted.map((row) => row.id))],
        );
      }
    }

    const stored = await tx.query<StoredRevision>(
      `SELECT r.id::text AS id, r.revision, r.municipality_id, r.content_hash, r.received_at
         FROM records r
         JOIN jsonb_to_recordset($1::jsonb) AS k(id uuid, revision int) ON r.id = k.id AND r.revision = k.revision`,
      [JSON.stringify(candidates.map(({ record }) => ({ id: record.id, revision: record.revision })))],
    );
    return new Map(stored.map((row) => [key(row.id, row.revision), row]));
  }
}

export function httpStatusOf(results: readonly PushResult[]): 200 | 409 | 422 {
  if (results.length === 0 || results.some((r) => r.outcome === 'accepted')) return 200;
  return results.every((r) => r.status === 409) ? 409 : 422;
}
