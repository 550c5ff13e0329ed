-- 002_security: refresh tokens, enrolled tablets, signing keys, per-municipality
-- security settings. Never edit this file after it has landed; add 003_….sql instead.
-- Tenant isolation is enforced twice: every query filters by the session's
-- municipality, and composite foreign keys make a cross-tenant reference
-- (a device of town A in town B's signing key, …) impossible in the database.

-- Composite keys the foreign keys below point at.
ALTER TABLE organisations ADD CONSTRAINT organisations_id_municipality_key UNIQUE (id, municipality_id);
ALTER TABLE staff_accounts ADD CONSTRAINT staff_accounts_id_municipality_key UNIQUE (id, municipality_id);
-- New organisations must use a known kind (src/shared/staff-api.ts ORGANISATION_KINDS).
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_known
  CHECK (kind IN ('clinic', 'family-support', 'home-project', 'mediator-pool', 'partner', 'coordination')) NOT VALID;

CREATE TABLE municipality_settings (
  municipality_id           text PRIMARY KEY REFERENCES municipalities (id),
  auto_lock_minutes         integer NOT NULL DEFAULT 5 CHECK (auto_lock_minutes BETWEEN 1 AND 60),
  max_unlock_attempts       integer NOT NULL DEFAULT 10 CHECK (max_unlock_attempts BETWEEN 3 AND 50),
  retention_days_after_sync integer NOT NULL DEFAULT 0 CHECK (retention_days_after_sync BETWEEN 0 AND 30),
  updated_at                timestamptz NOT NULL DEFAULT now()
);

-- A tablet enrolled by a coordinator. The secret is stored only as its SHA-256;
-- the escrow key is kept (it is handed to staff signing in on this tablet).
CREATE TABLE devices (
  id              uuid PRIMARY KEY,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  organisation_id text NOT NULL,
  label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  secret_hash     text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  escrow_key      text NOT NULL CHECK (escrow_key ~ '^[A-Za-z0-9_-]{43}$'),
  enrolled_by     text NOT NULL,
  enrolled_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  revoked_by      text,
  UNIQUE (id, municipality_id),
  FOREIGN KEY (organisation_id, municipality_id) REFERENCES organisations (id, municipality_id),
  FOREIGN KEY (enrolled_by, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  FOREIGN KEY (revoked_by, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE INDEX devices_municipality_idx ON devices (municipality_id);

-- Rotating refresh tokens (only the SHA-256 stored). One family per sign-in:
-- each refresh revokes the used token and issues the next one in the family;
-- a revoked token presented again revokes the whole family (theft detection).
CREATE TABLE refresh_tokens (
  token_hash      text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  family_id       uuid NOT NULL,
  account_id      text NOT NULL,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  device_id       uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  FOREIGN KEY (device_id, municipality_id) REFERENCES devices (id, municipality_id)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_account_idx ON refresh_tokens (account_id);
CREATE INDEX refresh_tokens_device_idx ON refresh_tokens (device_id);

-- Access tokens belong to a refresh family (NULL for sessions created before 002).
ALTER TABLE sessions ADD COLUMN family_id uuid;
CREATE INDEX sessions_family_idx ON sessions (family_id);
CREATE INDEX sessions_device_idx ON sessions (device_id);

-- ECDSA P-256 public keys (SPKI, base64url) per person and tablet, for four-eyes signatures.
CREATE TABLE signing_keys (
  id              uuid PRIMARY KEY,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  account_id      text NOT NULL,
  device_id       uuid NOT NULL,
  public_key      text NOT NULL CHECK (public_key ~ '^[A-Za-z0-9_-]+$' AND length(public_key) <= 4096),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  FOREIGN KEY (device_id, municipality_id) REFERENCES devices (id, municipality_id)
);
CREATE INDEX signing_keys_municipality_idx ON signing_keys (municipality_id);
-- At most one active key per person and tablet.
CREATE UNIQUE INDEX signing_keys_one_active_idx ON signing_keys (account_id, device_id) WHERE revoked_at IS NULL;
