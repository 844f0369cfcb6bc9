// Job writes with their money: every insert or state change of a job in service goes through
// here, so that the org's held money, its charge and the job's usage record are decided by
// accounting (gateway/accounting) and written by the store in the job's own transaction. Before
// migration 0007 SQL triggers kept the held money and the store charged the org itself; now
// neither the store nor the schema holds a money rule, and a second store backend has none to
// copy. The dispatcher and the job service call these on the database thread (Store::run).
#pragma once

#include <string_view>
#include <vector>

#include "gateway/model/job.hpp"
#include "gateway/model/org.hpp"
#include "gateway/store/db.hpp"
#include "gateway/store/job_repo.hpp"

namespace suanwang::runtime {

// store::insert_job with the hold the new job takes (its estimate, when it is in flight).
Result<void> write_new_job(store::Db& db, const model::JobRecord& job,
                           const std::vector<model::JobEvent>& events, const store::JobText& text);
Result<void> write_new_job(store::Db& db, const model::JobRecord& job,
                           const std::vector<model::JobEvent>& events);

// store::update_job with what the move does to the org's money: the hold follows the job's
// state and estimate (read as stored, in the same transaction, so a stale copy in memory cannot
// make it drift), and a job that ends charges its final cost and leaves its usage record, billed
// at its site's stored prices. false, with nothing written, when the stored state is not
// `expected_state`.
Result<bool> write_job_change(store::Db& db, const model::JobRecord& job,
                              model::JobState expected_state, model::JobEvent event);

// An org's money without the hold of one of its jobs (the one being placed again, whose new
// estimate replaces it); none when there is no such org.
Result<std::optional<model::OrgMoney>> org_money_except(store::Db& db, std::string_view org_id,
                                                        std::string_view job_id);

}  // namespace suanwang::runtime
