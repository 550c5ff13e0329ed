-- 010_warm_handovers: the optional warm handover (warme Übergabe). Partner
-- staff keep an ECDH P-256 key: the public key here, the private key only
-- wrapped under a passphrase that never reaches this server. Tablets seal a
-- family's call-back number to those keys; this server stores the sealed boxes
-- apart from every record, cannot open them, and deletes them when a partner
-- has opened them once, after 14 days, or with the case's referrals.
-- Never edit this file after it has landed; add 011_….sql instead.

-- One handover key per partner staff account; a new key replaces the old one.
CREATE TABLE partner_handover_keys (
  staff_id            text PRIMARY KEY,
  municipality_id     text NOT NULL REFERENCES municipalities (id),
  key_id              uuid NOT NULL UNIQUE,
  -- SPKI of the ECDH P-256 public key, base64url.
  public_key          text NOT NULL CHECK (length(public_key) BETWEEN 1 AND 200),
  -- {kdf, iv, ct}: the private key sealed under the passphrase-derived key (opaque here).
  wrapped_private_key jsonb NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (staff_id, municipality_id) REFERENCES staff_accounts (id, municipality_id) ON DELETE CASCADE
);
CREATE INDEX partner_handover_keys_municipality_idx ON partner_handover_keys (municipality_id);

-- The boxes of one referral's call-back request, one per recipient key:
-- [{keyId, epk, iv, ct}]. Deleted when opened, when expired, with the referral.
CREATE TABLE warm_handovers (
  referral_id     uuid PRIMARY KEY REFERENCES referrals (id) ON DELETE CASCADE,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  boxes           jsonb NOT NULL CHECK (jsonb_typeof(boxes) = 'array' AND jsonb_array_length(boxes) BETWEEN 1 AND 20),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL
);
CREATE INDEX warm_handovers_expires_idx ON warm_handovers (expires_at);
