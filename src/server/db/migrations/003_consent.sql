-- 003_consent: consent, refusal and withdrawal records (DESIGN.md §3).
-- Never edit this file after it has landed; add 004_….sql instead.
-- Consent records live in `records` like every other kind. A withdrawal deletes
-- every row of the case and leaves a content-free tombstone here.

-- Receipt order of the rows: the case's latest consent is the one received last
-- (several rows of one batch share received_at). Existing rows are numbered too.
ALTER TABLE records ADD COLUMN received_seq bigint GENERATED ALWAYS AS IDENTITY;

-- Consent look-ups and withdrawal deletes go by case number.
CREATE INDEX records_municipality_case_idx ON records (municipality_id, case_number, kind)
  WHERE case_number IS NOT NULL;

-- A withdrawn case: only its number, when the server learned of it and which
-- withdrawal record caused it. Nothing else about the case, ever.
CREATE TABLE case_tombstones (
  municipality_id      text NOT NULL REFERENCES municipalities (id),
  case_number          text NOT NULL,
  withdrawn_at         timestamptz NOT NULL DEFAULT now(),
  withdrawal_record_id uuid NOT NULL,
  PRIMARY KEY (municipality_id, case_number)
);
CREATE INDEX case_tombstones_municipality_withdrawn_idx ON case_tombstones (municipality_id, withdrawn_at);
