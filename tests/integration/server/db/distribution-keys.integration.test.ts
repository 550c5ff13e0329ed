// docs/SCALING.md says how a state-wide deployment would partition the schema
// by municipality (Citus): which tables lack municipality_id, and which primary,
// unique and foreign keys would have to be widened by it. This keeps that page
// true: a migration that adds a table or key the page does not list fails here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/databases';

const SCALING = readFileSync(resolve(import.meta.dirname, '../../../../docs/SCALING.md'), 'utf8');

/** The lines of the fenced block after `<!-- distribution: <name> -->` in docs/SCALING.md. */
function documented(name: string): string[] {
  const marker = `<!-- distribution: ${name} -->`;
  const start = SCALING.indexOf(marker);
  if (start < 0) throw new Error(`docs/SCALING.md has no block "${name}"`);
  const block = /```\n([\s\S]*?)```/.exec(SCALING.slice(start));
  if (!block?.[1]) throw new Error(`docs/SCALING.md: block "${name}" is empty`);
  return block[1]
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

describeEachDatabase('distribution keys of docs/SCALING.md', ({ db }) => {
  it('lists every table without municipality_id', async () => {
    const rows = await db().query<{ table_name: string }>(
      `SELECT t.table_name FROM information_schema.tables t
        WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                           WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'municipality_id')
        ORDER BY 1`,
    );
    const listed = documented('tables without municipality_id').map((line) => line.split(/\s+/)[0]);
    expect(rows.map((r) => r.table_name)).toEqual(listed.sort());
  });

  it('lists every primary, unique and foreign key of a distributed table that lacks municipality_id', async () => {
    const rows = await db().query<{ tbl: string; kind: string; cols: string; ref: string | null }>(
      `SELECT c.conrelid::regclass::text AS tbl, c.contype::text AS kind,
              (SELECT string_agg(a.attname, ', ' ORDER BY array_position(c.conkey, a.attnum))
                 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)) AS cols,
              CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS ref
         FROM pg_constraint c
        WHERE c.contype IN ('p', 'u', 'f') AND c.connamespace = current_schema()::regnamespace
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'municipality_id')
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) AND a.attname = 'municipality_id')`,
    );
    const actual = rows.map((r) => `${r.tbl} ${r.kind} (${r.cols})${r.ref === null ? '' : ` → ${r.ref}`}`).sort();
    const listed = documented('keys without municipality_id')
      .map((line) => line.replace(/\s+/, ' ').replace(/\s+([puf]) \(/, ' $1 ('))
      .sort();
    expect(actual).toEqual(listed);
  });
});
