-- Reasons in the reader's language (issue 22): each job event's reason, and the job's latest,
-- also as coded parts, JSON [{"code": ..., "params": {...}}, ...] rendered from the zh and en
-- catalogs (schema/i18n) when the API answers. The English `reason` stays as written (logs,
-- audit, old clients). Rows written before this migration have NULL: their English stands.
ALTER TABLE jobs ADD COLUMN reason_parts TEXT;
ALTER TABLE job_events ADD COLUMN reason_parts TEXT;
