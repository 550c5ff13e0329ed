// Which municipality the current unit of work acts for (docs/THREAT-MODEL.md, "Tenant
// isolation in the database"). Every statement the server sends runs with the PostgreSQL
// setting lotse.municipality set to it, and the row-level security of migration 027 shows
// and accepts only that municipality's rows; outside any scope the setting is empty and no
// municipality's rows are visible. A request's handler runs in its session's scope (app.ts);
// sign-in, the public pages and jobs enter one explicitly after a narrow look-up.
import { AsyncLocalStorage } from 'node:async_hooks';

/** The PostgreSQL setting the policies read. */
export const TENANT_SETTING = 'lotse.municipality';

/** What 001_init.sql allows as a municipality id: safe to write into SQL as a literal. */
const MUNICIPALITY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const scope = new AsyncLocalStorage<string | null>();

/** The municipality of the current scope; null outside any (no municipality's rows visible). */
export function currentMunicipality(): string | null {
  return scope.getStore() ?? null;
}

/** Runs fn acting for one municipality (null: for none). */
export function withMunicipality<T>(municipalityId: string | null, fn: () => T): T {
  if (municipalityId !== null && !MUNICIPALITY_ID.test(municipalityId)) throw new TypeError('not a municipality id');
  return scope.run(municipalityId, fn);
}

/**
 * The statement that sets the tenant, as a literal for the simple protocol, so it can ride in
 * one round trip with BEGIN. The id was checked against the pattern above when the scope began.
 */
export function setTenantSql(municipalityId: string | null, local: boolean): string {
  const value = municipalityId ?? '';
  if (value !== '' && !MUNICIPALITY_ID.test(value)) throw new TypeError('not a municipality id');
  return `SELECT set_config('${TENANT_SETTING}', '${value}', ${local ? 'true' : 'false'})`;
}

/**
 * Runs fn once per municipality, each in its own scope, one after another: how a job or an
 * operators' view that spans municipalities works when row-level security shows one at a time.
 */
export async function inEachMunicipality<T>(
  db: { municipalityIds: () => Promise<string[]> },
  fn: (municipalityId: string) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (const municipalityId of await db.municipalityIds()) results.push(await withMunicipality(municipalityId, () => fn(municipalityId)));
  return results;
}
