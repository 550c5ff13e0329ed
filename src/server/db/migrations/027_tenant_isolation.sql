-- 027_tenant_isolation: the database itself keeps municipalities apart (docs/THREAT-MODEL.md,
-- "Tenant isolation in the database"). Never edit this file after it has landed.
--
-- * lotse_app: the role the server works as. It owns nothing, so it cannot ALTER or DISABLE a
--   trigger, turn row-level security off or TRUNCATE; it holds only SELECT/INSERT/UPDATE/DELETE
--   where the server needs them, and on audit_log only SELECT and INSERT.
-- * Row-level security, FORCEd (so the owner is bound too), on every table with a municipality:
--   a row is visible and writable only while the transaction's setting lotse.municipality names
--   its municipality. No setting, or an empty one, means no rows — never "all".
-- * lotse_definer: owns the few SECURITY DEFINER look-ups that must see across municipalities
--   (which municipality a bearer token, a username, a pending sign-in, a tablet or a partner key
--   belongs to; the list of municipality ids for jobs; which of a push's record ids another
--   municipality uses) and the audit chain trigger. It can only
--   read the columns those look-ups name; nobody can log in as it or become it.
--
-- Roles are per cluster: the first Lotse database creates them, later ones reuse them. The
-- migrating role needs CREATEROLE the first time (or an operator creates the two roles before).
-- A later migration that changes data on these tables runs ALTER TABLE … NO FORCE ROW LEVEL
-- SECURITY and FORCE again in the same file (migrations are one transaction), or sets
-- lotse.municipality per municipality.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lotse_app') THEN
    BEGIN
      CREATE ROLE lotse_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of the cluster created it at the same moment
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lotse_definer') THEN
    BEGIN
      CREATE ROLE lotse_definer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO lotse_app, lotse_definer', current_schema());
END
$$;

-- What the server may do, table by table. Append-only tables get no UPDATE or DELETE.
GRANT SELECT, INSERT ON audit_log, record_reviews, referral_state_changes, case_tombstones TO lotse_app;
GRANT SELECT ON municipalities TO lotse_app;
-- The one change a review may see after it is written: the server key's re-encryption job (025)
-- moves its send-back comment to the active key; the decision, the signatures and who checked stay.
GRANT UPDATE (comment, seal_key_id) ON record_reviews TO lotse_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  device_reports, devices, districts, emergency_contacts, home_sites, municipality_settings, offers,
  organisations, partner_handover_keys, passkey_challenges, passkey_credentials, questionnaire_definitions,
  records, referrals, refresh_tokens, report_counts, safeguard_changes, second_factor_challenges,
  second_factor_policies, second_factor_recovery_codes, second_factors, sessions, signing_keys,
  staff_accounts, warm_handovers, welcome_items,
  -- throttles keyed by hashed subjects (a client address, a username, a key id): no municipality
  sign_in_limits, confirmation_limits, partner_lookup_limits
  TO lotse_app;
GRANT USAGE ON SEQUENCE audit_log_id_seq, referral_state_changes_id_seq, records_received_seq_seq TO lotse_app;

