-- 006_referrals: referrals (Vermittlungen) of a case to an offer, their state
-- history, and which partner organisation runs an offer.
-- Never edit this file after it has landed; add 007_….sql instead.
-- A referral names only the case number and the offer — never anything about the family.

-- The partner organisation whose staff (role partner) confirm uptake of this offer.
ALTER TABLE offers ADD COLUMN partner_organisation_id text;
ALTER TABLE offers ADD CONSTRAINT offers_partner_organisation_fk
  FOREIGN KEY (partner_organisation_id, municipality_id) REFERENCES organisations (id, municipality_id);

-- One referral of one case to one offer. The id is the tablet's referral record
-- id plus the offer (a referral record may name several offers).
-- States: suggested → handedOver → contacted → started → completed,
-- or declined / noResponse (src/domain/referral-state.ts).
CREATE TABLE referrals (
  id               uuid PRIMARY KEY,
  municipality_id  text NOT NULL REFERENCES municipalities (id),
  case_number      text NOT NULL,
  offer_id         text NOT NULL,
  -- Copied when the referral is made, so reports keep the type if the offer changes.
  offer_type       text NOT NULL,
  -- The tablet record that created the referral and the approved record it came from.
  record_id        uuid NOT NULL,
  source_record_id uuid,
  -- Residence district (Sozialraum) of the case when referred, for reports; NULL if unknown.
  district         text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  state            text NOT NULL CHECK (state IN ('suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse')),
  state_changed_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (municipality_id, offer_id) REFERENCES offers (municipality_id, id),
  FOREIGN KEY (created_by, municipality_id) REFERENCES staff_accounts (id, municipality_id)
);
CREATE INDEX referrals_municipality_case_idx ON referrals (municipality_id, case_number);
CREATE INDEX referrals_municipality_offer_idx ON referrals (municipality_id, offer_id, state);
CREATE INDEX referrals_municipality_created_idx ON referrals (municipality_id, created_at);

-- Every state change with its date and who made it (coordinator, partner or tablet).
CREATE TABLE referral_state_changes (
  id              bigserial PRIMARY KEY,
  municipality_id text NOT NULL REFERENCES municipalities (id),
  referral_id     uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
  state           text NOT NULL CHECK (state IN ('suggested', 'handedOver', 'contacted', 'started', 'completed', 'declined', 'noResponse')),
  changed_at      timestamptz NOT NULL DEFAULT now(),
  changed_by      text
);
CREATE INDEX referral_state_changes_referral_idx ON referral_state_changes (referral_id, changed_at);
CREATE INDEX referral_state_changes_municipality_idx ON referral_state_changes (municipality_id, changed_at);

-- What the partner may read besides offer and dates: the language the family
-- expects to be addressed in, and only a note the family agreed to share.
ALTER TABLE referrals ADD COLUMN language text NOT NULL DEFAULT 'de' CHECK (language ~ '^[a-z]{2,3}$');
ALTER TABLE referrals ADD COLUMN shared_note text CHECK (shared_note IS NULL OR length(shared_note) BETWEEN 1 AND 300);

-- A partner's look-up: referrals to the offers of its organisation, by case number.
CREATE INDEX offers_partner_organisation_idx ON offers (municipality_id, partner_organisation_id)
  WHERE partner_organisation_id IS NOT NULL;

-- After how many weeks without confirmed uptake a referral appears on the
-- coordinator's follow-up list (src/domain/referral-state.ts isOverdue).
ALTER TABLE municipality_settings ADD COLUMN referral_no_response_weeks integer NOT NULL DEFAULT 6
  CHECK (referral_no_response_weeks BETWEEN 1 AND 52);
