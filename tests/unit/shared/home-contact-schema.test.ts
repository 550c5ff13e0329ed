import { describe, expect, it } from 'vitest';
import { homeContactContentSchema } from '@shared/records/home-contact';
import { syncRecordSchema } from '@shared/records/sync-record';
import { homeContactContent, homeContactRecord } from '../../fixtures/home-contacts';

describe('HOME contact schema (shared by form and server)', () => {
  it('accepts a complete contact', () => {
    expect(homeContactContentSchema.safeParse(homeContactContent()).success).toBe(true);
  });

  it('refuses a contact without topics, with a message key the form translates', () => {
    const result = homeContactContentSchema.safeParse(homeContactContent({ topics: [] }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('topicsRequired');
  });

  it('refuses unknown fields, so no free text can be smuggled in', () => {
    const result = homeContactContentSchema.safeParse({ ...homeContactContent(), familyName: 'Muster' });
    expect(result.success).toBe(false);
  });

  it('refuses wrong types and unknown choices', () => {
    expect(homeContactContentSchema.safeParse({ ...homeContactContent(), mediatorPresent: 'yes' }).success).toBe(false);
    expect(homeContactContentSchema.safeParse({ ...homeContactContent(), contactKind: 'gossip' }).success).toBe(false);
    expect(homeContactContentSchema.safeParse({ ...homeContactContent(), contactDate: '2026-13-40' }).success).toBe(false);
    expect(homeContactContentSchema.safeParse({ ...homeContactContent(), site: 'Kita <b>' }).success).toBe(false);
  });

  it('validates the whole envelope, including the hash format and revision', async () => {
    const record = await homeContactRecord();
    expect(syncRecordSchema.safeParse(record).success).toBe(true);
    expect(syncRecordSchema.safeParse({ ...record, revision: 0 }).success).toBe(false);
    expect(syncRecordSchema.safeParse({ ...record, contentHash: 'abc' }).success).toBe(false);
    expect(syncRecordSchema.safeParse({ ...record, kind: 'screening' }).success).toBe(false);
  });
});
