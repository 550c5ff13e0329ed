// Push refuses a welcome visit naming an item its municipality does not hand
// over (its configured welcome_items, or the built-in list while it has none).
// Read once per push, and only if a record names items.
import type { Queryable } from '../db/database';
import type { SyncRecord } from '@shared/records/sync-record';
import { DEFAULT_WELCOME_ITEMS } from '@shared/records/welcome-visit';

export const UNKNOWN_WELCOME_ITEM_ISSUE = { path: 'content.itemsHandedOver', message: 'unknownItem' } as const;

/** The ids of the municipality's welcome items: the configured ones, else the built-in list. */
export async function welcomeItemIds(db: Queryable, municipalityId: string): Promise<Set<string>> {
  const rows = await db.query<{ id: string }>('SELECT id FROM welcome_items WHERE municipality_id = $1', [municipalityId]);
  return new Set(rows.length > 0 ? rows.map((row) => row.id) : DEFAULT_WELCOME_ITEMS);
}

export class WelcomeItemCheck {
  private known: Promise<Set<string>> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly municipalityId: string,
  ) {}

  /** true unless the record is a welcome visit naming an item the municipality does not have. */
  async accepts(record: SyncRecord): Promise<boolean> {
    if (record.kind !== 'welcomeVisit' || record.content.itemsHandedOver.length === 0) return true;
    this.known ??= welcomeItemIds(this.db, this.municipalityId);
    const known = await this.known;
    return record.content.itemsHandedOver.every((item) => known.has(item));
  }
}
