// Moves every sealed value to the active server key: rows stored clear before sealing existed
// (seal_key_id NULL) are sealed, rows sealed under an older key are opened and sealed again. Runs
// at start (main.ts) and as `npm run reencrypt`; batches of rows in key order, each batch one
// transaction, so it can stop anywhere and resume. A row changed by someone else meanwhile (its key
// id moved) is left alone: the UPDATE only applies if the key id is still the one read.
import type { Database, Queryable } from '../db/database';
import { inEachMunicipality } from '../db/tenant-scope';
import {
  installedServerKeys,
  openRecordContent,
  openStored,
  sealRecordContent,
  sealText,
  UnknownServerKeyError,
  type SealPlace,
  type ServerKeyring,
} from '../services/content-seal';

interface SealedColumnTable {
  table: string;
  /** Primary key column (text-comparable). */
  key: string;
  /** The sealed columns (nullable ones are skipped when NULL). */
  columns: readonly string[];
}

/** The tables with sealed values besides `records` (whose content also changes shape when sealed). */
const SEALED_TABLES: readonly SealedColumnTable[] = [
  { table: 'referrals', key: 'id', columns: ['shared_note'] },
  { table: 'record_reviews', key: 'id', columns: ['comment'] },
  { table: 'devices', key: 'id', columns: ['escrow_key'] },
  { table: 'second_factors', key: 'account_id', columns: ['totp_secret'] },
  { table: 'second_factor_challenges', key: 'token_hash', columns: ['pending_secret'] },
];

export const SEALED_TABLE_NAMES: readonly string[] = ['records', ...SEALED_TABLES.map((t) => t.table)];

function needsWork(table: SealedColumnTable | 'records'): string {
  if (table === 'records') return 'seal_key_id IS DISTINCT FROM $1';
  return `seal_key_id IS DISTINCT FROM $1 AND (${table.columns.map((c) => `${c} IS NOT NULL`).join(' OR ')})`;
}

/** Key ids that sealed rows carry but this keyring lacks (the server must not start with any). */
async function unknownKeyIdsInScope(db: Queryable, keyring: ServerKeyring = installedServerKeys()): Promise<string[]> {
  const unknown = new Set<string>();
  for (const table of SEALED_TABLE_NAMES) {
    const rows = await db.query<{ seal_key_id: string }>(`SELECT DISTINCT seal_key_id FROM ${table} WHERE seal_key_id IS NOT NULL`);
    for (const { seal_key_id } of rows) if (!keyring.byId.has(seal_key_id)) unknown.add(seal_key_id);
  }
  return [...unknown].sort();
}

function addUp(maps: readonly Map<string, number>[]): Map<string, number> {
  const sum = new Map<string, number>();
  for (const map of maps) for (const [table, n] of map) sum.set(table, (sum.get(table) ?? 0) + n);
  return sum;
}

/** Key ids that sealed rows carry but this keyring lacks, in every municipality. */
export async function unknownKeyIds(db: Database, keyring: ServerKeyring = installedServerKeys()): Promise<string[]> {
  const lists = await inEachMunicipality(db, () => unknownKeyIdsInScope(db, keyring));
  return [...new Set(lists.flat())].sort();
}

/** How many rows are not (yet) sealed under the active key, per table, in every municipality. */
export async function rowsToReencrypt(db: Database, keyring: ServerKeyring = installedServerKeys()): Promise<Map<string, number>> {
  return addUp(await inEachMunicipality(db, () => rowsToReencryptInScope(db, keyring)));
}

/** Re-encrypts everything to the active key; returns how many rows moved per table. */
export async function reencryptAll(
  db: Database,
  options: ReencryptOptions = {},
  keyring: ServerKeyring = installedServerKeys(),
): Promise<Map<string, number>> {
  await assertKeysKnown(db, keyring);
  return addUp(await inEachMunicipality(db, () => reencryptInScope(db, options, keyring)));
}

export async function assertKeysKnown(db: Database, keyring: ServerKeyring = installedServerKeys()): Promise<void> {
  const unknown = await unknownKeyIds(db, keyring);
  if (unknown.length > 0) throw new UnknownServerKeyError(unknown);
}

