-- 025_content_at_rest: record content, free text, tablet escrow keys and TOTP secrets are stored
-- sealed with AES-256-GCM under a server key (services/content-seal.ts), so a dump or backup of the
-- database is unreadable without that key. Never edit this file after it has landed.
--
-- Every table with a sealed column gets seal_key_id: the id of the server key that sealed the row's
-- values. NULL means the row was stored before this migration and is still clear; the
-- re-encryption job (jobs/reencrypt.ts, run at start and by `npm run reencrypt`) seals such rows
-- and moves rows sealed under an older key to the active one. A sealed value is
-- "<iv base64url>.<ciphertext and tag base64url>" and opens only in its own row (AAD).

-- records: `content` keeps only the clear facts the database counts and sorts by (content-seal.ts
-- recordFacts: district, category and date fields, consent scopes — no answers, no free text);
-- the whole content is in sealed_content.
ALTER TABLE records ADD COLUMN sealed_content text;
ALTER TABLE records ADD COLUMN seal_key_id text;
ALTER TABLE records ADD CONSTRAINT records_sealed_with_key
  CHECK ((seal_key_id IS NULL) = (sealed_content IS NULL)
     AND (sealed_content IS NULL OR sealed_content ~ '^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$'));
COMMENT ON COLUMN records.content IS
  'Clear: the whole content for rows with seal_key_id NULL (stored before 025, not yet re-encrypted); otherwise only the counting facts (content-seal.ts recordFacts).';

-- referrals: the note the family agreed to share with the partner.
ALTER TABLE referrals ADD COLUMN seal_key_id text;
ALTER TABLE referrals DROP CONSTRAINT referrals_shared_note_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_shared_note_check CHECK (
  shared_note IS NULL
  OR (seal_key_id IS NULL AND length(shared_note) BETWEEN 1 AND 300)
  OR (seal_key_id IS NOT NULL AND shared_note ~ '^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$' AND length(shared_note) <= 4096)
);

-- record_reviews: what the approver asks the author to correct (free text).
ALTER TABLE record_reviews ADD COLUMN seal_key_id text;
ALTER TABLE record_reviews DROP CONSTRAINT record_reviews_comment_check;
ALTER TABLE record_reviews ADD CONSTRAINT record_reviews_comment_check CHECK (
  comment IS NULL
  OR (seal_key_id IS NULL AND length(comment) BETWEEN 1 AND 1000)
  OR (seal_key_id IS NOT NULL AND comment ~ '^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$' AND length(comment) <= 8192)
);

-- devices: the escrow key handed to staff signing in on the tablet.
ALTER TABLE devices ADD COLUMN seal_key_id text;
ALTER TABLE devices DROP CONSTRAINT devices_escrow_key_check;
ALTER TABLE devices ADD CONSTRAINT devices_escrow_key_check CHECK (
  (seal_key_id IS NULL AND escrow_key ~ '^[A-Za-z0-9_-]{43}$')
  OR (seal_key_id IS NOT NULL AND escrow_key ~ '^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$')
);

-- second_factors and second_factor_challenges: TOTP secrets (enrolled, and being set up).
ALTER TABLE second_factors ADD COLUMN seal_key_id text;
ALTER TABLE second_factors DROP CONSTRAINT second_factors_totp_secret_check;
ALTER TABLE second_factors ADD CONSTRAINT second_factors_totp_secret_check CHECK (
  (seal_key_id IS NULL AND totp_secret ~ '^[A-Z2-7]{32}$')
  OR (seal_key_id IS NOT NULL AND totp_secret ~ '^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$')
);
ALTER TABLE second_factor_challenges ADD COLUMN seal_key_id text;
ALTER TABLE second_factor_challenges DROP CONSTRAINT second_factor_challenges_pending_secret_check;
ALTER TABLE second_factor_challenges ADD CONSTRAINT second_factor_challenges_pending_secret_check CHECK (
  pending_secret IS NULL
  OR (seal_key_id IS NULL AND pending_secret ~ '^[A-Z2-7]{32}$')
  OR (seal_key_id IS NOT NULL AND pending_secret ~ '^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$')
);
