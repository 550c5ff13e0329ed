-- 013_partner_confirmation: confirmation without an account and reasons of
-- referral states (docs/REFERRALS.md). Never edit this file after it has landed.

-- The offer's partner key: the coordinator issues (and rotates) it; the key is
-- shown once and only its SHA-256 is kept. The key id (its first group) is
-- public: it names the key, so a wrong secret can be audited against the offer.
ALTER TABLE offers ADD COLUMN partner_key_id text CHECK (partner_key_id ~ '^[0-9A-HJKMNP-TV-Z]{4}$');
ALTER TABLE offers ADD COLUMN partner_key_hash text CHECK (partner_key_hash ~ '^[0-9a-f]{64}$');
ALTER TABLE offers ADD COLUMN partner_key_issued_at timestamptz;
CREATE UNIQUE INDEX offers_partner_key_id_idx ON offers (partner_key_id) WHERE partner_key_id IS NOT NULL;

-- The slip code printed for this referral, drawn on the tablet: only
-- SHA-256 over municipality, offer and code is kept. It works once, and never
-- after the referral reached a final state.
ALTER TABLE referrals ADD COLUMN slip_code_hash text CHECK (slip_code_hash ~ '^[0-9a-f]{64}$');
ALTER TABLE referrals ADD COLUMN slip_code_used_at timestamptz;
CREATE INDEX referrals_slip_code_idx ON referrals (municipality_id, offer_id, slip_code_hash) WHERE slip_code_hash IS NOT NULL;

-- Why a referral ended or stalled (src/domain/referral-state.ts REASONS_BY_STATE).
ALTER TABLE referrals ADD COLUMN state_reason text CHECK (state_reason IN
  ('gotHelp', 'appointmentMade', 'couldNotContact', 'notEligible', 'noCapacity', 'noLongerInterested', 'referredElsewhere', 'other'));
ALTER TABLE referral_state_changes ADD COLUMN reason text CHECK (reason IN
  ('gotHelp', 'appointmentMade', 'couldNotContact', 'notEligible', 'noCapacity', 'noLongerInterested', 'referredElsewhere', 'other'));

-- Throttling of the public confirmation page, shared by every backend
-- instance: failures per client address and per offer key in a window, and
-- across everything. No code, no key, no case number is ever stored here.
CREATE TABLE confirmation_limits (
  subject           text PRIMARY KEY CHECK (subject ~ '^(address|key):.{1,200}$' OR subject = 'global'),
  failures          integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  window_started_at timestamptz NOT NULL
);
