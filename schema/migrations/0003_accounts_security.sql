-- 0003 (accounts, money and security issue): people, sessions, sealed site credentials, usage
-- records and the audit log.

-- Site credentials leave spec_json: they are sealed with AES-256-GCM under the master key
-- (gateway/security/secret_box.hpp). `credentials_key_id` names the master key that sealed them,
-- so a rotation finds what still needs re-sealing. Rows written before this migration still
-- carry plaintext in spec_json until the gateway's first start seals them.
ALTER TABLE sites ADD COLUMN credentials_sealed TEXT;
ALTER TABLE sites ADD COLUMN credentials_key_id TEXT;

-- People. A user belongs to one org; `role` is the user's role in that org (org admins manage
-- members and every key of the org). Passwords are stored only as scrypt hashes.
CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL REFERENCES orgs(id),
  email          TEXT NOT NULL COLLATE NOCASE,
  name           TEXT NOT NULL DEFAULT '',
  role           TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  disabled_at    INTEGER
);
CREATE UNIQUE INDEX users_email ON users(email);
CREATE INDEX users_org ON users(org_id, id);

-- A key may belong to a user of its org (named per-user keys); NULL = an org-level key.
ALTER TABLE api_keys ADD COLUMN user_id TEXT REFERENCES users(id);

-- Portal sessions: only the SHA-256 of the cookie's token is kept.
CREATE TABLE sessions (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id),
  token_hash    TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  revoked_at    INTEGER,
  remote        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id) WHERE revoked_at IS NULL;

-- One row per finished job, written in the transaction that records the job's end: what ran
-- where, for how long, at which prices, and what it cost (equal to jobs.final_cost_cny).
CREATE TABLE usage_records (
  job_id              TEXT PRIMARY KEY REFERENCES jobs(id),
  org_id              TEXT NOT NULL REFERENCES orgs(id),
  site_id             TEXT NOT NULL DEFAULT '',
  site_org_id         TEXT NOT NULL DEFAULT '',
  state               TEXT NOT NULL,
  cpus                REAL NOT NULL,
  memory_gb           REAL NOT NULL,
  accelerator_model   TEXT NOT NULL DEFAULT '',
  accelerator_count   INTEGER NOT NULL DEFAULT 0,
  started_at          INTEGER,
  finished_at         INTEGER NOT NULL,
  seconds             INTEGER NOT NULL,
  billed_seconds      INTEGER NOT NULL,
  prices_json         TEXT NOT NULL,
  cost_cny            REAL NOT NULL
);
CREATE INDEX usage_org ON usage_records(org_id, finished_at);
CREATE INDEX usage_site ON usage_records(site_id, finished_at);

-- Every change: who (org, user, key), what (action on an object), when, and from where.
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             INTEGER NOT NULL,
  actor_org_id   TEXT NOT NULL DEFAULT '',
  actor_user_id  TEXT NOT NULL DEFAULT '',
  actor_key_id   TEXT NOT NULL DEFAULT '',
  remote         TEXT NOT NULL DEFAULT '',
  action         TEXT NOT NULL,
  object_type    TEXT NOT NULL,
  object_id      TEXT NOT NULL DEFAULT '',
  object_org_id  TEXT NOT NULL DEFAULT '',
  detail_json    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_object_org ON audit_log(object_org_id, id);
CREATE INDEX audit_actor_org ON audit_log(actor_org_id, id);
