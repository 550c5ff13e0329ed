-- 017_offer_capacity: free places of an offer, set by its partner (docs/REFERRALS.md,
-- "Capacity"): a number of places, "waiting list" or "full", and when it was set
-- (server time). Kept on the offer row, so it is tenant-isolated like the offer and
-- goes when the offer goes. Who set it: a partner account (set_by) or, empty, the
-- offer's partner key on the public page. Never edit this file after it has landed.
ALTER TABLE offers
  ADD COLUMN capacity_status text CHECK (capacity_status IN ('places', 'waitingList', 'full')),
  ADD COLUMN capacity_places integer CHECK (capacity_places BETWEEN 0 AND 999),
  ADD COLUMN capacity_set_at timestamptz,
  ADD COLUMN capacity_set_by text,
  -- A number only with 'places'; a status always with its time.
  ADD CONSTRAINT offers_capacity_number_only_with_places CHECK ((coalesce(capacity_status, '') = 'places') = (capacity_places IS NOT NULL)),
  ADD CONSTRAINT offers_capacity_always_dated CHECK ((capacity_status IS NULL) = (capacity_set_at IS NULL));
