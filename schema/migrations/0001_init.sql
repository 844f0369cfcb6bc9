-- 0001: the foundation schema. Times are Unix milliseconds (INTEGER); JSON columns hold the
-- documents of schema/openapi.json. Forward-only: later changes are new files.

CREATE TABLE orgs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('admin', 'operator', 'user')),
  budget_cny  REAL,
  created_at  INTEGER NOT NULL
);

-- API keys are stored only as SHA-256 of the whole key; `prefix` is shown to tell keys apart.
CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL REFERENCES orgs(id),
  name          TEXT NOT NULL,
  prefix        TEXT NOT NULL,
  hash          BLOB NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);
CREATE INDEX api_keys_org ON api_keys(org_id, id);

CREATE TABLE regions (
  id    TEXT PRIMARY KEY,
  name  TEXT NOT NULL,
  hub   TEXT NOT NULL DEFAULT '',
  side  TEXT NOT NULL DEFAULT '',
  lat   REAL NOT NULL DEFAULT 0,
  lon   REAL NOT NULL DEFAULT 0
);

-- One row per unordered pair (a < b, or a = b for a region's own figures).
CREATE TABLE network_links (
  a                  TEXT NOT NULL REFERENCES regions(id),
  b                  TEXT NOT NULL REFERENCES regions(id),
  rtt_ms             REAL NOT NULL,
  bandwidth_gbps     REAL NOT NULL,
  egress_cny_per_gb  REAL NOT NULL,
  PRIMARY KEY (a, b)
);

CREATE TABLE sites (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES orgs(id),
  name         TEXT NOT NULL,
  region       TEXT NOT NULL REFERENCES regions(id),
  spec_json    TEXT NOT NULL,              -- kind, adapter (incl. credentials), pricing, policy
  status       TEXT NOT NULL CHECK (status IN ('online', 'degraded', 'offline', 'draining')),
  drained      INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  deleted_at   INTEGER
);
CREATE UNIQUE INDEX sites_org_name ON sites(org_id, name) WHERE deleted_at IS NULL;

CREATE TABLE datasets (
  id             TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL REFERENCES orgs(id),
  name           TEXT NOT NULL,
  size_bytes     INTEGER NOT NULL,
  replicas_json  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  deleted_at     INTEGER
);
CREATE UNIQUE INDEX datasets_org_name ON datasets(org_id, name) WHERE deleted_at IS NULL;

CREATE TABLE jobs (
  id                  TEXT PRIMARY KEY,
  org_id              TEXT NOT NULL REFERENCES orgs(id),
  spec_json           TEXT NOT NULL,
  state               TEXT NOT NULL CHECK (state IN ('pending', 'placed', 'submitted', 'running',
                                                     'succeeded', 'failed', 'canceled')),
  site_id             TEXT,
  remote_id           TEXT,
  attempt             INTEGER NOT NULL DEFAULT 0,
  blocked_sites_json  TEXT NOT NULL DEFAULT '[]',
  decision_json       TEXT,
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
CREATE UNIQUE INDEX jobs_idempotency ON jobs(org_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_org ON jobs(org_id, id);
CREATE INDEX jobs_org_state ON jobs(org_id, state, id);
CREATE INDEX jobs_site ON jobs(site_id, id);
CREATE INDEX jobs_active ON jobs(state, id)
  WHERE state IN ('pending', 'placed', 'submitted', 'running');

-- The append-only history each job's state is derived from.
CREATE TABLE job_events (
  job_id   TEXT NOT NULL REFERENCES jobs(id),
  seq      INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  type     TEXT NOT NULL,
  state    TEXT NOT NULL,
  site_id  TEXT NOT NULL DEFAULT '',
  attempt  INTEGER NOT NULL DEFAULT 0,
  reason   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
