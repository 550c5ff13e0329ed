-- 005_four_eyes: the second check (Vier-Augen-Prinzip, DESIGN.md §4).
-- Never edit this file after it has landed; add 006_….sql instead.
--
-- Which records count (reports, referral slips): only the latest revision of a
-- record, and only once approved where a second check is required:
--   countable = NOT superseded AND (NOT needs_second_check OR approved_at IS NOT NULL)
-- The server maintains the three inputs: `superseded` when a higher revision of
-- the same record arrives, `needs_second_check` from the municipality's rule at
-- push time (src/domain/four-eyes.ts), `approved_at` when an approval verifies.

-- Two accounts of one human being (e.g. a midwife who also works for a partner
-- organisation) are marked with the same person id by the organisation, so
-- neither account can approve the other's records. NULL: the account is its own person.
ALTER TABLE staff_accounts ADD COLUMN person_id text CHECK (person_id ~ '^[a-z0-9][a-z0-9._-]{0,62}$');
CREATE INDEX staff_accounts_person_idx ON staff_accounts (municipality_id, person_id) WHERE person_id IS NOT NULL;

-- Which record kinds need the second check, per municipality. Default: screenings,
-- and any record that creates a referral (src/domain/four-eyes.ts); HOME tallies never.
ALTER TABLE municipality_settings ADD COLUMN four_eyes_kinds text[] NOT NULL DEFAULT ARRAY['screening']::text[];
ALTER TABLE municipality_settings ADD COLUMN four_eyes_for_referrals boolean NOT NULL DEFAULT true;

ALTER TABLE records ADD COLUMN superseded boolean NOT NULL DEFAULT false;
ALTER TABLE records ADD COLUMN needs_second_check boolean NOT NULL DEFAULT false;
ALTER TABLE records ADD COLUMN approved_at timestamptz;
-- The author's signature from the envelope ({reviewId, signerId, keyFingerprint, signature}),
-- verified when the review arrives (the remote approver's tablet verifies it too).
ALTER TABLE records ADD COLUMN author_signature jsonb;
ALTER TABLE records ADD COLUMN countable boolean
  GENERATED ALWAYS AS (NOT superseded AND (NOT needs_second_check OR approved_at IS NOT NULL)) STORED;
CREATE INDEX records_municipality_countable_idx ON records (municipality_id, kind, received_at) WHERE countable;
-- The approval queue of an organisation: latest revisions still waiting.
CREATE INDEX records_waiting_idx ON records (municipality_id, received_at)
  WHERE needs_second_check AND approved_at IS NULL AND NOT superseded;

-- One decision per record revision: an approval or a send-back with a comment.
-- Both people signed (ECDSA P-256, IEEE-P1363) a statement over record id,
-- revision, content hash, signer, key and the decision id (src/shared/four-eyes.ts).
-- The id is chosen by the approver's tablet and can be used only once.
CREATE TABLE record_reviews (
  id                 uuid PRIMARY KEY,
  municipality_id    text NOT NULL REFERENCES municipalities (id),
  record_id          uuid NOT NULL,
  revision           integer NOT NULL,
  content_hash       text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  decision           text NOT NULL CHECK (decision IN ('approved', 'sentBack')),
  -- Only for a send-back: what the author should correct (shown to the author).
  comment            text CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
  author_id          text NOT NULL,
  author_key_id      uuid NOT NULL REFERENCES signing_keys (id),
  author_signature   text NOT NULL CHECK (author_signature ~ '^[A-Za-z0-9_-]{86}$'),
  reviewer_id        text NOT NULL,
  reviewer_key_id    uuid NOT NULL REFERENCES signing_keys (id),
  reviewer_signature text NOT NULL CHECK (reviewer_signature ~ '^[A-Za-z0-9_-]{86}$'),
  -- The reviewer's tablet clock (advisory); received_at is authoritative.
  signed_at          timestamptz NOT NULL,
  received_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((decision = 'sentBack') = (comment IS NOT NULL)),
  -- A withdrawal deletes the record rows and with them their reviews.
  FOREIGN KEY (record_id, revision) REFERENCES records (id, revision) ON DELETE CASCADE,
  FOREIGN KEY (author_id, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  FOREIGN KEY (reviewer_id, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE UNIQUE INDEX record_reviews_one_per_revision_idx ON record_reviews (record_id, revision);
-- Tablets pull the decisions on records they sent (author sees approvals and comments).
CREATE INDEX record_reviews_municipality_received_idx ON record_reviews (municipality_id, received_at);
