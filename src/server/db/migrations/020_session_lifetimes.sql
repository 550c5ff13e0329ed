-- 020_session_lifetimes: how long a sign-in may last (services/auth-service.ts). Every refresh
-- token carries when its family (one sign-in) began, copied on each rotation, so a refresh after
-- the municipality's absolute lifetime is refused on any backend instance. The municipality sets
-- the office's inactivity lock and both lifetimes; the defaults are DEFAULT_SESSION_SETTINGS in
-- src/shared/security-defaults.ts (a unit test compares them). Never edit this file after it has landed.
ALTER TABLE refresh_tokens ADD COLUMN family_started_at timestamptz;
-- Families from before this migration count from their current token: they end at most one
-- lifetime from now, never earlier than their users could expect.
UPDATE refresh_tokens SET family_started_at = created_at;
ALTER TABLE refresh_tokens ALTER COLUMN family_started_at SET NOT NULL;

ALTER TABLE municipality_settings
  ADD COLUMN office_lock_minutes integer NOT NULL DEFAULT 15 CHECK (office_lock_minutes BETWEEN 1 AND 60),
  ADD COLUMN office_session_hours integer NOT NULL DEFAULT 12 CHECK (office_session_hours BETWEEN 1 AND 24),
  ADD COLUMN tablet_session_days integer NOT NULL DEFAULT 14 CHECK (tablet_session_days BETWEEN 1 AND 30);