/** How many rows are not (yet) sealed under the active key, per table. */
async function rowsToReencryptInScope(db: Queryable, keyring: ServerKeyring = installedServerKeys()): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of ['records' as const, ...SEALED_TABLES]) {
    const name = table === 'records' ? table : table.table;
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} WHERE ${needsWork(table)}`, [keyring.active.keyId]);
    counts.set(name, row?.n ?? 0);
  }
  return counts;
}

export interface ReencryptProgress {
  table: string;
  done: number;
  total: number;
}

export interface ReencryptOptions {
  batchSize?: number;
  onProgress?: (progress: ReencryptProgress) => void;
}

/** Re-encrypts one municipality's rows (the scope's) to the active key. */
async function reencryptInScope(
  db: Database,
  options: ReencryptOptions = {},
  keyring: ServerKeyring = installedServerKeys(),
): Promise<Map<string, number>> {
  const batchSize = options.batchSize ?? 500;
  const totals = await rowsToReencryptInScope(db, keyring);
  const moved = new Map<string, number>();
  const report = (table: string, done: number): void => options.onProgress?.({ table, done, total: totals.get(table) ?? 0 });

  let done = 0;
  let after: { id: string; revision: number } | null = null;
  if ((totals.get('records') ?? 0) > 0) {
    for (;;) {
      const batch: { id: string; revision: number; n: number } | null = await db.transaction(async (tx) => {
        const rows = await tx.query<{
          id: string;
          revision: number;
          municipality_id: string;
          kind: string;
          content: unknown;
          sealed_content: string | null;
          seal_key_id: string | null;
        }>(
          `SELECT id::text AS id, revision, municipality_id, kind, content, sealed_content, seal_key_id FROM records
            WHERE ${needsWork('records')} AND ($2::uuid IS NULL OR (id, revision) > ($2::uuid, $3::int))
            ORDER BY id, revision LIMIT ${String(batchSize)} FOR UPDATE`,
          [keyring.active.keyId, after?.id ?? null, after?.revision ?? 0],
        );
        let n = 0;
        for (const row of rows) {
          const identity = { municipalityId: row.municipality_id, id: row.id, revision: row.revision };
          const content = openRecordContent(
            { ...identity, content: row.content, sealed_content: row.sealed_content, seal_key_id: row.seal_key_id },
            keyring,
          );
          const sealed = sealRecordContent({ ...identity, kind: row.kind, content: content as object }, keyring);
          const updated = await tx.query(
            `UPDATE records SET content = $3::jsonb, sealed_content = $4, seal_key_id = $5
              WHERE id = $1::uuid AND revision = $2 AND seal_key_id IS NOT DISTINCT FROM $6 RETURNING 1`,
            [row.id, row.revision, JSON.stringify(sealed.facts), sealed.sealedContent, sealed.sealKeyId, row.seal_key_id],
          );
          n += updated.length;
        }
        const last = rows.at(-1);
        return last ? { id: last.id, revision: last.revision, n } : null;
      });
      if (!batch) break;
      done += batch.n;
      after = batch;
      report('records', done);
    }
  }
  moved.set('records', done);

  for (const table of SEALED_TABLES) {
    moved.set(
      table.table,
      (totals.get(table.table) ?? 0) > 0
        ? await reencryptTable(db, table, batchSize, keyring, (n) => {
            report(table.table, n);
          })
        : 0,
    );
  }
  return moved;
}

async function reencryptTable(
  db: Database,
  table: SealedColumnTable,
  batchSize: number,
  keyring: ServerKeyring,
  progress: (done: number) => void,
): Promise<number> {
  let done = 0;
  let after: string | null = null;
  for (;;) {
    const batch: { last: string; n: number } | null = await db.transaction(async (tx) => {
      const rows = await tx.query<Record<string, string | null> & { pk: string; municipality_id: string; seal_key_id: string | null }>(
        `SELECT ${table.key}::text AS pk, municipality_id, seal_key_id, ${table.columns.join(', ')} FROM ${table.table}
          WHERE ${needsWork(table)} AND ($2::text IS NULL OR ${table.key}::text > $2::text)
          ORDER BY ${table.key}::text LIMIT ${String(batchSize)} FOR UPDATE`,
        [keyring.active.keyId, after],
      );
      let n = 0;
      for (const row of rows) {
        const values = table.columns.map((column) => {
          const stored = row[column] ?? null;
          if (stored === null) return null;
          const place: SealPlace = { table: table.table, column, municipalityId: row.municipality_id, rowId: row.pk };
          return sealText(openStored(stored, row.seal_key_id, place, keyring), place, keyring).sealed;
        });
        const assignments = table.columns.map((column, i) => `${column} = $${String(i + 4)}`).join(', ');
        const updated = await tx.query(
          `UPDATE ${table.table} SET seal_key_id = $2, ${assignments}
            WHERE ${table.key}::text = $1 AND seal_key_id IS NOT DISTINCT FROM $3 RETURNING 1`,
          [row.pk, keyring.active.keyId, row.seal_key_id, ...values],
        );
        n += updated.length;
      }
      const last = rows.at(-1);
      return last ? { last: last.pk, n } : null;
    });
    if (!batch) break;
    done += batch.n;
    after = batch.last;
    progress(done);
  }
  return done;
}
