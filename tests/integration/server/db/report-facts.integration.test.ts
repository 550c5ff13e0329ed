// Report parity: the domain defines what a record counts for
// (src/domain/report-facts.ts), the database counts it by itself for speed
// (007_reports.sql report_facts and its triggers, 005's `countable`). Every
// record kind is pushed through the real sync and review routes, and after each
// step the report_counts rows must equal exactly what the domain says of the
// revisions the server holds. A rule changed on one side only fails here.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  compareCounts,
  countFacts,
  countRowsByMonth,
  isCountable,
  referralReportFacts,
  referralsMadeBy,
  reportCounts,
  type ReferralForReport,
  type ReportCount,
  type StoredRevision,
} from '@domain/report-facts';
import { NO_DISTRICT, publishReport } from '@domain/indicators';
import { halfYearOf, periodAt } from '@domain/report-periods';
import { funnelCounts } from '@domain/funnel';
import { isoDateInZone } from '@domain/dates';
import { DEMO_DISTRICTS, DEMO_HOME_SITES, DEMO_OFFERS } from '@server/db/demo-seed';
import type { Report } from '@shared/reports';
import { DEFAULT_FOUR_EYES_POLICY, type FourEyesPolicy } from '@domain/four-eyes';
import { contentHash } from '@shared/content-hash';
import { uuidv7 } from '@shared/ids';
import { submitReviewsResponseSchema } from '@shared/four-eyes';
import type { MediationContent } from '@shared/records/mediation';
import type { MediationRecord, ReferralRecord, SyncRecord, WelcomeVisitAttemptRecord } from '@shared/records/sync-record';
import type { WelcomeVisitAttemptContent } from '@shared/records/welcome-visit';
import { describeEachDatabase } from '../../helpers/databases';
import {
  DEMO_APPROVER,
  DEMO_COORDINATOR,
  DEMO_FIELDWORKER,
  bearer,
  buildTestApp,
  consentContent,
  consentRecord,
  consentRefusalRecord,
  consentWithdrawalRecord,
  homeContactContent,
  homeContactRecord,
  login,
  newCaseNumber,
  pushAsTablet,
  seedDemo,
  signInOnTablet,
  type TabletSession,
} from '../../helpers/test-app';
import { newSigner, review, screeningContent, screeningRecord, signAsAuthor, type TestSigner } from '../../../fixtures/four-eyes';
import { PARTNER_OFFER, referralRecord, welcomeVisitRecord } from '../../../fixtures/referral-records';

const MUNICIPALITY = 'demo-stadt';
/** No second check for anything: what a municipality may configure instead of the default. */
const NO_SECOND_CHECK: FourEyesPolicy = { kinds: [], forReferrals: false };

async function mediationRecord(
  deviceId: string,
  caseNumber: string | null,
  content: Partial<MediationContent> = {},
): Promise<MediationRecord> {
  const full: MediationContent = {
    site: 'kita-sonnenblume',
    date: '2026-11-18',
    languages: ['ar', 'tr'],
    with: 'parents',
    topics: ['howKitaWorks'],
    followUpNeeded: false,
    ...content,
  };
  return {
    id: uuidv7(),
    revision: 1,
    kind: 'mediation',
    schemaVersion: 1,
    formVersion: '2026.1',
    deviceId,
    createdAt: '2026-11-18T10:00:00.000+01:00',
    caseNumber,
    contentHash: await contentHash(full),
    content: full,
  };
}

async function visitAttemptRecord(deviceId: string, content: WelcomeVisitAttemptContent): Promise<WelcomeVisitAttemptRecord> {
  return {
    id: uuidv7(),
    revision: 1,
    kind: 'welcomeVisitAttempt',
    schemaVersion: 1,
    formVersion: '2026.1',
    deviceId,
    createdAt: '2026-11-19T11:00:00.000+01:00',
    caseNumber: null,
    contentHash: await contentHash(content),
    content,
  };
}

