-- Datasets with real files (issue 19, DESIGN §2, §8): a `files` dataset is open while its files
-- are uploaded and sealed (immutable) once complete; its files' bytes are blobs named by their
-- SHA-256 in <data-dir>/blobs. Uploads (tus 1.0) record the offset committed so far, so an
-- upload resumes after a broken connection or a restart. Orgs may have a storage quota.
ALTER TABLE datasets ADD COLUMN kind TEXT NOT NULL DEFAULT 'declared'
  CHECK (kind IN ('declared', 'files'));
ALTER TABLE datasets ADD COLUMN sealed_at INTEGER;
ALTER TABLE datasets ADD COLUMN job_id TEXT;

CREATE TABLE dataset_files (
  dataset_id  TEXT NOT NULL REFERENCES datasets(id),
  path        TEXT NOT NULL,
  size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, path)
) WITHOUT ROWID;
CREATE INDEX dataset_files_sha256 ON dataset_files(sha256);

CREATE TABLE uploads (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES orgs(id),
  dataset_id  TEXT NOT NULL REFERENCES datasets(id),
  path        TEXT NOT NULL,
  length      INTEGER NOT NULL CHECK (length >= 0),
  "offset"    INTEGER NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= length),
  metadata    TEXT NOT NULL DEFAULT '',
  sha256      TEXT,  -- set with the last byte: the upload is then complete, its file to be recorded
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX uploads_dataset_path ON uploads(dataset_id, path);
CREATE INDEX uploads_org ON uploads(org_id);

ALTER TABLE orgs ADD COLUMN storage_quota_bytes INTEGER;
