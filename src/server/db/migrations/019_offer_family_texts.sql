-- 019_offer_family_texts: an offer's texts a family reads on its referral slip
-- in other languages than German, and how to get there. German stays in the
-- offer's own columns and is the fallback (src/shared/offers.ts offerSchema).
-- Organisation data only — nothing about a family.

ALTER TABLE offers ADD COLUMN directions text NOT NULL DEFAULT '' CHECK (length(directions) <= 240);

-- { "<language>": { "hours"?: text, "whatToBring"?: text, "cost"?: text, "directions"?: text } }:
-- languages and lengths are checked by the application (offerTranslationsSchema); the shape here.
ALTER TABLE offers ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb
  CHECK (jsonb_typeof(translations) = 'object' AND octet_length(translations::text) <= 65536);
