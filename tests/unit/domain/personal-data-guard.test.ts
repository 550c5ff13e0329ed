// Which free text of a record the server's guard reads, and what it reports:
// field path and kind of signal, once each, never the text itself.
import { describe, expect, it } from 'vitest';
import { freeTextFields, personalDataIn, personalDataKinds } from '@domain/personal-data-guard';
import type { HomeContactRecord, ReferralRecord, ScreeningRecord, SyncRecord } from '@shared/records/sync-record';

const ENVELOPE = {
  id: '01900000-0000-7000-8000-000000000001',
  revision: 1,
  formVersion: '2026.1',
  deviceId: '01900000-0000-7000-8000-0000000000d1',
  createdAt: '2026-11-20T08:10:00.000+01:00',
  contentHash: 'hash',
} as const;
const CASE = 'MO-7KQ3-M9XD-2FTR-AR';

function homeContact(note: string | undefined): HomeContactRecord {
  return {
    ...ENVELOPE,
    schemaVersion: 1,
    kind: 'homeContact',
    caseNumber: null,
    content: {
      site: 'kita-sonnenblume',
      contactDate: '2026-11-20',
      timeSlot: 'dropOff',
      contactKind: 'shortTalk',
      topics: ['childcare'],
      language: 'de',
      mediatorPresent: false,
      ...(note === undefined ? {} : { note }),
    },
  };
}

function screening(answers: ScreeningRecord['content']['answers'], reason?: string): ScreeningRecord {
  return {
    ...ENVELOPE,
    schemaVersion: 1,
    kind: 'screening',
    caseNumber: CASE,
    content: {
      definitionId: 'lotse-screening',
      definitionVersion: '2026.1',
      definitionHash: 'a'.repeat(64),
      answers,
      score: 2,
      supportNeed: 'none',
      ...(reason === undefined ? {} : { override: { supportNeed: 'offerRecommended', reason } }),
      acuteDanger: [],
      suggestedOffers: [],
    },
  };
}

describe('freeTextFields', () => {
  it('reads the note of a HOME contact, and nothing when there is none', () => {
    expect(freeTextFields(homeContact('Kita'))).toEqual([{ path: 'content.note', text: 'Kita' }]);
    expect(freeTextFields(homeContact(undefined))).toEqual([]);
  });

  it('reads every text answer of a screening and its override reason, not choices, numbers or flags', () => {
    const record = screening({ feelings: 'müde', children: 2, worries: ['money'], alone: true }, 'Gespräch ergab mehr Bedarf');
    expect(freeTextFields(record)).toEqual([
      { path: 'content.answers.feelings', text: 'müde' },
      { path: 'content.override.reason', text: 'Gespräch ergab mehr Bedarf' },
    ]);
  });

  it('reads the text a family wrote before staff changed it, not the marks of its choices', () => {
    const record = screening({ feelings: 'müde' });
    record.content.familyAnswers = {
      feelings: { by: 'changedByStaff', familyAnswer: 'Ruf Frau Yilmaz an 0171 2345678' },
      worries: { by: 'changedByStaff', familyAnswer: ['money'] },
      alone: { by: 'family' },
    };
    expect(freeTextFields(record)).toEqual([
      { path: 'content.answers.feelings', text: 'müde' },
      { path: 'content.familyAnswers.feelings.familyAnswer', text: 'Ruf Frau Yilmaz an 0171 2345678' },
    ]);
  });

  it('reads the note a referral shares with the partner', () => {
    const referral = {
      ...ENVELOPE,
      schemaVersion: 1,
      kind: 'referral',
      caseNumber: CASE,
      content: { sourceRecordId: ENVELOPE.id, offerIds: ['familienhebammen-demo'], language: 'de', sharedNote: 'Bitte nachmittags' },
    } as unknown as ReferralRecord;
    expect(freeTextFields(referral)).toEqual([{ path: 'content.sharedNote', text: 'Bitte nachmittags' }]);
  });

  it('reads nothing of a consent (no free text)', () => {
    const record = { ...ENVELOPE, kind: 'consentWithdrawal', caseNumber: CASE, content: { withdrawnAt: ENVELOPE.createdAt } } as SyncRecord;
    expect(freeTextFields(record)).toEqual([]);
  });
});

describe('personalDataIn', () => {
  it('names each field and each kind once, strongest kind first', () => {
    const record = screening({ feelings: 'Fatima Al-Hassan, Tel 0171 2345678, Handy 0172 3456789' }, 'Mutter von Leon braucht mehr');
    expect(personalDataIn(record)).toEqual([
      { path: 'content.answers.feelings', kind: 'phone' },
      { path: 'content.answers.feelings', kind: 'givenName' },
      { path: 'content.override.reason', kind: 'givenName' },
    ]);
  });

  it('finds a name only the shipped list knows when given the list', () => {
    const note = homeContact('Gespräch mit Gülsen im Foyer');
    expect(personalDataIn(note)).toEqual([]);
    expect(personalDataIn(note, { givenNames: new Set(['Gülsen']) })).toEqual([{ path: 'content.note', kind: 'givenName' }]);
  });

  it('finds nothing in an ordinary note', () => {
    expect(personalDataIn(homeContact('Mutter in der 8. Lebenswoche, Stillberatung gewünscht'))).toEqual([]);
    expect(personalDataKinds('Treffen um 8:15 im Foyer')).toEqual([]);
  });
});
