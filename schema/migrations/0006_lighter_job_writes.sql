-- 0006 (durable submissions issue): less work per write of a job, same rows and same sums.
--
-- A constant list of more than two values after IN (`state IN ('pending', ...)`) makes SQLite
-- build a temporary B-tree of the list each time a statement evaluates it. The partial indexes
-- and the hold triggers on jobs evaluate such lists for the old and the new row on every insert
-- and every state change of a job: the dispatcher's UPDATE built nine temporary B-trees (EXPLAIN:
-- OpenEphemeral), and its trigger up to four more, which cost more than writing the row. Here
-- the same conditions are spelt as comparisons; one remains, the CHECK on state of 0001, which
-- only a rebuild of the table could change.

-- Unused since 0004 keeps held_cny as a column: it served the sum of an org's jobs in flight.
DROP INDEX jobs_org_active;

-- The dispatcher's page of active jobs (job_repo's list_active_jobs repeats this condition
-- word for word, which is how SQLite knows the index applies).
DROP INDEX jobs_active;
CREATE INDEX jobs_active ON jobs(state, id)
  WHERE (state = 'pending' OR state = 'placed' OR state = 'submitted' OR state = 'running');

DROP TRIGGER jobs_hold_insert;
CREATE TRIGGER jobs_hold_insert AFTER INSERT ON jobs
WHEN (NEW.state = 'pending' OR NEW.state = 'placed' OR NEW.state = 'submitted'
      OR NEW.state = 'running')
  AND NEW.estimated_cost_cny IS NOT NULL
BEGIN
  UPDATE orgs SET held_cny = held_cny + NEW.estimated_cost_cny WHERE id = NEW.org_id;
END;

-- Fires only when the hold changes: a job entering or leaving flight, or a job in flight whose
-- estimate changes. A move within flight with the same estimate (placed, submitted, running:
-- most of the dispatcher's writes) added -x + x before, which is at best exactly nothing.
DROP TRIGGER jobs_hold_update;
CREATE TRIGGER jobs_hold_update AFTER UPDATE OF state, estimated_cost_cny ON jobs
WHEN (OLD.state = 'pending' OR OLD.state = 'placed' OR OLD.state = 'submitted'
      OR OLD.state = 'running')
     <> (NEW.state = 'pending' OR NEW.state = 'placed' OR NEW.state = 'submitted'
         OR NEW.state = 'running')
  OR ((NEW.state = 'pending' OR NEW.state = 'placed' OR NEW.state = 'submitted'
       OR NEW.state = 'running')
      AND OLD.estimated_cost_cny IS NOT NEW.estimated_cost_cny)
BEGIN
  UPDATE orgs SET held_cny = held_cny
    - CASE WHEN OLD.state = 'pending' OR OLD.state = 'placed' OR OLD.state = 'submitted'
                OR OLD.state = 'running'
           THEN COALESCE(OLD.estimated_cost_cny, 0) ELSE 0 END
    + CASE WHEN NEW.state = 'pending' OR NEW.state = 'placed' OR NEW.state = 'submitted'
                OR NEW.state = 'running'
           THEN COALESCE(NEW.estimated_cost_cny, 0) ELSE 0 END
  WHERE id = NEW.org_id;
END;

-- jobs_hold_delete runs only when a job row is deleted (never in service): left as it is.
