// Builds the envelope of a new record revision: id, revision, device, time,
// and the content hash the server will recompute and compare.
import { contentHash } from '../shared/content-hash';
import { uuidv7 } from '../shared/ids';
import { HOME_CONTACT_SCHEMA_VERSION, type HomeContactContent } from '../shared/records/home-contact';
import type { HomeContactRecord } from '../shared/records/sync-record';

export const FORM_VERSIONS = { homeContact: '1.0' } as const;

export async function newHomeContactRecord(
  content: HomeContactContent,
  context: { deviceId: string; now: Date },
): Promise<HomeContactRecord> {
  return {
    id: uuidv7(context.now.getTime()),
    kind: 'homeContact',
    schemaVersion: HOME_CONTACT_SCHEMA_VERSION,
    formVersion: FORM_VERSIONS.homeContact,
    revision: 1,
    caseNumber: null,
    deviceId: context.deviceId,
    createdAt: context.now.toISOString(),
    contentHash: await contentHash(content),
    content,
  };
}
