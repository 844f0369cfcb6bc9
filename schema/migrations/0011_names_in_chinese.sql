-- Names in Chinese (issue 22): a region's Chinese name beside its English one ('' = none). A
-- site's Chinese name lives in its spec_json ("name_zh"), like the rest of its registration.
ALTER TABLE regions ADD COLUMN name_zh TEXT NOT NULL DEFAULT '';
