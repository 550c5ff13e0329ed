-- 004_offers: districts (Sozialräume), child-protection emergency contacts and
-- the local network's offers (Angebote). Never edit this file after it has
-- landed; add 005_….sql instead. Organisation data only — nothing about a family.

-- Districts for small-area reporting and offer matching (like home_sites).
CREATE TABLE districts (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  id              text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 160),
  sort_order      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_id, id)
);

-- Whom to phone at once when answers signal acute danger (§ 8a SGB VIII).
CREATE TABLE emergency_contacts (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 160),
  phone           text NOT NULL CHECK (length(phone) BETWEEN 1 AND 60),
  sort_order      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_id, label)
);

-- One offer of the network (src/shared/offers.ts offerSchema). The enumerations
-- (type, fields, age phases, languages) are checked by the application, so a new
-- value needs no migration; the shapes are checked here.
CREATE TABLE offers (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  id              text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 160),
  organisation    text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 160),
  type            text NOT NULL,
  age_phases      text[] NOT NULL CHECK (cardinality(age_phases) >= 1),
  fields          text[] NOT NULL CHECK (cardinality(fields) >= 1),
  -- District ids served; empty = the whole municipality.
  districts       text[] NOT NULL DEFAULT '{}',
  languages       text[] NOT NULL CHECK (cardinality(languages) >= 1),
  cost            text NOT NULL DEFAULT '' CHECK (length(cost) <= 160),
  address         text NOT NULL DEFAULT '' CHECK (length(address) <= 240),
  phone           text NOT NULL DEFAULT '' CHECK (length(phone) <= 60),
  hours           text NOT NULL DEFAULT '' CHECK (length(hours) <= 240),
  what_to_bring   text NOT NULL DEFAULT '' CHECK (length(what_to_bring) <= 240),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (municipality_id, id)
);