describeEachDatabase('report parity: report_counts equal the domain’s report facts', ({ db }) => {
  let app: FastifyInstance;
  let author: TabletSession;
  let approver: TabletSession;
  let authorKey: TestSigner;
  let approverKey: TestSigner;
  /** What the server holds, as the domain sees it: every stored revision, its four-eyes rule and state. */
  let held: StoredRevision[] = [];
  let policy: FourEyesPolicy = DEFAULT_FOUR_EYES_POLICY;
  /** The referrals the server made, by case (a withdrawal removes them from the report). */
  let referrals: { caseNumber: string; referral: ReferralForReport }[] = [];

  const setPolicy = async (next: FourEyesPolicy): Promise<void> => {
    await db().query(
      `INSERT INTO municipality_settings (municipality_id, four_eyes_kinds, four_eyes_for_referrals) VALUES ($1, $2::text[], $3)
       ON CONFLICT (municipality_id) DO UPDATE SET four_eyes_kinds = EXCLUDED.four_eyes_kinds, four_eyes_for_referrals = EXCLUDED.four_eyes_for_referrals`,
      [MUNICIPALITY, [...next.kinds], next.forReferrals],
    );
    policy = next;
  };

  const enrollKey = async (session: TabletSession, username: string): Promise<TestSigner> => {
    const [account] = await db().query<{ id: string }>('SELECT id FROM staff_accounts WHERE username = $1', [username]);
    if (!account) throw new Error(`no account ${username}`);
    const signer = await newSigner(account.id);
    const response = await app.inject({
      method: 'POST',
      url: '/api/staff/keys',
      headers: bearer(session.token),
      payload: { deviceId: session.deviceId, publicKey: signer.publicKey },
    });
    expect(response.statusCode, response.body).toBe(201);
    return signer;
  };

  /** Pushes from the author's tablet; every record must be accepted. A higher revision supersedes the held ones. */
  const push = async (records: readonly SyncRecord[]): Promise<void> => {
    const response = await pushAsTablet(app, author, records);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ results: { outcome: string }[] }>().results.map((r) => r.outcome)).toEqual(records.map(() => 'accepted'));
    for (const record of records) {
      for (const earlier of held)
        if (earlier.record.id === record.id && earlier.record.revision < record.revision) earlier.state.superseded = true;
      held.push({ record, policy, state: { superseded: false, approved: false } });
    }
  };

  const approve = async (record: SyncRecord): Promise<void> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/reviews',
      headers: bearer(approver.token),
      payload: { deviceId: approver.deviceId, reviews: [await review(record, approverKey)] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(submitReviewsResponseSchema.parse(response.json()).results.map((r) => r.outcome)).toEqual(['accepted']);
    for (const stored of held)
      if (stored.record.id === record.id && stored.record.revision === record.revision) stored.state.approved = true;
  };

  const withdraw = async (caseNumber: string): Promise<void> => {
    await push([await consentWithdrawalRecord(author.deviceId, caseNumber)]);
    // A withdrawal deletes the case's records on the server (a content-free tombstone stays).
    held = held.filter((stored) => stored.record.caseNumber !== caseNumber);
    referrals = referrals.filter((made) => made.caseNumber !== caseNumber);
  };

  const offerType = (offerId: string): string => {
    const offer = DEMO_OFFERS.find((o) => o.id === offerId);
    if (!offer) throw new Error(`no demo offer ${offerId}`);
    return offer.type;
  };

  /**
   * Pushes a referral record, signed by its author, and has it approved: the server makes its referrals
   * at once (server time decides their day), and they count once the referral itself was checked.
   */
  const pushReferral = async (unsigned: ReferralRecord): Promise<void> => {
    const record = await pushUncheckedReferral(unsigned);
    await approveReferral(record, new Date());
  };
  /** Pushes a referral record signed by its author: its referrals exist but count only once it is approved. */
  const pushUncheckedReferral = async (unsigned: ReferralRecord): Promise<ReferralRecord> => {
    const record = await signAsAuthor(unsigned, authorKey);
    await push([record]);
    return record;
  };
  const approveReferral = async (record: ReferralRecord, madeAt: Date): Promise<void> => {
    await approve(record);
    for (const referral of referralsMadeBy(record, offerType, madeAt)) referrals.push({ caseNumber: record.caseNumber, referral });
  };

  /** The whole published report (record counts and referrals, suppressed), as the domain defines it and as the API answers it. */
  const expectPublishedParity = async (): Promise<void> => {
    const today = isoDateInZone(new Date());
    // The half-year of today, read from the linked system of its whole year (src/domain/report-system.ts).
    const period = halfYearOf(today);
    const year = periodAt('year', period.year, 1);
    const counts = [...reportCounts(held), ...countFacts(referrals.flatMap(({ referral }) => referralReportFacts(referral)))];
    // The funnel shares counts with the referral indicators and is suppressed with them (src/domain/funnel.ts).
    const funnel = funnelCounts({
      countableRecords: held.filter(({ record, policy, state }) => isCountable(record, policy, state)).map(({ record }) => record),
      // No partner has confirmed any of these referrals: no state history beyond the first state.
      referrals: referrals.map(({ referral }) => ({ ...referral, reason: null, changes: [] })),
      period: year,
    });
    const expected = publishReport({
      rows: countRowsByMonth(counts, year),
      period,
      districts: [...DEMO_DISTRICTS.map((d) => d.id), NO_DISTRICT],
      district: null,
      sites: DEMO_HOME_SITES.map((site) => site.id),
      funnel,
    });
    const coordinator = await login(app, DEMO_COORDINATOR.username, DEMO_COORDINATOR.password);
    const response = await app.inject({
      method: 'GET',
      url: `/api/reports/${MUNICIPALITY}/indicators?from=${period.from}&to=${period.to}`,
      headers: bearer(coordinator.token),
    });
    expect(response.statusCode, response.body).toBe(200);
    const served = response.json<Report>();
    expect(served.indicators).toEqual(JSON.parse(JSON.stringify(expected.indicators)));
    expect(served.funnel).toEqual(JSON.parse(JSON.stringify(expected.funnel)));
  };

  /** A case with a consent covering documentation, referral and statistics, pushed. */
  const consentedCase = async (): Promise<string> => {
    const caseNumber = newCaseNumber();
    const content = await consentContent('de', { setting: 'screening', scopes: ['documentation', 'referral', 'statistics'] });
    await push([await consentRecord(author.deviceId, caseNumber, { content })]);
    return caseNumber;
  };

  const storedCounts = async (): Promise<ReportCount[]> => {
    const rows = await db().query<ReportCount>(
      `SELECT indicator, to_char(day, 'YYYY-MM-DD') AS day, district, category, n
         FROM report_counts WHERE municipality_id = $1 AND n > 0`,
      [MUNICIPALITY],
    );
    return rows.map((row) => ({ ...row })).sort(compareCounts);
  };

  /** The parity itself: the database's counts are the domain's, row for row. */
  const expectParity = async (): Promise<ReportCount[]> => {
    const expected = reportCounts(held);
    expect(await storedCounts()).toEqual(expected);
    return expected;
  };

  beforeAll(async () => {
    await seedDemo(db());
    app = buildTestApp(db());
    await app.ready();
    author = await signInOnTablet(app, db(), DEMO_FIELDWORKER);
    approver = await signInOnTablet(app, db(), DEMO_APPROVER);
    authorKey = await enrollKey(author, DEMO_FIELDWORKER.username);
    approverKey = await enrollKey(approver, DEMO_APPROVER.username);
    await setPolicy(DEFAULT_FOUR_EYES_POLICY);
  });
  afterAll(async () => {
    await app.close();
  });

  it('counts anonymous tallies: refusals (only the screening setting), visit attempts, HOME tallies', async () => {
    await push([
      await consentRefusalRecord(author.deviceId, { content: { setting: 'screening', date: '2026-11-02', district: 'nord' } }),
      await consentRefusalRecord(author.deviceId, { content: { setting: 'screening', date: '2026-11-02' } }),
      await consentRefusalRecord(author.deviceId, { content: { setting: 'homeContact', date: '2026-11-02', district: 'nord' } }),
      await visitAttemptRecord(author.deviceId, { outcome: 'nobodyHome', visitDate: '2026-11-03', district: 'sued' }),
      await visitAttemptRecord(author.deviceId, { outcome: 'declined', visitDate: '2026-11-03' }),
      await homeContactRecord(author.deviceId, {
        content: homeContactContent({ contactDate: '2026-11-04', topics: ['childcare', 'health', 'languageSupport'] }),
      }),
      await homeContactRecord(author.deviceId, {
        content: homeContactContent({ site: 'familienzentrum-nord', contactKind: 'counselling', topics: ['other'] }),
      }),
    ]);
    const counts = await expectParity();
    expect(counts.filter((c) => c.indicator === 'screening').map((c) => c.category)).toEqual(['refused', 'refused']);
  });

  it('counts a case’s HOME contact and mediation by the district the mediation names, consent and withdrawal counting nothing', async () => {
    const caseNumber = await consentedCase();
    await push([
      await homeContactRecord(author.deviceId, {
        caseNumber,
        content: homeContactContent({ contactDate: '2026-11-05', topics: ['health'] }),
      }),
      await mediationRecord(author.deviceId, caseNumber, { district: 'hafen', languages: ['ar', 'fa'] }),
      await mediationRecord(author.deviceId, null, { date: '2026-11-19', languages: ['uk'] }),
    ]);
    const counts = await expectParity();
    // The mediation names a district, so it is counted there, not under "not stated".
    expect(counts.filter((c) => c.indicator === 'mediationLanguage' && c.district === 'hafen').map((c) => c.category)).toEqual([
      'ar',
      'fa',
    ]);
  });

  it('counts a screening only once approved, under the staff override where there is one, on its Berlin day', async () => {
    const plain = await signAsAuthor(
      await screeningRecord(author.deviceId, await consentedCase(), {
        content: screeningContent({ score: 4, supportNeed: 'informationOnly', district: 'mitte' }),
      }),
      authorKey,
    );
    // 23:30 UTC is already the next day in Berlin: the report's day is the municipality's.
    const overridden = await signAsAuthor(
      {
        ...(await screeningRecord(author.deviceId, await consentedCase(), {
          content: screeningContent({
            score: 1,
            supportNeed: 'none',
            override: { supportNeed: 'urgent', reason: 'Eindruck im Gespräch' },
            district: 'nord',
          }),
        })),
        createdAt: '2026-11-20T23:30:00.000Z',
      },
      authorKey,
    );
    await push([plain, overridden]);
    // Both wait for the second check: nothing counted yet.
    expect((await expectParity()).some((c) => c.indicator === 'screening' && c.category !== 'refused')).toBe(false);

    await approve(plain);
    await approve(overridden);
    const counts = await expectParity();
    expect(counts).toContainEqual({ indicator: 'screening', day: '2026-11-21', district: 'nord', category: 'urgent', n: 1 });

    // A correction supersedes the approved revision and waits for its own second check.
    const corrected = await signAsAuthor(
      await screeningRecord(author.deviceId, plain.caseNumber, {
        id: plain.id,
        revision: 2,
        content: screeningContent({ score: 9, supportNeed: 'offerRecommended', district: 'mitte' }),
      }),
      authorKey,
    );
    await push([corrected]);
    await expectParity();
    await approve(corrected);
    expect(await expectParity()).toContainEqual({
      indicator: 'screening',
      day: '2026-11-20',
      district: 'mitte',
      category: 'offerRecommended',
      n: 1,
    });
  });

  it('counts a screening at once where the municipality asks for no second check', async () => {
    await setPolicy(NO_SECOND_CHECK);
    try {
      await push([
        await screeningRecord(author.deviceId, await consentedCase(), {
          content: screeningContent({ supportNeed: 'offerRecommended', suggestedOffers: [PARTNER_OFFER], district: 'sued' }),
        }),
      ]);
      expect(await expectParity()).toContainEqual({
        indicator: 'screening',
        day: '2026-11-20',
        district: 'sued',
        category: 'offerRecommended',
        n: 1,
      });
    } finally {
      await setPolicy(DEFAULT_FOUR_EYES_POLICY);
    }
  });

  it('counts welcome visits (those recommending offers once approved); a referral adds no record-based count', async () => {
    const quiet = await welcomeVisitRecord(author.deviceId, await consentedCase(), { visitDate: '2026-11-06', district: 'sued' });
    const caseNumber = await consentedCase();
    const recommending = await signAsAuthor(
      await welcomeVisitRecord(author.deviceId, caseNumber, { visitDate: '2026-11-07', offersRecommended: [PARTNER_OFFER] }),
      authorKey,
    );
    await push([quiet, recommending]);
    await expectParity();
    await approve(recommending);
    await expectParity();
    await pushReferral(await referralRecord(author.deviceId, caseNumber, { sourceRecordId: recommending.id, district: 'sued' }));
    expect((await expectParity()).filter((c) => c.indicator === 'welcomeOutcome')).toEqual([
      { indicator: 'welcomeOutcome', day: '2026-11-03', district: '', category: 'declined', n: 1 },
      { indicator: 'welcomeOutcome', day: '2026-11-03', district: 'sued', category: 'nobodyHome', n: 1 },
      { indicator: 'welcomeOutcome', day: '2026-11-06', district: 'sued', category: 'visited', n: 1 },
      { indicator: 'welcomeOutcome', day: '2026-11-07', district: '', category: 'visited', n: 1 },
    ]);
  });

  it('drops every count of a withdrawn case, and only of that case', async () => {
    const before = reportCounts(held);
    const withdrawn = held.find((stored) => stored.record.kind === 'mediation' && stored.record.caseNumber !== null)?.record.caseNumber;
    if (withdrawn === undefined || withdrawn === null) throw new Error('no mediated case to withdraw');
    await withdraw(withdrawn);
    const after = await expectParity();
    expect(after.some((c) => c.district === 'hafen')).toBe(false);
    expect(after.length).toBeLessThan(before.length);
  });

  it('publishes exactly the report the domain defines, referrals included, before and after the referred case is withdrawn', async () => {
    const caseNumber = await consentedCase();
    const visit = await signAsAuthor(
      await welcomeVisitRecord(author.deviceId, caseNumber, { offersRecommended: [PARTNER_OFFER] }),
      authorKey,
    );
    await push([visit]);
    await approve(visit);
    const madeAt = new Date();
    const referral = await pushUncheckedReferral(
      await referralRecord(author.deviceId, caseNumber, {
        sourceRecordId: visit.id,
        offerIds: [PARTNER_OFFER, 'erziehungsberatung-demo'],
        slipHandedOver: false,
      }),
    );
    // Awaiting its own second check, the referral counts nowhere yet.
    await expectPublishedParity();
    await approveReferral(referral, madeAt);
    expect(referrals.filter((made) => made.caseNumber === caseNumber)).toHaveLength(2);
    await expectPublishedParity();
    await withdraw(caseNumber);
    await expectParity();
    await expectPublishedParity();
  });
});
