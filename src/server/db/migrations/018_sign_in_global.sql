-- 018_sign_in_global: a sign-in limit per municipality (failures across all its accounts and
-- addresses in a window, services/sign-in-limits.ts) and the throttle of partner case-number
-- look-ups (services/partner-lookup-limits.ts). Both are kept in the database so every backend
-- instance sees one count. Never edit this file after it has landed.
-- The subject check of 011 is widened to 'municipality:<id>'; rows hold no password, no token.
ALTER TABLE sign_in_limits DROP CONSTRAINT sign_in_limits_subject_check;
ALTER TABLE sign_in_limits ADD CONSTRAINT sign_in_limits_subject_check
  CHECK (subject ~ '^(account|address|municipality):.{1,200}$');

-- Look-ups that found nothing (a valid case number with no referral to the partner's offers),
-- counted in fixed windows per partner account and per client address. Never a case number.
CREATE TABLE partner_lookup_limits (
  subject           text PRIMARY KEY CHECK (subject ~ '^(account|address):.{1,200}$'),
  misses            integer NOT NULL DEFAULT 0 CHECK (misses >= 0),
  window_started_at timestamptz NOT NULL
);
