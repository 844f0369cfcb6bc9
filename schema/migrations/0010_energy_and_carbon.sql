-- Energy and carbon (issue 21): each region's grid figures, and each usage record's estimated
-- energy and emissions (model/energy.hpp: the figures and their sources). Records written
-- before this migration read 0: their energy was never estimated.
ALTER TABLE regions ADD COLUMN carbon_g_per_kwh REAL;
ALTER TABLE regions ADD COLUMN green_share REAL;
ALTER TABLE regions ADD COLUMN pue_target REAL;
ALTER TABLE usage_records ADD COLUMN energy_kwh REAL NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN co2_kg REAL NOT NULL DEFAULT 0;
