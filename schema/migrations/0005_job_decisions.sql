-- 0005 (durable submissions issue): placement decisions leave the jobs row.
--
-- A decision (the chosen site with every ranked and rejected candidate) is ~6 KB, so a jobs row
-- holding it spilled into overflow pages, and SQLite rewrites a whole row, overflow chain
-- included, on every UPDATE: each of the dispatcher's transitions (placed, submitted, running,
-- finished) rewrote the decision although only the state and times changed. Here a decision
-- is written once when the job is inserted and again only when a re-placement brings a new one.
-- One row per job that has a decision (jobs refused before placement have none).
CREATE TABLE job_decisions (
  job_id         TEXT PRIMARY KEY REFERENCES jobs(id),
  decision_json  TEXT NOT NULL
);

INSERT INTO job_decisions (job_id, decision_json)
  SELECT id, decision_json FROM jobs WHERE decision_json IS NOT NULL;

-- No index, trigger or view refers to the column (0001-0004), so it can simply go.
ALTER TABLE jobs DROP COLUMN decision_json;
