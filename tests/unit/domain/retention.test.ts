// Data minimisation waits for the second check: the content of a sent record
// leaves the tablet only once nothing more is to be done with it here.
import { describe, expect, it } from 'vitest';
import { contentMayBeDropped, requiresFourEyes } from '@domain/retention';
import { DEFAULT_FOUR_EYES_POLICY } from '@domain/four-eyes';
import { RECORD_KINDS } from '@shared/records/sync-record';

const now = new Date('2026-11-22T12:00:00Z');
const sent = { syncState: 'sent', sentAt: '2026-11-22T11:00:00Z' } as const;

describe('contentMayBeDropped', () => {
  it('keeps the content while the second check is awaited or the record was sent back', () => {
    expect(contentMayBeDropped({ kind: 'screening', ...sent, reviewState: 'awaiting' }, 0, now)).toBe(false);
    expect(contentMayBeDropped({ kind: 'welcomeVisit', ...sent, reviewState: 'sentBack' }, 0, now)).toBe(false);
  });

  it('drops it once approved and sent, after the retention', () => {
    expect(contentMayBeDropped({ kind: 'screening', ...sent, reviewState: 'approved' }, 0, now)).toBe(true);
    expect(contentMayBeDropped({ kind: 'screening', ...sent, reviewState: 'approved' }, 1, now)).toBe(false);
    expect(contentMayBeDropped({ kind: 'homeContact', ...sent }, 0, now)).toBe(true);
  });

  it('never drops unsent records, consents, or screenings saved before reviews were tracked', () => {
    expect(contentMayBeDropped({ kind: 'homeContact', syncState: 'pending' }, 0, now)).toBe(false);
    expect(contentMayBeDropped({ kind: 'consent', ...sent }, 0, now)).toBe(false);
    expect(contentMayBeDropped({ kind: 'screening', ...sent }, 0, now)).toBe(false);
  });
});

describe('contentMayBeDropped for records that recommend offers', () => {
  const recommended = { kind: 'welcomeVisit', ...sent, reviewState: 'approved', referralPending: true } as const;

  it('keeps a record waiting for its referral for two weeks after its last change, then lets it go', () => {
    expect(contentMayBeDropped({ ...recommended, updatedAt: '2026-11-20T12:00:00Z' }, 0, now)).toBe(false);
    expect(contentMayBeDropped({ ...recommended, updatedAt: '2026-11-08T11:00:00Z' }, 0, now)).toBe(true);
  });

  it('drops it at once when the referral was made (the flag is gone)', () => {
    expect(contentMayBeDropped({ ...recommended, referralPending: undefined, updatedAt: '2026-11-22T11:00:00Z' }, 0, now)).toBe(true);
  });
});

describe('requiresFourEyes (rows saved before reviews were tracked)', () => {
  it('follows the default four-eyes rule’s kinds: screenings only', () => {
    expect(RECORD_KINDS.filter(requiresFourEyes)).toEqual(DEFAULT_FOUR_EYES_POLICY.kinds);
    expect(RECORD_KINDS.filter(requiresFourEyes)).toEqual(['screening']);
  });
});
