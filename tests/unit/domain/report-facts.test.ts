// The report's definition, record by record: what each kind counts for, on
// which day and in which district, and which stored revisions count at all.
// (The database's own counting is held to this by the report parity test.)
import { describe, expect, it } from 'vitest';
import { isCountable, reportCounts, reportFacts } from '@domain/report-facts';
import { DEFAULT_FOUR_EYES_POLICY } from '@domain/four-eyes';
import { contentHash } from '@shared/content-hash';
import type { MediationRecord, ConsentRefusalRecord } from '@shared/records/sync-record';
import type { ConsentRefusalContent } from '@shared/records/consent';
import { screeningContent, screeningRecord } from '../../fixtures/four-eyes';
import { homeContactRecord, TEST_DEVICE_ID } from '../../fixtures/home-contacts';
import { referralRecord, welcomeVisitRecord } from '../../fixtures/referral-records';

const envelope = {
  id: '0192a000-0000-7000-8000-000000000001',
  revision: 1,
  schemaVersion: 1,
  formVersion: '2026.1',
  deviceId: TEST_DEVICE_ID,
  createdAt: '2026-11-18T10:00:00.000+01:00',
} as const;

async function mediation(district: string | undefined): Promise<MediationRecord> {
  const content = {
    site: 'kita-a',
    date: '2026-11-18',
    languages: ['ar', 'tr'] as ('ar' | 'tr')[],
    with: 'parents' as const,
    topics: ['health' as const],
    followUpNeeded: false,
    ...(district === undefined ? {} : { district }),
  };
  return { ...envelope, kind: 'mediation', caseNumber: null, contentHash: await contentHash(content), content };
}

async function refusal(content: ConsentRefusalContent): Promise<ConsentRefusalRecord> {
  return { ...envelope, kind: 'consentRefusal', caseNumber: null, contentHash: await contentHash(content), content };
}

describe('reportFacts', () => {
  it('counts a screening under its effective support need (the override wins) on its Berlin day', async () => {
    const record = await screeningRecord(TEST_DEVICE_ID, 'C', {
      content: screeningContent({
        supportNeed: 'none',
        override: { supportNeed: 'urgent', reason: 'Eindruck im Gespräch' },
        district: 'nord',
      }),
    });
    expect(reportFacts({ ...record, createdAt: '2026-11-20T23:30:00.000Z' })).toEqual([
      { indicator: 'screening', day: '2026-11-21', district: 'nord', category: 'urgent' },
    ]);
    expect(reportFacts(await screeningRecord(TEST_DEVICE_ID, 'C'))).toEqual([
      { indicator: 'screening', day: '2026-11-20', district: '', category: 'none' },
    ]);
  });

  it('counts refusals only in the screening setting', async () => {
    expect(reportFacts(await refusal({ setting: 'screening', date: '2026-11-02', district: 'sued' }))).toEqual([
      { indicator: 'screening', day: '2026-11-02', district: 'sued', category: 'refused' },
    ]);
    expect(reportFacts(await refusal({ setting: 'homeContact', date: '2026-11-02' }))).toEqual([]);
  });

  it('counts mediation once per language, in the district it names', async () => {
    expect(reportFacts(await mediation('hafen')).map((f) => [f.district, f.category])).toEqual([
      ['hafen', 'ar'],
      ['hafen', 'tr'],
    ]);
    expect(reportFacts(await mediation(undefined)).map((f) => f.district)).toEqual(['', '']);
  });

  it('counts HOME contacts by site, kind and each topic, never by district', async () => {
    const facts = reportFacts(await homeContactRecord({ topics: ['childcare', 'health'] }));
    expect(facts.map((f) => [f.indicator, f.category])).toEqual([
      ['homeSite', 'kita-sonnenblume'],
      ['homeKind', 'shortTalk'],
      ['homeTopic', 'childcare'],
      ['homeTopic', 'health'],
    ]);
    expect(new Set(facts.map((f) => f.district))).toEqual(new Set(['']));
  });

  it('counts welcome visits by outcome; referrals count from their own rows, not here', async () => {
    expect(reportFacts(await welcomeVisitRecord(TEST_DEVICE_ID, 'C', { visitDate: '2026-11-06', district: 'sued' }))).toEqual([
      { indicator: 'welcomeOutcome', day: '2026-11-06', district: 'sued', category: 'visited' },
    ]);
    expect(reportFacts(await referralRecord(TEST_DEVICE_ID, 'C'))).toEqual([]);
  });
});

describe('isCountable and reportCounts', () => {
  it('count only the latest revision, and only once approved where a second check is needed', async () => {
    const screening = await screeningRecord(TEST_DEVICE_ID, 'C');
    const contact = await homeContactRecord();
    const policy = DEFAULT_FOUR_EYES_POLICY;
    expect(isCountable(screening, policy, { superseded: false, approved: false })).toBe(false);
    expect(isCountable(screening, policy, { superseded: false, approved: true })).toBe(true);
    expect(isCountable(screening, policy, { superseded: true, approved: true })).toBe(false);
    expect(isCountable(screening, { kinds: [], forReferrals: false }, { superseded: false, approved: false })).toBe(true);
    expect(isCountable(contact, policy, { superseded: false, approved: false })).toBe(true);
    expect(
      reportCounts([
        { record: contact, policy, state: { superseded: false, approved: false } },
        { record: contact, policy, state: { superseded: false, approved: false } },
        { record: screening, policy, state: { superseded: false, approved: false } },
      ]).filter((c) => c.indicator === 'homeSite'),
    ).toEqual([{ indicator: 'homeSite', day: '2026-11-20', district: '', category: 'kita-sonnenblume', n: 2 }]);
  });
});
