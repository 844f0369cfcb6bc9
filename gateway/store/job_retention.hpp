// Job retention: bounding how many jobs one org keeps, for an org whose jobs are made by the
// gateway itself (the demo's background load, gateway/app/demo_load.hpp), so that a demo that
// runs for weeks does not grow the database without limit. SQL only; the caller decides which
// org and how many.
#pragma once

#include <cstdint>
#include <string_view>

#include "gateway/store/db.hpp"

namespace suanwang::store {

// Jobs of the org not yet finished (pending, placed, staging, submitted, running, collecting).
Result<int64_t> count_unfinished_jobs_of_org(Db& db, std::string_view org_id);

// Deletes the org's finished jobs (succeeded, failed, canceled) older than its newest `keep`
// finished ones, with their events, stored decisions and usage records; jobs whose outputs
// became datasets are kept. The org's spending total (orgs.spent_cny) keeps what they cost.
// Returns how many jobs were deleted. One transaction.
Result<int64_t> delete_finished_jobs_beyond(Db& db, std::string_view org_id, int64_t keep);

}  // namespace suanwang::store
