-- The data plane's job states (issue 19, DESIGN §2): `staging` (inputs moving to the chosen
-- site, between placed and submitted) and `collecting` (outputs moving back, after the job
-- ended at the site). SQLite cannot change a CHECK constraint in place, so the table is
-- rebuilt (SQLite's 12-step procedure): a new table, the rows copied, the old one dropped, the
-- new one renamed. Foreign keys from job_events, usage_records and job_decisions name `jobs`
-- and hold the same ids after the rename. The line below has the migration runner turn
-- foreign keys off around it and run PRAGMA foreign_key_check before it commits.
-- suanwang: rebuilds tables

CREATE TABLE jobs_new (
  id                  TEXT PRIMARY KEY,
  org_id              TEXT NOT NULL REFERENCES orgs(id),
  spec_json           TEXT NOT NULL,
  state               TEXT NOT NULL CHECK (state IN ('pending', 'placed', 'staging', 'submitted',
                                                     'running', 'collecting', 'succeeded',
                                                     'failed', 'canceled')),
  site_id             TEXT,
  remote_id           TEXT,
  attempt             INTEGER NOT NULL DEFAULT 0,
  blocked_sites_json  TEXT NOT NULL DEFAULT '[]',
  estimated_cost_cny  REAL,
  final_cost_cny      REAL,
  exit_code           INTEGER,
  failure             TEXT NOT NULL DEFAULT '',
  reason              TEXT NOT NULL DEFAULT '',
  cancel_requested    INTEGER NOT NULL DEFAULT 0,
  idempotency_key     TEXT,
  request_hash        TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  started_at          INTEGER,
  finished_at         INTEGER
);
INSERT INTO jobs_new (id, org_id, spec_json, state, site_id, remote_id, attempt,
                      blocked_sites_json, estimated_cost_cny, final_cost_cny, exit_code, failure,
                      reason, cancel_requested, idempotency_key, request_hash, created_at,
                      updated_at, started_at, finished_at)
  SELECT id, org_id, spec_json, state, site_id, remote_id, attempt, blocked_sites_json,
         estimated_cost_cny, final_cost_cny, exit_code, failure, reason, cancel_requested,
         idempotency_key, request_hash, created_at, updated_at, started_at, finished_at
  FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;

CREATE UNIQUE INDEX jobs_idempotency ON jobs(org_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_org ON jobs(org_id, id);
CREATE INDEX jobs_org_state ON jobs(org_id, state, id);
CREATE INDEX jobs_site ON jobs(site_id, id);
-- The dispatcher's page of active jobs (job_repo's list_active_jobs repeats this condition
-- word for word, which is how SQLite knows the index applies).
CREATE INDEX jobs_active ON jobs(state, id)
  WHERE (state = 'pending' OR state = 'placed' OR state = 'staging' OR state = 'submitted' OR
         state = 'running' OR state = 'collecting');
