-- 001_init: tenants, staff, sessions, sites, records, audit log.
-- Never edit this file after it has landed; add 002_….sql instead.
-- Every table carries municipality_id (the tenant), so the data can later be
-- distributed by tenant (DESIGN.md §6).

CREATE TABLE municipalities (
  id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisations (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  municipality_id text NOT NULL REFERENCES municipalities (id),
  name            text NOT NULL,
  kind            text NOT NULL CHECK (kind ~ '^[a-z][a-z-]{0,62}$'),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisations_municipality_idx ON organisations (municipality_id);

CREATE TABLE staff_accounts (
  id              text PRIMARY KEY,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  organisation_id text NOT NULL REFERENCES organisations (id),
  username        text NOT NULL UNIQUE,
  display_name    text NOT NULL,
  -- argon2id in PHC encoding ($argon2id$v=19$m=…,t=…,p=…$salt$hash)
  password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  roles           text[] NOT NULL
    CHECK (roles <@ ARRAY['fieldworker', 'approver', 'coordinator', 'partner', 'admin']::text[]),
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_accounts_municipality_idx ON staff_accounts (municipality_id);

-- Only the SHA-256 of the bearer token is stored: a database leak yields no usable session.
CREATE TABLE sessions (
  token_hash      text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  account_id      text NOT NULL REFERENCES staff_accounts (id),
  municipality_id text NOT NULL REFERENCES municipalities (id),
  device_id       uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

CREATE TABLE home_sites (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  id              text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  label           text NOT NULL,
  sort_order      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_id, id)
);

-- One row per record revision. (id, revision) is the idempotency key of push.
CREATE TABLE records (
  municipality_id   text NOT NULL REFERENCES municipalities (id),
  id                uuid NOT NULL,
  revision          integer NOT NULL CHECK (revision >= 1),
  kind              text NOT NULL,
  schema_version    integer NOT NULL,
  form_version      text NOT NULL,
  case_number       text,
  device_id         uuid NOT NULL,
  author_id         text NOT NULL REFERENCES staff_accounts (id),
  device_created_at timestamptz NOT NULL,
  received_at       timestamptz NOT NULL DEFAULT now(),
  content_hash      text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  content           jsonb NOT NULL,
  PRIMARY KEY (id, revision)
);
CREATE INDEX records_municipality_received_idx ON records (municipality_id, received_at);

-- Who did what, when. Never health data, never record content.
CREATE TABLE audit_log (
  id              bigserial PRIMARY KEY,
  municipality_id text NOT NULL,
  actor_id        text,
  action          text NOT NULL,
  object_id       text,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_municipality_at_idx ON audit_log (municipality_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
