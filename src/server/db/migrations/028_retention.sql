-- 028_retention: server-side deletion once a retention period is over (services/retention-service.ts,
-- docs/DEPLOYMENT.md "Retention").
--
-- 1. Deleting expired records must not change the reports already published: report_counts keeps the
--    counts of the days it was built from. A deletion made by the retention job sets the transaction-local
--    setting lotse.retention_delete = 'on'; the counting trigger then leaves report_counts alone. A
--    withdrawal (consent revoked) still subtracts, as before.
-- 2. The audit log stays append-only for everything but its oldest entries: audit_log_expire() deletes
--    a prefix of one municipality's chain whose entries are all older than the cutoff and at least a year
--    old, then appends an anchor entry (action 'audit.expired', object '<last deleted seq>:<its row
--    hash>'), so the chain that remains starts at a recorded link and stays verifiable. The guard lets a
--    DELETE through only under the function's transaction-local flag and only for entries older than a
--    year; UPDATE and TRUNCATE stay refused.

CREATE OR REPLACE FUNCTION report_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('lotse.retention_delete', true) = 'on' THEN
    RETURN NULL;
  END IF;
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

-- The shortest audit retention any configuration can reach: entries younger than this are never deleted.
CREATE FUNCTION audit_log_minimum_retention() RETURNS interval LANGUAGE sql IMMUTABLE AS $$
  SELECT interval '365 days'
$$;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('lotse.audit_expiry', true) = OLD.municipality_id AND OLD.at < now() - audit_log_minimum_retention() THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

-- Deletes the entries of one municipality before `cutoff` (a prefix of its chain: up to the first entry
-- at or after the cutoff) and appends the anchor entry; returns how many were deleted. A cutoff within
-- the minimum retention is refused.
CREATE FUNCTION audit_log_expire(municipality text, cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  keep_from bigint;
  last_seq bigint;
  last_hash text;
  deleted bigint;
BEGIN
  IF cutoff > now() - audit_log_minimum_retention() THEN
    RAISE EXCEPTION 'audit retention cutoff % is within the minimum retention', cutoff;
  END IF;
  -- Row-level security (027): a municipality's chain only within its own transaction; the
  -- server-wide chain ('*', no municipality's data) from any.
  IF municipality <> '*' AND municipality IS DISTINCT FROM current_setting('lotse.municipality', true) THEN
    RAISE EXCEPTION 'audit retention acts only for the municipality of the transaction';
  END IF;
  -- The chain's own lock (migration 012): no entry is appended while its beginning is cut.
  PERFORM pg_advisory_xact_lock(hashtextextended(municipality || '/audit', 7345120012));
  SELECT min(chain_seq) INTO keep_from FROM audit_log WHERE municipality_id = municipality AND at >= cutoff;
  SELECT chain_seq, row_hash INTO last_seq, last_hash
    FROM audit_log
   WHERE municipality_id = municipality AND (keep_from IS NULL OR chain_seq < keep_from)
   ORDER BY chain_seq DESC LIMIT 1;
  IF last_seq IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM set_config('lotse.audit_expiry', municipality, true);
  DELETE FROM audit_log WHERE municipality_id = municipality AND chain_seq <= last_seq;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('lotse.audit_expiry', '', true);
  INSERT INTO audit_log (municipality_id, actor_id, action, object_id)
  VALUES (municipality, NULL, 'audit.expired', last_seq::text || ':' || last_hash);
  RETURN deleted;
END;
$$;

-- Row-level security (027): the server's role may not delete audit entries itself. This function
-- does it for the municipality the transaction acts for and no other, with its owner's rights and
-- its own search path; tombstones of withdrawn cases are deleted by the retention job directly.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION audit_log_expire(text, timestamptz) SET search_path = %I, pg_temp', current_schema());
END
$$;
ALTER FUNCTION audit_log_expire(text, timestamptz) SECURITY DEFINER;
REVOKE EXECUTE ON FUNCTION audit_log_expire(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_log_expire(text, timestamptz) TO lotse_app;
GRANT DELETE ON case_tombstones TO lotse_app;
