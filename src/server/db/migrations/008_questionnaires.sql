-- 008_questionnaires: screening questionnaires (Fragenkatalog) adapted by a
-- municipality (docs/QUESTIONNAIRE.md). Never edit this file after it has
-- landed; add a new migration instead. Definitions are organisation data only.
--
-- A version is immutable: the same (definition id, version) can be uploaded
-- again only with the same content (hash). At most one definition per
-- municipality is active; tablets pull it, and without one they use the
-- built-in default.
CREATE TABLE questionnaire_definitions (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  definition_id   text NOT NULL CHECK (definition_id ~ '^[a-z][a-zA-Z0-9-]{0,63}$'),
  version         text NOT NULL CHECK (version ~ '^[0-9]{4}\.[0-9]+$'),
  -- SHA-256 of the definition's canonical JSON (src/shared/content-hash.ts): what a screening records.
  definition_hash text NOT NULL CHECK (definition_hash ~ '^[0-9a-f]{64}$'),
  definition      jsonb NOT NULL,
  uploaded_by     text NOT NULL,
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  active          boolean NOT NULL DEFAULT false,
  PRIMARY KEY (municipality_id, definition_id, version),
  FOREIGN KEY (uploaded_by, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE UNIQUE INDEX questionnaire_definitions_one_active_idx ON questionnaire_definitions (municipality_id) WHERE active;
