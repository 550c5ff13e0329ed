-- 009_welcome_items: what a municipality's welcome visitors hand over (welcome
-- bag, info book, …), configured per municipality like the HOME sites.
-- Never edit this file after it has landed; add 010_….sql instead.
-- Without rows the built-in list applies (src/shared/records/welcome-visit.ts).
CREATE TABLE welcome_items (
  municipality_id text NOT NULL REFERENCES municipalities (id),
  id              text NOT NULL CHECK (id ~ '^[a-z][a-zA-Z0-9-]{0,62}$'),
  label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  sort_order      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (municipality_id, id)
);
