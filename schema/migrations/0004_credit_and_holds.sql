-- 0004: prepaid credit, and the org's held money kept as a column instead of summed per call.

-- held_cny: the estimated cost of the org's jobs in flight (pending, placed, submitted,
-- running). 0002 summed it over the active jobs on every submission, which cost a B-tree probe
-- per job in flight, twice per submission. The triggers below keep it in the same transaction
-- as every insert, update or delete of a job, whoever writes it, so it cannot drift from the
-- jobs table (readers clamp the floating-point residue of many additions at zero).
ALTER TABLE orgs ADD COLUMN held_cny REAL NOT NULL DEFAULT 0;

UPDATE orgs SET held_cny = (
  SELECT COALESCE(SUM(estimated_cost_cny), 0) FROM jobs
  WHERE jobs.org_id = orgs.id AND state IN ('pending', 'placed', 'submitted', 'running'));

CREATE TRIGGER jobs_hold_insert AFTER INSERT ON jobs
WHEN NEW.state IN ('pending', 'placed', 'submitted', 'running')
  AND NEW.estimated_cost_cny IS NOT NULL
BEGIN
  UPDATE orgs SET held_cny = held_cny + NEW.estimated_cost_cny WHERE id = NEW.org_id;
END;

CREATE TRIGGER jobs_hold_update AFTER UPDATE OF state, estimated_cost_cny ON jobs
WHEN OLD.state IN ('pending', 'placed', 'submitted', 'running')
  OR NEW.state IN ('pending', 'placed', 'submitted', 'running')
BEGIN
  UPDATE orgs SET held_cny = held_cny
    - CASE WHEN OLD.state IN ('pending', 'placed', 'submitted', 'running')
           THEN COALESCE(OLD.estimated_cost_cny, 0) ELSE 0 END
    + CASE WHEN NEW.state IN ('pending', 'placed', 'submitted', 'running')
           THEN COALESCE(NEW.estimated_cost_cny, 0) ELSE 0 END
  WHERE id = NEW.org_id;
END;

CREATE TRIGGER jobs_hold_delete AFTER DELETE ON jobs
WHEN OLD.state IN ('pending', 'placed', 'submitted', 'running')
BEGIN
  UPDATE orgs SET held_cny = held_cny - COALESCE(OLD.estimated_cost_cny, 0) WHERE id = OLD.org_id;
END;

-- Prepaid credit: credit_cny is the balance of an org that pays in advance; NULL = the org has
-- no prepaid account (it is invoiced, limited only by its budget, if any). A job's final cost
-- is taken from the balance in the transaction that records its end (store::update_job), and
-- a submission must fit in balance - held. Every top-up or correction is a row here, with the
-- balance it left.
ALTER TABLE orgs ADD COLUMN credit_cny REAL;

CREATE TABLE credit_entries (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES orgs(id),
  at           INTEGER NOT NULL,
  amount_cny   REAL NOT NULL,
  balance_cny  REAL NOT NULL,
  note         TEXT NOT NULL DEFAULT '',
  actor        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credit_entries_org ON credit_entries(org_id, at);
