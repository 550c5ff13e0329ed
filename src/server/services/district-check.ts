// Push refuses a record naming a district (Sozialraum) its municipality has not
// configured (districts table): reports must never count under an unknown id.
// The municipality's districts are read once per push, and only if a record names one.
import type { Queryable } from '../db/database';
import type { SyncRecord } from '@shared/records/sync-record';

export const UNKNOWN_DISTRICT_ISSUE = { path: 'content.district', message: 'unknownDistrict' } as const;

export function districtOf(record: SyncRecord): string | undefined {
  const content: object = record.content;
  return 'district' in content && typeof content.district === 'string' ? content.district : undefined;
}

export class DistrictCheck {
  private known: Promise<Set<string>> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly municipalityId: string,
  ) {}

  /** true if the record names no district or one of the municipality's. */
  async accepts(record: SyncRecord): Promise<boolean> {
    const district = districtOf(record);
    if (district === undefined) return true;
    this.known ??= this.db
      .query<{ id: string }>('SELECT id FROM districts WHERE municipality_id = $1', [this.municipalityId])
      .then((rows) => new Set(rows.map((row) => row.id)));
    return (await this.known).has(district);
  }
}