-- Row-level security on every table of a municipality.
DO $$
DECLARE
  tenant_table text;
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY[
    'audit_log', 'case_tombstones', 'device_reports', 'devices', 'districts', 'emergency_contacts',
    'home_sites', 'municipality_settings', 'offers', 'organisations', 'partner_handover_keys',
    'passkey_challenges', 'passkey_credentials', 'questionnaire_definitions', 'record_reviews', 'records',
    'referral_state_changes', 'referrals', 'refresh_tokens', 'report_counts', 'safeguard_changes',
    'second_factor_challenges', 'second_factor_policies', 'second_factor_recovery_codes', 'second_factors',
    'sessions', 'signing_keys', 'staff_accounts', 'warm_handovers', 'welcome_items'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format(
      $policy$CREATE POLICY tenant_isolation ON %I
        USING (municipality_id = current_setting('lotse.municipality', true))
        WITH CHECK (municipality_id = current_setting('lotse.municipality', true))$policy$,
      tenant_table);
  END LOOP;
END
$$;

ALTER TABLE municipalities ENABLE ROW LEVEL SECURITY;
ALTER TABLE municipalities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON municipalities
  USING (id = current_setting('lotse.municipality', true))
  WITH CHECK (id = current_setting('lotse.municipality', true));

-- Entries that belong to no municipality (an unknown username, an unknown refresh token) are
-- chained under '*' (services/audit.ts SERVER_WIDE_AUDIT): appended from any context, read by none.
CREATE POLICY server_wide_entries ON audit_log FOR INSERT WITH CHECK (municipality_id = '*');

-- The definer role reads only what its look-ups name, in every municipality.
GRANT SELECT (token_hash, municipality_id) ON sessions TO lotse_definer;
GRANT SELECT (token_hash, municipality_id) ON refresh_tokens TO lotse_definer;
GRANT SELECT (token_hash, municipality_id) ON second_factor_challenges TO lotse_definer;
GRANT SELECT (username, municipality_id) ON staff_accounts TO lotse_definer;
GRANT SELECT (id, municipality_id) ON devices TO lotse_definer;
GRANT SELECT (partner_key_id, municipality_id) ON offers TO lotse_definer;
GRANT SELECT (id) ON municipalities TO lotse_definer;
GRANT SELECT (id, municipality_id) ON records TO lotse_definer;
GRANT SELECT (municipality_id, chain_seq, row_hash) ON audit_log TO lotse_definer;
CREATE POLICY cross_tenant_lookup ON sessions FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON refresh_tokens FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON second_factor_challenges FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON staff_accounts FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON devices FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON offers FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON municipalities FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON records FOR SELECT TO lotse_definer USING (true);
CREATE POLICY cross_tenant_lookup ON audit_log FOR SELECT TO lotse_definer USING (true);

-- The look-ups: each answers one municipality id (or null) for one key, nothing else. The
-- search_path is pinned to this schema, so a temporary table cannot stand in for a real one.
DO $$
DECLARE
  schema_name text := current_schema();
  lookup record;
BEGIN
  FOR lookup IN
    SELECT * FROM (VALUES
      ('lotse_municipality_of_session', 'sessions', 'token_hash'),
      ('lotse_municipality_of_refresh_token', 'refresh_tokens', 'token_hash'),
      ('lotse_municipality_of_pending_sign_in', 'second_factor_challenges', 'token_hash'),
      ('lotse_municipality_of_username', 'staff_accounts', 'username'),
      ('lotse_municipality_of_partner_key', 'offers', 'partner_key_id')
    ) AS l(fn, tbl, col)
  LOOP
    EXECUTE format(
      $fn$CREATE FUNCTION %1$I(key text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = %2$I, pg_temp
        AS 'SELECT municipality_id FROM %2$I.%3$I WHERE %4$I = key LIMIT 1'$fn$,
      lookup.fn, schema_name, lookup.tbl, lookup.col);
  END LOOP;
  -- A tablet id: a uuid, compared as one so the primary key serves (a malformed id finds nothing).
  EXECUTE format(
    $fn$CREATE FUNCTION lotse_municipality_of_device(key text) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = %1$I, pg_temp
      AS 'SELECT municipality_id FROM %1$I.devices
           WHERE id = (CASE WHEN key ~ ''^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$''
                            THEN key END)::uuid'$fn$,
    schema_name);
  -- Which of a push's record ids another municipality already uses (never written to, sync-service.ts).
  EXECUTE format(
    $fn$CREATE FUNCTION lotse_foreign_record_ids(ids jsonb, own_municipality text) RETURNS SETOF text
      LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = %1$I, pg_temp
      AS 'SELECT DISTINCT id::text FROM %1$I.records
           WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(ids)) AND municipality_id <> own_municipality'$fn$,
    schema_name);
  EXECUTE format(
    $fn$CREATE FUNCTION lotse_municipality_ids() RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = %1$I, pg_temp
      AS 'SELECT id FROM %1$I.municipalities ORDER BY id'$fn$,
    schema_name);
  -- The audit chain reads the previous entry of its chain, '*' included, whoever appends.
  ALTER FUNCTION audit_log_chain() SECURITY DEFINER;
  EXECUTE format('ALTER FUNCTION audit_log_chain() SET search_path = %I, pg_temp', schema_name);

  -- Hand the functions to lotse_definer. A migrating role that is no superuser must be able to
  -- become it, and lotse_definer needs CREATE on the schema, for the moment of the hand-over only.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT lotse_definer TO %I', current_user);
    EXECUTE format('GRANT CREATE ON SCHEMA %I TO lotse_definer', schema_name);
  END IF;
  ALTER FUNCTION lotse_municipality_of_session(text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_municipality_of_refresh_token(text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_municipality_of_pending_sign_in(text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_municipality_of_username(text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_municipality_of_partner_key(text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_municipality_of_device(text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_foreign_record_ids(jsonb, text) OWNER TO lotse_definer;
  ALTER FUNCTION lotse_municipality_ids() OWNER TO lotse_definer;
  ALTER FUNCTION audit_log_chain() OWNER TO lotse_definer;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM lotse_definer', schema_name);
    EXECUTE format('REVOKE lotse_definer FROM %I', current_user);
  END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION
  lotse_municipality_of_session(text), lotse_municipality_of_refresh_token(text),
  lotse_municipality_of_pending_sign_in(text), lotse_municipality_of_username(text),
  lotse_municipality_of_partner_key(text), lotse_municipality_of_device(text), lotse_municipality_ids(),
  lotse_foreign_record_ids(jsonb, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  lotse_municipality_of_session(text), lotse_municipality_of_refresh_token(text),
  lotse_municipality_of_pending_sign_in(text), lotse_municipality_of_username(text),
  lotse_municipality_of_partner_key(text), lotse_municipality_of_device(text), lotse_municipality_ids(),
  lotse_foreign_record_ids(jsonb, text)
  TO lotse_app;
-- The migrating role seeds the demo only into an empty database: it may list the ids too.
GRANT EXECUTE ON FUNCTION lotse_municipality_ids() TO CURRENT_USER;
