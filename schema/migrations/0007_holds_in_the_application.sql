-- 0007 (issue 18): the held money is kept by the application, not by triggers.
--
-- orgs.held_cny stays what 0004 made it: the estimated cost of the org's jobs in flight. What
-- holds money, and how a job's write moves it, is a business rule; as triggers it was invisible
-- to the application and a second store backend (PostgreSQL) would have had to copy it. From
-- here gateway/accounting/hold decides the change for each insert or state change of a job, and
-- the store adds it to held_cny in the job's own transaction (runtime/job_writes), so the sum
-- stays as exact and as durable as before. The figures already stored are kept as they are: the
-- triggers kept them equal to the sum, and the application continues from there.
DROP TRIGGER IF EXISTS jobs_hold_insert;
DROP TRIGGER IF EXISTS jobs_hold_update;
DROP TRIGGER IF EXISTS jobs_hold_delete;
