-- 023_organisation_workflows: which workflows an organisation's staff are offered on the
-- tablet's home, in order (shared/organisation-workflows.ts). NULL: the admin has not chosen,
-- the default of the organisation's kind applies (all workflows, domain/organisation-workflows.ts).
-- Never edit this file after it has landed.
ALTER TABLE organisations ADD COLUMN workflows text[]
  CHECK (
    workflows IS NULL
    OR (
      cardinality(workflows) BETWEEN 1 AND 5
      AND workflows <@ ARRAY['consent', 'homeContact', 'screening', 'welcomeVisit', 'mediation']::text[]
    )
  );
