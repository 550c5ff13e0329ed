// The push verdict without a database: every rule of judgePush on hand-made facts.
import { describe, expect, it } from 'vitest';
import { correctionFits, judgePush, type PushCandidate, type StoredPushFacts } from '@domain/push-verdict';
import type { ConsentRecord, ConsentWithdrawalRecord, HomeContactRecord, SyncRecord } from '@shared/records/sync-record';
import { revisionKey } from '@shared/records/revision-key';

const CASE = 'MO-7KQ3-M9XD-2FTR-AR';
const OTHER_CASE = '7KQ3-M9XD-2FTR-AS';
const DEVICE = '01900000-0000-7000-8000-0000000000d1';
const AUTHOR = 'author-1';
let nextId = 1;
const newId = (): string => `01900000-0000-7000-8000-${String(nextId++).padStart(12, '0')}`;

const envelope = (overrides: { id?: string; revision?: number; hash?: string }) => ({
  id: overrides.id ?? newId(),
  revision: overrides.revision ?? 1,
  schemaVersion: 1 as const,
  formVersion: '2026.1',
  deviceId: DEVICE,
  createdAt: '2026-11-20T08:10:00.000+01:00',
  contentHash: overrides.hash ?? 'hash-a',
});

function homeContact(caseNumber: string | null, overrides: { id?: string; revision?: number; hash?: string } = {}): HomeContactRecord {
  return {
    ...envelope(overrides),
    kind: 'homeContact',
    caseNumber,
    content: {
      site: 'kita-sonnenblume',
      contactDate: '2026-11-20',
      timeSlot: 'dropOff',
      contactKind: 'shortTalk',
      topics: ['childcare'],
      language: 'de',
      mediatorPresent: false,
    },
  };
}

function consent(caseNumber: string, scopes: ConsentRecord['content']['scopes']): ConsentRecord {
  return {
    ...envelope({}),
    kind: 'consent',
    caseNumber,
    content: {
      scopes,
      setting: 'homeContact',
      language: 'de',
      textVersion: '1',
      textHash: 'text-hash',
      mediatorPresent: false,
      givenAt: '2026-11-20T08:10:00.000+01:00',
    },
  };
}

function withdrawal(caseNumber: string): ConsentWithdrawalRecord {
  return { ...envelope({}), kind: 'consentWithdrawal', caseNumber, content: { withdrawnAt: '2026-11-21T09:00:00.000+01:00' } };
}

const batch = (...records: SyncRecord[]): PushCandidate[] => records.map((record, index) => ({ index: index * 2, record }));

function facts(overrides: Partial<StoredPushFacts> = {}): StoredPushFacts {
  return {
    authorId: AUTHOR,
    foreignIds: new Set(),
    firstRevisions: new Map(),
    storedRevisions: new Map(),
    latestConsent: new Map(),
    withdrawnCases: new Set(),
    ...overrides,
  };
}

const verdictsOf = (candidates: readonly PushCandidate[], stored: StoredPushFacts) =>
  judgePush(candidates, stored).map((v) => (v.verdict === 'reject' ? `${v.reason}/${String(v.status)}` : v.verdict));

