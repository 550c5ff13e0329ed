-- 016_family_contact: where a family can ask questions, printed on its case card
-- ("Fragen? Hier können Sie sich melden: …"): the municipality's office, phone and
-- hours — never anything of a family. NULL: not set up; the card then shows no contact
-- line and the tablet tells staff that the office should set it (walkthrough finding 23).
-- Never edit this file after it has landed; add 017_….sql instead.
ALTER TABLE municipality_settings
  ADD COLUMN family_contact text CHECK (family_contact IS NULL OR length(family_contact) BETWEEN 1 AND 200);
