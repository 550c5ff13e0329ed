-- 007_reports: pre-aggregated counts for the coordinator's reports and the
-- half-yearly Sachbericht (docs/INDICATORS.md). Never edit this file after it
-- has landed; add 008_….sql instead.
--
-- report_counts holds one row per (municipality, indicator, day, district,
-- category) with the number of COUNTABLE records (005: latest revision,
-- approved where a second check is required). Statement-level triggers on
-- `records` keep it current: inserted countable rows add, deleted rows (a
-- withdrawal deletes every row of its case) and rows that stop being countable
-- (superseded) subtract, rows that become countable (approved) add. No case
-- number, no record id, no free text is ever copied here.

CREATE TABLE report_counts (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  indicator       text NOT NULL,
  day             date NOT NULL,
  -- District id (Sozialraum) the record names; '' when it names none.
  district        text NOT NULL DEFAULT '',
  category        text NOT NULL,
  n               integer NOT NULL CHECK (n >= 0),
  PRIMARY KEY (municipality_id, indicator, day, district, category)
);

-- The facts a record contributes: (indicator, day, district, category), one row
-- each; the definitions are in src/domain/indicators.ts. The day is the date the
-- record names (visit, contact, mediation, refusal) or else the tablet's date of
-- the record in Europe/Berlin.
CREATE FUNCTION report_facts(kind text, content jsonb, device_created_at timestamptz)
RETURNS TABLE (indicator text, day date, district text, category text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT f.indicator, f.day, coalesce(f.district, ''), f.category FROM (
    -- screening offered: carried out, by support need (the override wins) …
    SELECT 'screening' AS indicator, (device_created_at AT TIME ZONE 'Europe/Berlin')::date AS day,
           content->>'district' AS district, coalesce(content#>>'{override,supportNeed}', content->>'supportNeed') AS category
     WHERE kind = 'screening'
    -- … or refused (an anonymous count)
    UNION ALL
    SELECT 'screening', (content->>'date')::date, content->>'district', 'refused'
     WHERE kind = 'consentRefusal' AND content->>'setting' = 'screening'
    -- welcome visits: visited, nobody at home, declined
    UNION ALL
    SELECT 'welcomeOutcome', (content->>'visitDate')::date, content->>'district', content->>'outcome'
     WHERE kind IN ('welcomeVisit', 'welcomeVisitAttempt')
    -- HOME contacts: by site, kind and topic (a contact counts once per topic)
    UNION ALL
    SELECT 'homeSite', (content->>'contactDate')::date, NULL, content->>'site'
     WHERE kind = 'homeContact'
    UNION ALL
    SELECT 'homeKind', (content->>'contactDate')::date, NULL, content->>'contactKind'
     WHERE kind = 'homeContact'
    UNION ALL
    SELECT 'homeTopic', (content->>'contactDate')::date, NULL, t.value
      FROM jsonb_array_elements_text(CASE WHEN kind = 'homeContact' THEN content->'topics' ELSE '[]'::jsonb END) AS t(value)
    -- mediation deployments: once per language
    UNION ALL
    SELECT 'mediationLanguage', (content->>'date')::date, content->>'district', l.value
      FROM jsonb_array_elements_text(CASE WHEN kind = 'mediation' THEN content->'languages' ELSE '[]'::jsonb END) AS l(value)
  ) AS f
$$;

-- Counter rows are locked in key order (ORDER BY in every statement), so two pushes
-- counting on the same day, district and category wait for each other instead of deadlocking.
CREATE FUNCTION report_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_counts (municipality_id, indicator, day, district, category, n)
    SELECT r.municipality_id, f.indicator, f.day, f.district, f.category, count(*)
      FROM new_rows r CROSS JOIN LATERAL report_facts(r.kind, r.content, r.device_created_at) f
     WHERE r.countable
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (municipality_id, indicator, day, district, category)
      DO UPDATE SET n = report_counts.n + EXCLUDED.n;
  ELSE
    PERFORM 1
       FROM report_counts c
       JOIN (SELECT DISTINCT r.municipality_id, f.indicator, f.day, f.district, f.category
               FROM old_rows r CROSS JOIN LATERAL report_facts(r.kind, r.content, r.device_created_at) f
              WHERE r.countable) AS k
         ON c.municipality_id = k.municipality_id AND c.indicator = k.indicator AND c.day = k.day
        AND c.district = k.district AND c.category = k.category
      ORDER BY c.municipality_id, c.indicator, c.day, c.district, c.category
        FOR UPDATE OF c;
    WITH delta AS (
      SELECT r.municipality_id, f.indicator, f.day, f.district, f.category, -count(*) AS d
        FROM old_rows r CROSS JOIN LATERAL report_facts(r.kind, r.content, r.device_created_at) f
       WHERE r.countable
       GROUP BY 1, 2, 3, 4, 5
    )
    UPDATE report_counts c SET n = c.n + delta.d
      FROM delta
     WHERE c.municipality_id = delta.municipality_id AND c.indicator = delta.indicator AND c.day = delta.day
       AND c.district = delta.district AND c.category = delta.category;
    IF TG_OP = 'UPDATE' THEN
      INSERT INTO report_counts (municipality_id, indicator, day, district, category, n)
      SELECT r.municipality_id, f.indicator, f.day, f.district, f.category, count(*)
        FROM new_rows r CROSS JOIN LATERAL report_facts(r.kind, r.content, r.device_created_at) f
       WHERE r.countable
       GROUP BY 1, 2, 3, 4, 5
       ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (municipality_id, indicator, day, district, category)
        DO UPDATE SET n = report_counts.n + EXCLUDED.n;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER records_report_counts_insert AFTER INSERT ON records
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_apply();
CREATE TRIGGER records_report_counts_update AFTER UPDATE ON records
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_apply();
CREATE TRIGGER records_report_counts_delete AFTER DELETE ON records
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_apply();

-- Records that landed before this migration.
INSERT INTO report_counts (municipality_id, indicator, day, district, category, n)
SELECT r.municipality_id, f.indicator, f.day, f.district, f.category, count(*)
  FROM records r CROSS JOIN LATERAL report_facts(r.kind, r.content, r.device_created_at) f
 WHERE r.countable
 GROUP BY 1, 2, 3, 4, 5;

-- Time from screening to first contact: a contacted case's countable screening is found by case number,
-- and the period is checked in the index (only screenings in the period are read from the table).
CREATE INDEX records_countable_screening_case_idx ON records (municipality_id, case_number, device_created_at)
  WHERE kind = 'screening' AND countable;
-- Uptake of referrals by the first state change of a kind.
CREATE INDEX referral_state_changes_state_idx ON referral_state_changes (municipality_id, state, referral_id, changed_at);
-- Reports read a municipality's counts of a period.
CREATE INDEX report_counts_municipality_day_idx ON report_counts (municipality_id, day);
