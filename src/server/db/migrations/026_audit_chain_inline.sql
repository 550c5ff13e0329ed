-- 026_audit_chain_inline: the same hash chain (012), computed with less work per row. Never edit
-- this file after it has landed.
--
-- The trigger called audit_chain_canonical(), an SQL function with unnest/string_agg that PostgreSQL
-- cannot inline, so every appended row ran a small query of its own; a push of 500 records spent
-- more time in this trigger than in storing the records. The trigger now builds the same bytes as
-- a plain expression (every field "<octets>:<value>", a null "-", joined by "|") and hashes them
-- in place. audit_chain_canonical() and audit_chain_hash() stay as they were: they define the
-- serialisation for readers, and the tests check the trigger's rows against them and against
-- services/audit.ts. Lock, order and fields are unchanged, so the chain goes on unbroken.

CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  at_text text;
BEGIN
  -- Held until commit: the next inserter of this municipality waits and then sees this row.
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.municipality_id || '/audit', 7345120012));
  SELECT chain_seq, row_hash INTO last_seq, last_hash
    FROM audit_log WHERE municipality_id = NEW.municipality_id
   ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  -- The database's clock, not the caller's: `at` is part of what the hash covers.
  NEW.at := coalesce(NEW.at, now());
  at_text := to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
  -- chain_seq, municipality_id, action, at and prev_hash are never null; actor and object may be.
  NEW.row_hash := encode(sha256(convert_to(
    octet_length(NEW.chain_seq::text) || ':' || NEW.chain_seq::text
    || '|' || octet_length(NEW.municipality_id) || ':' || NEW.municipality_id
    || '|' || CASE WHEN NEW.actor_id IS NULL THEN '-' ELSE octet_length(NEW.actor_id) || ':' || NEW.actor_id END
    || '|' || octet_length(NEW.action) || ':' || NEW.action
    || '|' || CASE WHEN NEW.object_id IS NULL THEN '-' ELSE octet_length(NEW.object_id) || ':' || NEW.object_id END
    || '|' || octet_length(at_text) || ':' || at_text
    || '|' || octet_length(NEW.prev_hash) || ':' || NEW.prev_hash,
    'UTF8')), 'hex');
  RETURN NEW;
END;
$$;
