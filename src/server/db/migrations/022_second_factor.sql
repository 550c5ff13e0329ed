-- 022_second_factor: a second factor (TOTP, RFC 6238) for office sign-ins (services/second-factor-service.ts).
-- Never edit this file after it has landed.

-- One confirmed authenticator per account. The secret is never sent again after enrolment;
-- last_step is the last time step a code was accepted for, so a code is used at most once.
CREATE TABLE second_factors (
  account_id      text PRIMARY KEY,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  totp_secret     text NOT NULL CHECK (totp_secret ~ '^[A-Z2-7]{32}$'),
  last_step       bigint NOT NULL CHECK (last_step >= 0),
  enrolled_at     timestamptz NOT NULL,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE INDEX second_factors_municipality_idx ON second_factors (municipality_id);

-- Recovery codes: shown once at enrolment, only their SHA-256 kept, each usable once.
CREATE TABLE second_factor_recovery_codes (
  code_hash       text PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  account_id      text NOT NULL,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  used_at         timestamptz,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE INDEX second_factor_recovery_codes_account_idx ON second_factor_recovery_codes (account_id);

-- A sign-in whose password was right and whose second factor is still to come: the pending
-- token (only its SHA-256) opens nothing but the code check or the enrolment. 'enrol' holds the
-- secret being set up until a code confirms it. A few wrong codes end the challenge.
CREATE TABLE second_factor_challenges (
  token_hash      text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  account_id      text NOT NULL,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  purpose         text NOT NULL CHECK (purpose IN ('verify', 'enrol')),
  pending_secret  text CHECK (pending_secret ~ '^[A-Z2-7]{32}$'),
  wrong_codes     integer NOT NULL DEFAULT 0 CHECK (wrong_codes >= 0),
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  CHECK (purpose = 'enrol' OR pending_secret IS NULL)
);
CREATE INDEX second_factor_challenges_account_idx ON second_factor_challenges (account_id);

-- Which office roles must sign in with a second factor, per municipality. Admin is always
-- required (enforced here and in the service); no row means admin only.
CREATE TABLE second_factor_policies (
  municipality_id text PRIMARY KEY REFERENCES municipalities (id),
  required_roles  text[] NOT NULL
    CHECK (required_roles <@ ARRAY['admin', 'coordinator', 'partner']::text[] AND 'admin' = ANY (required_roles)),
  updated_at      timestamptz NOT NULL
);
