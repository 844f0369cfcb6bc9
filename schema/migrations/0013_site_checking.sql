-- Site status `checking` (issue 22 item 7): a site registered but not yet heard from. It is
-- `checking` until its first successful capacity report, then online, degraded or offline as
-- before. SQLite cannot change a CHECK constraint in place, so the table is rebuilt (SQLite's
-- 12-step procedure, as 0009 does for jobs). Nothing refers to sites by foreign key; the line
-- below still has the migration runner turn foreign keys off around it and check them after.
-- suanwang: rebuilds tables

CREATE TABLE sites_new (
  id                  TEXT PRIMARY KEY,
  org_id              TEXT NOT NULL REFERENCES orgs(id),
  name                TEXT NOT NULL,
  region              TEXT NOT NULL REFERENCES regions(id),
  spec_json           TEXT NOT NULL,   -- kind, adapter (incl. credentials), pricing, policy
  status              TEXT NOT NULL CHECK (status IN ('checking', 'online', 'degraded',
                                                      'offline', 'draining')),
  drained             INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  deleted_at          INTEGER,
  credentials_sealed  TEXT,
  credentials_key_id  TEXT
);
INSERT INTO sites_new (id, org_id, name, region, spec_json, status, drained, created_at,
                       updated_at, deleted_at, credentials_sealed, credentials_key_id)
  SELECT id, org_id, name, region, spec_json, status, drained, created_at, updated_at,
         deleted_at, credentials_sealed, credentials_key_id
  FROM sites;
DROP TABLE sites;
ALTER TABLE sites_new RENAME TO sites;

CREATE UNIQUE INDEX sites_org_name ON sites(org_id, name) WHERE deleted_at IS NULL;
