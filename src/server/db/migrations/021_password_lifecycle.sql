-- 021_password_lifecycle: passwords that staff change themselves, one-time passwords from an
-- admin's reset (services/password-service.ts), and safeguard settings that wait for a second
-- admin (services/safeguard-changes.ts). Never edit this file after it has landed.

-- A one-time password from a reset: the account may only set a new password with it
-- (must_change_password), and only until password_expires_at. Both are cleared by a change.
ALTER TABLE staff_accounts ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE staff_accounts ADD COLUMN password_expires_at timestamptz;
ALTER TABLE staff_accounts ADD COLUMN password_changed_at timestamptz;

-- A change of the municipality's settings that weakens a safeguard (domain/safeguards.ts): it
-- applies only when another admin confirms it. `proposed` holds only the weakened settings'
-- new values (numbers, booleans, record kinds) — no personal data.
CREATE TABLE safeguard_changes (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  id              text NOT NULL,
  proposed_by     text NOT NULL,
  proposed_at     timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  proposed        jsonb NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'confirmed', 'rejected', 'superseded')),
  decided_by      text,
  decided_at      timestamptz,
  PRIMARY KEY (municipality_id, id),
  FOREIGN KEY (proposed_by, municipality_id) REFERENCES staff_accounts (id, municipality_id),
  FOREIGN KEY (decided_by, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
-- At most one change waits per municipality: a new proposal supersedes the old one.
CREATE UNIQUE INDEX safeguard_changes_one_pending_idx ON safeguard_changes (municipality_id) WHERE state = 'pending';
