-- 015_emergency_presentation: how a municipality's tablets present the acute-danger
-- instruction (src/shared/emergency-instruction.ts). The numbers stay in
-- emergency_contacts (004), in the order shown. NULL texts mean the built-in wording,
-- so a municipality that configures nothing sees no change.
-- Never edit this file after it has landed; add 016_….sql instead.
ALTER TABLE municipality_settings
  ADD COLUMN emergency_title text CHECK (emergency_title IS NULL OR length(emergency_title) BETWEEN 1 AND 120),
  ADD COLUMN emergency_intro text CHECK (emergency_intro IS NULL OR length(emergency_intro) BETWEEN 1 AND 500),
  ADD COLUMN emergency_discreet boolean NOT NULL DEFAULT false,
  ADD COLUMN emergency_discreet_title text
    CHECK (emergency_discreet_title IS NULL OR length(emergency_discreet_title) BETWEEN 1 AND 80);
