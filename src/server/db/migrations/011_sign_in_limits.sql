-- 011_sign_in_limits: sign-in throttling state, kept in the database so every
-- backend instance sees the same counts. Never edit this file after it has landed.
-- One row per subject: 'account:<staff id>' counts consecutive failures (growing
-- delays, then a lock only an admin lifts); 'address:<client address>' counts
-- failures across usernames in a window. Rows hold no password and no token.
CREATE TABLE sign_in_limits (
  subject           text PRIMARY KEY CHECK (subject ~ '^(account|address):.{1,200}$'),
  failures          integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  window_started_at timestamptz NOT NULL,
  last_failure_at   timestamptz NOT NULL,
  locked_at         timestamptz
);
