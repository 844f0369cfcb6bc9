-- Budgets (placement issue): what each org has been charged, kept beside its budget so that a
-- submission checks "budget - spent - held" without summing the org's whole job history.
-- `spent_cny` grows in the same transaction that records a job's end with its final cost;
-- "held" is the estimated cost of the org's jobs still in flight (summed over the partial
-- index below, which only covers active jobs).
ALTER TABLE orgs ADD COLUMN spent_cny REAL NOT NULL DEFAULT 0;

UPDATE orgs SET spent_cny = (
  SELECT COALESCE(SUM(final_cost_cny), 0) FROM jobs
  WHERE jobs.org_id = orgs.id AND final_cost_cny IS NOT NULL
    AND state IN ('succeeded', 'failed', 'canceled'));

CREATE INDEX jobs_org_active ON jobs(org_id, id)
  WHERE state IN ('pending', 'placed', 'submitted', 'running');
