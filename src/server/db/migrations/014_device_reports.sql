-- 014_device_reports: the tablet fleet view (issue 22, item 4). Never edit this file after it has landed.
-- One row per tablet, overwritten at each contact: when it last proved itself
-- (status check) and last pushed, and its last report. Counts and times only:
-- no content, case number, record id or name (shared/fleet.ts). The row is
-- keyed with the municipality so it is distributed with its tablet (docs/SCALING.md).
CREATE TABLE device_reports (
  municipality_id      text NOT NULL,
  device_id            uuid NOT NULL,
  last_contact_at      timestamptz,
  last_push_at         timestamptz,
  report_received_at   timestamptz,
  app_version          text CHECK (app_version ~ '^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}$'),
  unsent_count         integer CHECK (unsent_count BETWEEN 0 AND 100000),
  unsent_by_kind       jsonb CHECK (unsent_by_kind IS NULL OR jsonb_typeof(unsent_by_kind) = 'object'),
  oldest_unsent_at     timestamptz,
  draft_count          integer CHECK (draft_count BETWEEN 0 AND 100000),
  storage_persisted    boolean,
  storage_usage_bytes  bigint CHECK (storage_usage_bytes >= 0),
  storage_quota_bytes  bigint CHECK (storage_quota_bytes >= 0),
  PRIMARY KEY (municipality_id, device_id),
  FOREIGN KEY (device_id, municipality_id) REFERENCES devices (id, municipality_id),
  -- A report arrives whole or not at all.
  CHECK ((report_received_at IS NULL) = (app_version IS NULL)
     AND (report_received_at IS NULL) = (unsent_count IS NULL)
     AND (report_received_at IS NULL) = (unsent_by_kind IS NULL)
     AND (report_received_at IS NULL) = (draft_count IS NULL)
     AND (report_received_at IS NULL) = (storage_persisted IS NULL))
);
