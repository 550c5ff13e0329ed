-- 024_passkeys: passkeys (WebAuthn) as a second factor of office sign-ins, beside TOTP
-- (services/passkey-service.ts). Never edit this file after it has landed.

-- A registered passkey: only its public key (COSE, base64url) and the authenticator's signature
-- counter are kept; the private key never leaves the authenticator. Per account and municipality.
CREATE TABLE passkey_credentials (
  credential_id   text PRIMARY KEY CHECK (credential_id ~ '^[A-Za-z0-9_-]+$' AND char_length(credential_id) BETWEEN 16 AND 1366),
  account_id      text NOT NULL,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  public_key      text NOT NULL CHECK (public_key ~ '^[A-Za-z0-9_-]+$'),
  sign_count      bigint NOT NULL CHECK (sign_count >= 0),
  transports      text[] NOT NULL DEFAULT '{}',
  label           text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 60),
  created_at      timestamptz NOT NULL,
  last_used_at    timestamptz,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE INDEX passkey_credentials_account_idx ON passkey_credentials (account_id);
CREATE INDEX passkey_credentials_municipality_idx ON passkey_credentials (municipality_id);

-- A WebAuthn challenge handed out and not yet answered: only its SHA-256, for one account and
-- one purpose, taken (deleted) by the first answer whether that answer is right or not, so a
-- challenge is used at most once — on whichever backend instance the answer arrives.
CREATE TABLE passkey_challenges (
  challenge_hash  text PRIMARY KEY CHECK (challenge_hash ~ '^[0-9a-f]{64}$'),
  account_id      text NOT NULL,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  purpose         text NOT NULL CHECK (purpose IN ('register', 'authenticate')),
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  FOREIGN KEY (account_id, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE INDEX passkey_challenges_account_idx ON passkey_challenges (account_id);
