// Synthetic monitoring data for the report benchmark: N records of every kind
// spread over 2025–2026 in Demo-Stadt, plus referrals and their first contacts,
// generated inside the database with generate_series (no record passes through
// Node). The triggers of 007_reports.sql aggregate each chunk as it lands.
// Used by report-bench.ts (`npm run bench -- --only=report --report-records=N`).
import type { Database } from '@server/db/database';

/** Rows per INSERT: big enough to be fast, small enough for PGlite's memory. */
const CHUNK = 100_000;

export interface GeneratedData {
  records: number;
  referrals: number;
  ms: number;
}

/**
 * Kinds by g % 20: 0–3 screening (20 %), 4–7 consent (20 %), 8 refusal (5 %),
 * 9–10 welcome visit (10 %), 11 visit attempt (5 %), 12–17 HOME contact (30 %),
 * 18–19 mediation (10 %). Every tenth screening still waits for its second check
 * (none of those with a referral: g % 80 = 0 never has (g / 20) % 10 = 7).
 */
const RECORDS_SQL = `
INSERT INTO records (municipality_id, id, revision, kind, schema_version, form_version, case_number, device_id, author_id,
                     device_created_at, content_hash, content, needs_second_check)
SELECT $1, gen_random_uuid(), 1, k.kind, 1, 'bench',
       CASE WHEN k.kind IN ('screening', 'consent', 'welcomeVisit') THEN 'BENCH-' || g END,
       $2::uuid, $3, t.at, repeat('0', 64),
       CASE k.kind
         WHEN 'screening' THEN jsonb_build_object('supportNeed', (ARRAY['none','informationOnly','offerRecommended','urgent'])[1 + (g / 20) % 4], 'score', g % 40)
                               || d.district
         WHEN 'consent' THEN jsonb_build_object('setting', 'screening', 'scopes', jsonb_build_array('documentation'))
         WHEN 'consentRefusal' THEN jsonb_build_object('setting', 'screening', 'date', t.day) || d.district
         WHEN 'welcomeVisit' THEN jsonb_build_object('outcome', 'visited', 'visitDate', t.day) || d.district
         WHEN 'welcomeVisitAttempt' THEN jsonb_build_object('outcome', (ARRAY['nobodyHome','declined'])[1 + g % 2], 'visitDate', t.day) || d.district
         WHEN 'homeContact' THEN jsonb_build_object('site', (ARRAY['kita-sonnenblume','familienzentrum-nord','grundschule-am-park'])[1 + g % 3],
                                   'contactDate', t.day, 'contactKind', (ARRAY['shortTalk','counselling','offerContactInitiated'])[1 + (g / 3) % 3],
                                   'topics', jsonb_build_array((ARRAY['childcare','parenting','health','languageSupport','schoolEntry','money','housing','leisure','other'])[1 + g % 9],
                                                               (ARRAY['health','money'])[1 + g % 2]))
         ELSE jsonb_build_object('date', t.day, 'languages', jsonb_build_array((ARRAY['ar','fa','ru','pl','fr','en','tr','uk','other'])[1 + g % 9]))
       END,
       k.kind = 'screening' AND (g / 20) % 10 = 7
  FROM generate_series($4::int, $5::int) AS g
  CROSS JOIN LATERAL (SELECT CASE
      WHEN g % 20 < 4 THEN 'screening' WHEN g % 20 < 8 THEN 'consent' WHEN g % 20 = 8 THEN 'consentRefusal'
      WHEN g % 20 < 11 THEN 'welcomeVisit' WHEN g % 20 = 11 THEN 'welcomeVisitAttempt'
      WHEN g % 20 < 18 THEN 'homeContact' ELSE 'mediation' END AS kind) AS k
  CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 09:00+01' + ((g::bigint * 7919) % 730) * interval '1 day' AS at) AS t0
  CROSS JOIN LATERAL (SELECT t0.at AS at, to_char(t0.at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD') AS day) AS t
  CROSS JOIN LATERAL (SELECT CASE WHEN g % 5 = 4 THEN '{}'::jsonb
      ELSE jsonb_build_object('district', (ARRAY['nord','sued','mitte','hafen'])[1 + g % 5]) END AS district) AS d`;

/** One referral for every fourth screening (g % 80 = 0), contacted within 0–40 days for two thirds of them. */
const REFERRALS_SQL = `
INSERT INTO referrals (id, municipality_id, case_number, offer_id, offer_type, record_id, district, created_by, created_at, state, state_changed_at)
SELECT gen_random_uuid(), $1, 'BENCH-' || g, 'familienhebammen-demo',
       (ARRAY['familienhebamme','erziehungsberatung','familienbildung','elterncafe','kitaPlatzVermittlung'])[1 + (g / 80) % 5],
       gen_random_uuid(), CASE WHEN g % 5 = 4 THEN NULL ELSE (ARRAY['nord','sued','mitte','hafen'])[1 + g % 5] END, $2,
       t.at + interval '2 days',
       (ARRAY['suggested','contacted','started','completed','declined','noResponse'])[1 + (g / 80) % 6],
       t.at + interval '2 days'
  FROM generate_series($3::int, $4::int) AS g
  CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 09:00+01' + ((g::bigint * 7919) % 730) * interval '1 day' AS at) AS t
 WHERE g % 80 = 0`;

const CONTACTS_SQL = `
INSERT INTO referral_state_changes (municipality_id, referral_id, state, changed_at)
SELECT r.municipality_id, r.id, 'contacted', r.created_at + ((abs(hashtext(r.case_number)) % 40) * interval '1 day')
  FROM referrals r
 WHERE r.municipality_id = $1 AND r.case_number LIKE 'BENCH-%' AND r.state IN ('contacted', 'started', 'completed')`;

export async function generateReportData(
  db: Database,
  records: number,
  log: (message: string) => void = () => undefined,
): Promise<GeneratedData> {
  const started = performance.now();
  const [author] = await db.query<{ id: string; municipality_id: string }>(
    "SELECT id, municipality_id FROM staff_accounts WHERE username = 'coordinator'",
  );
  if (!author) throw new Error('report-data: seed the demo data first');
  const deviceId = '01900000-0000-7000-8000-00000000be0c';
  for (let first = 1; first <= records; first += CHUNK) {
    const last = Math.min(records, first + CHUNK - 1);
    await db.query(RECORDS_SQL, [author.municipality_id, deviceId, author.id, first, last]);
    await db.query(REFERRALS_SQL, [author.municipality_id, author.id, first, last]);
    log(`report data: ${String(last)} of ${String(records)} records`);
  }
  await db.query(CONTACTS_SQL, [author.municipality_id]);
  await db.exec('ANALYZE records; ANALYZE report_counts; ANALYZE referrals; ANALYZE referral_state_changes');
  const [count] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM referrals WHERE case_number LIKE 'BENCH-%'");
  return { records, referrals: count?.n ?? 0, ms: performance.now() - started };
}
