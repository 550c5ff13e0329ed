-- 029_withdrawal_requests: a consent withdrawal made by an organisation other than the one that
-- recorded the case's consent (finding M5) does not erase that organisation's case at once: it is
-- stored as a request until an approver or coordinator of the responsible organisation (or a
-- coordinator of the municipality) confirms it (services/withdrawal-service.ts). The withdrawal
-- record itself is kept meanwhile, so the family's statement is never lost. Each organisation has
-- a contact line the tablet shows the family when another organisation is responsible.
-- Never edit this file after it has landed.

ALTER TABLE organisations ADD COLUMN contact text NOT NULL DEFAULT '' CHECK (char_length(contact) <= 200);

CREATE TABLE withdrawal_requests (
  municipality_id             text NOT NULL REFERENCES municipalities (id),
  -- The stored consentWithdrawal record (content-free: the case number is on the record row).
  withdrawal_record_id        uuid NOT NULL,
  case_number                 text NOT NULL,
  requested_by                text NOT NULL,
  requesting_organisation_id  text NOT NULL,
  responsible_organisation_id text NOT NULL,
  requested_at                timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_id, withdrawal_record_id),
  FOREIGN KEY (requested_by, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  FOREIGN KEY (requesting_organisation_id, municipality_id) REFERENCES organisations (id, municipality_id),
  FOREIGN KEY (responsible_organisation_id, municipality_id) REFERENCES organisations (id, municipality_id)
);
CREATE INDEX withdrawal_requests_responsible_idx
  ON withdrawal_requests (municipality_id, responsible_organisation_id, requested_at);
CREATE INDEX withdrawal_requests_case_idx ON withdrawal_requests (municipality_id, case_number);

-- Row-level security as on every table of a municipality (027): the server's role sees and writes
-- only the requests of the municipality its transaction acts for.
GRANT SELECT, INSERT, DELETE ON withdrawal_requests TO lotse_app;
ALTER TABLE withdrawal_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE withdrawal_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON withdrawal_requests
  USING (municipality_id = current_setting('lotse.municipality', true))
  WITH CHECK (municipality_id = current_setting('lotse.municipality', true));