describe('push verdict', () => {
  it('answers per candidate, by its index in the batch and in batch order', () => {
    const candidates = batch(homeContact(null), homeContact(CASE));
    expect(judgePush(candidates, facts()).map((v) => v.index)).toEqual([0, 2]);
  });

  it('stores an anonymous record without any consent', () => {
    expect(verdictsOf(batch(homeContact(null)), facts())).toEqual(['store']);
  });

  describe('consent coverage', () => {
    it('refuses a record of a case without consent, or whose latest consent lacks the scope', () => {
      expect(verdictsOf(batch(homeContact(CASE)), facts())).toEqual(['consentMissing/422']);
      const onlyStatistics = facts({ latestConsent: new Map([[CASE, { scopes: ['statistics'] }]]) });
      expect(verdictsOf(batch(homeContact(CASE)), onlyStatistics)).toEqual(['consentMissing/422']);
    });

    it('stores a record covered by the stored consent of its case, and only of its case', () => {
      const stored = facts({ latestConsent: new Map([[CASE, { scopes: ['documentation'] }]]) });
      expect(verdictsOf(batch(homeContact(CASE), homeContact(OTHER_CASE)), stored)).toEqual(['store', 'consentMissing/422']);
    });

    it('counts a consent earlier in the same batch, but not one later in it', () => {
      expect(verdictsOf(batch(consent(CASE, ['documentation']), homeContact(CASE)), facts())).toEqual(['store', 'store']);
      expect(verdictsOf(batch(homeContact(CASE), consent(CASE, ['documentation'])), facts())).toEqual(['consentMissing/422', 'store']);
    });

    it('judges by the latest consent: a narrower consent later in the batch replaces the stored one', () => {
      const stored = facts({ latestConsent: new Map([[CASE, { scopes: ['documentation'] }]]) });
      expect(verdictsOf(batch(homeContact(CASE), consent(CASE, ['statistics']), homeContact(CASE)), stored)).toEqual([
        'store',
        'store',
        'consentMissing/422',
      ]);
    });

    it('does not let a refused consent count for the records after it', () => {
      const withdrawn = facts({ withdrawnCases: new Set([CASE]) });
      expect(verdictsOf(batch(consent(CASE, ['documentation']), homeContact(CASE)), withdrawn)).toEqual([
        'caseWithdrawn/409',
        'caseWithdrawn/409',
      ]);
    });
  });

  describe('withdrawal tombstone', () => {
    it('refuses every record of a withdrawn case with 409, a consent included', () => {
      const stored = facts({ withdrawnCases: new Set([CASE]), latestConsent: new Map([[CASE, { scopes: ['documentation'] }]]) });
      expect(verdictsOf(batch(homeContact(CASE), consent(CASE, ['documentation']), withdrawal(CASE)), stored)).toEqual([
        'caseWithdrawn/409',
        'caseWithdrawn/409',
        'caseWithdrawn/409',
      ]);
    });

    it('stores what came before a withdrawal in the same batch and refuses what comes after it', () => {
      expect(verdictsOf(batch(consent(CASE, ['documentation']), homeContact(CASE), withdrawal(CASE), homeContact(CASE)), facts())).toEqual([
        'store',
        'store',
        'store',
        'caseWithdrawn/409',
      ]);
    });

    it('leaves other cases alone', () => {
      const stored = facts({ withdrawnCases: new Set([OTHER_CASE]), latestConsent: new Map([[CASE, { scopes: ['documentation'] }]]) });
      expect(verdictsOf(batch(homeContact(CASE), homeContact(null)), stored)).toEqual(['store', 'store']);
    });
  });

  describe('foreign id and other author', () => {
    it('refuses an id used in another municipality as a conflict, whatever the revision and even if anonymous', () => {
      const record = homeContact(null);
      const correction = homeContact(null, { id: record.id, revision: 3 });
      expect(verdictsOf(batch(record, correction), facts({ foreignIds: new Set([record.id]) }))).toEqual([
        'revisionConflict/409',
        'revisionConflict/409',
      ]);
    });

    it('refuses a stored row of another municipality instead of replaying it', () => {
      const record = homeContact(null);
      const stored = facts({ storedRevisions: new Map([[revisionKey(record.id, 1), { ownMunicipality: false, contentHash: 'hash-a' }]]) });
      expect(verdictsOf(batch(record), stored)).toEqual(['revisionConflict/409']);
    });

    it('refuses a correction of a record someone else wrote', () => {
      const record = homeContact(null, { revision: 2 });
      const stored = facts({ firstRevisions: new Map([[record.id, { kind: 'homeContact', caseNumber: null, authorId: 'someone-else' }]]) });
      expect(verdictsOf(batch(record), stored)).toEqual(['revisionConflict/409']);
    });
  });

  describe('correction fit', () => {
    const first = { kind: 'homeContact', caseNumber: CASE, authorId: AUTHOR };
    const covered = { latestConsent: new Map([[CASE, { scopes: ['documentation' as const] }]]) };

    it('stores a correction that keeps kind, case and author, even if revisions in between never arrived', () => {
      const record = homeContact(CASE, { revision: 4 });
      expect(verdictsOf(batch(record), facts({ ...covered, firstRevisions: new Map([[record.id, first]]) }))).toEqual(['store']);
    });

    it('refuses a correction that changes the kind or the case', () => {
      const otherKind = homeContact(CASE, { revision: 2 });
      const otherCase = homeContact(null, { revision: 2 });
      const stored = facts({
        ...covered,
        firstRevisions: new Map([
          [otherKind.id, { ...first, kind: 'mediation' }],
          [otherCase.id, first],
        ]),
      });
      expect(verdictsOf(batch(otherKind, otherCase), stored)).toEqual(['revisionConflict/409', 'revisionConflict/409']);
    });

    it('lets a correction through whose first revision is not stored, and never asks for a first revision', () => {
      const record = homeContact(CASE, { revision: 2 });
      expect(correctionFits(record, undefined, AUTHOR)).toBe(true);
      expect(correctionFits(homeContact(CASE), { ...first, authorId: 'someone-else' }, AUTHOR)).toBe(true);
      expect(verdictsOf(batch(record), facts(covered))).toEqual(['store']);
    });
  });

  describe('duplicates in the batch', () => {
    it('lets a repeat with the same content share the first one’s fate', () => {
      const record = homeContact(null);
      expect(verdictsOf(batch(record, { ...record }), facts())).toEqual(['store', 'store']);
    });

    it('refuses a repeat with other content as a conflict', () => {
      const record = homeContact(null);
      expect(verdictsOf(batch(record, { ...record, contentHash: 'hash-b' }), facts())).toEqual(['store', 'revisionConflict/409']);
    });

    it('judges a repeat of a refused record again (it was never stored)', () => {
      const record = homeContact(CASE);
      expect(verdictsOf(batch(record, consent(CASE, ['documentation']), { ...record }), facts())).toEqual([
        'consentMissing/422',
        'store',
        'store',
      ]);
    });
  });

  describe('idempotent replay', () => {
    it('answers a stored revision with the same content from the first push, without judging consent again', () => {
      const record = homeContact(CASE);
      const stored = facts({
        withdrawnCases: new Set([CASE]),
        storedRevisions: new Map([[revisionKey(record.id, 1), { ownMunicipality: true, contentHash: 'hash-a' }]]),
      });
      expect(verdictsOf(batch(record), stored)).toEqual(['replay']);
    });

    it('refuses a stored revision with other content as a conflict', () => {
      const record = homeContact(null, { hash: 'hash-b' });
      const stored = facts({ storedRevisions: new Map([[revisionKey(record.id, 1), { ownMunicipality: true, contentHash: 'hash-a' }]]) });
      expect(verdictsOf(batch(record), stored)).toEqual(['revisionConflict/409']);
    });

    it('does not let a replayed consent count again for the records after it', () => {
      const replayed = consent(CASE, ['documentation']);
      const stored = facts({
        latestConsent: new Map([[CASE, { scopes: ['statistics'] }]]),
        storedRevisions: new Map([[revisionKey(replayed.id, 1), { ownMunicipality: true, contentHash: 'hash-a' }]]),
      });
      expect(verdictsOf(batch(replayed, homeContact(CASE)), stored)).toEqual(['replay', 'consentMissing/422']);
    });
  });

  describe('personal data in free text', () => {
    const phoneInNote = [{ path: 'content.note', kind: 'phone' as const }];

    it('refuses only the record the guard flagged, with its fields and kinds, and stores the rest', () => {
      const [clean, flagged, after] = batch(homeContact(null), homeContact(null), homeContact(null));
      if (!clean || !flagged || !after) throw new Error('batch');
      const verdicts = judgePush([clean, { ...flagged, personalData: phoneInNote }, after], facts());
      expect(verdicts).toEqual([
        { index: 0, verdict: 'store' },
        { index: 2, verdict: 'reject', reason: 'personalData', status: 422, issues: phoneInNote },
        { index: 4, verdict: 'store' },
      ]);
    });

    it('does not let a refused consent count for the records after it', () => {
      const [refusedConsent, record] = batch(consent(CASE, ['documentation']), homeContact(CASE));
      if (!refusedConsent || !record) throw new Error('batch');
      expect(judgePush([{ ...refusedConsent, personalData: phoneInNote }, record], facts()).map((v) => v.verdict)).toEqual([
        'reject',
        'reject',
      ]);
    });

    it('answers a revision stored before from the first push (exactly once), whatever the guard says now', () => {
      const record = homeContact(null);
      const stored = facts({ storedRevisions: new Map([[revisionKey(record.id, 1), { ownMunicipality: true, contentHash: 'hash-a' }]]) });
      expect(judgePush([{ index: 0, record, personalData: phoneInNote }], stored)).toEqual([{ index: 0, verdict: 'replay' }]);
    });
  });

  it('leaves the facts it was given unchanged', () => {
    const stored = facts();
    judgePush(batch(consent(CASE, ['documentation']), withdrawal(CASE)), stored);
    expect(stored.latestConsent.size).toBe(0);
    expect(stored.withdrawnCases.size).toBe(0);
  });
});
