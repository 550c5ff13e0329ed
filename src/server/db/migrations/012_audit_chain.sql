-- 012_audit_chain: the audit log becomes a hash chain per municipality, so an edited or deleted
-- entry is detectable (services/audit.ts verifyAuditChain; the admin export hands the chain on).
--
-- Each row carries chain_seq (1, 2, … per municipality), prev_hash (row_hash of the row before, 64
-- zeros for the first) and row_hash = SHA-256 over audit_chain_canonical(...). The trigger computes
-- them, not the application, so no code path can append an unchained row; it takes a transaction-
-- scoped advisory lock per municipality (seed AUDIT_CHAIN_LOCK_SEED in db/advisory-locks.ts) so two
-- server instances inserting at once still form one chain. sha256(bytea) is built into PostgreSQL 11+
-- and PGlite; pgcrypto is not available on PGlite, so it is not used.

ALTER TABLE audit_log
  ADD COLUMN chain_seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN row_hash  text;

-- The serialisation the hash covers: every field as "<octets>:<value>", a null as "-", joined by "|".
-- Length prefixes make it unambiguous whatever the text holds; services/audit.ts rebuilds it byte
-- for byte. `at` is UTC with microseconds, the precision the column stores.
CREATE FUNCTION audit_chain_canonical(
  seq bigint, municipality text, actor text, action text, object text, at timestamptz, prev text
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(CASE WHEN f IS NULL THEN '-' ELSE octet_length(f) || ':' || f END, '|' ORDER BY n)
    FROM unnest(ARRAY[
      seq::text, municipality, actor, action, object,
      to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), prev
    ]) WITH ORDINALITY AS t(f, n)
$$;

CREATE FUNCTION audit_chain_hash(canonical text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(canonical, 'UTF8')), 'hex')
$$;

-- Chain the rows already there, oldest first. The append-only guard is lifted for this one
-- statement only, inside the migration's transaction.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete;
DO $$
DECLARE
  r record;
  last_seq bigint;
  last_hash text;
  current_municipality text := NULL;
BEGIN
  FOR r IN SELECT id, municipality_id, actor_id, action, object_id, at FROM audit_log ORDER BY municipality_id, id LOOP
    IF current_municipality IS DISTINCT FROM r.municipality_id THEN
      current_municipality := r.municipality_id;
      last_seq := 0;
      last_hash := repeat('0', 64);
    END IF;
    last_seq := last_seq + 1;
    UPDATE audit_log
       SET chain_seq = last_seq,
           prev_hash = last_hash,
           row_hash = audit_chain_hash(audit_chain_canonical(last_seq, r.municipality_id, r.actor_id, r.action, r.object_id, r.at, last_hash))
     WHERE id = r.id
     RETURNING row_hash INTO last_hash;
  END LOOP;
END;
$$;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;

ALTER TABLE audit_log
  ALTER COLUMN chain_seq SET NOT NULL,
  ALTER COLUMN prev_hash SET NOT NULL,
  ALTER COLUMN row_hash SET NOT NULL;
-- One successor per link: should the lock ever be bypassed, a fork fails instead of committing.
CREATE UNIQUE INDEX audit_log_chain_idx ON audit_log (municipality_id, chain_seq);

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  last_seq bigint;
  last_hash text;
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
  NEW.row_hash := audit_chain_hash(audit_chain_canonical(
    NEW.chain_seq, NEW.municipality_id, NEW.actor_id, NEW.action, NEW.object_id, NEW.at, NEW.prev_hash));
  RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
