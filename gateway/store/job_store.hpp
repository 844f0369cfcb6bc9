// JobStore: the jobs repository as an interface that a second backend (PostgreSQL, DESIGN §8)
// can implement beside SQLite (store/sqlite/sqlite_job_store). The contract is job_repo.hpp's,
// word for word: the same operations, the same compare-and-set on the expected state, the same
// JobMoney written in the job's own transaction. Backends hold SQL and no business rules; what
// a write does to an org's money comes from accounting through runtime/job_writes.
//
// A sketch (issue 18 §4): the callers still use job_repo's functions on the SQLite Db that
// Store::run hands them; moving them onto this interface waits for the PostgreSQL backend, and
// needs one more thing it does not have yet, a unit of work spanning repositories (a job's end
// reads the site's prices in the same transaction: runtime/job_writes).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "gateway/model/job.hpp"
#include "gateway/store/job_repo.hpp"

namespace suanwang::store {

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Inserts the job, its first events and `money` atomically; Errc::already_exists for an
  // Idempotency-Key the org already used.
  virtual Result<void> insert_job(const model::JobRecord& job,
                                  const std::vector<model::JobEvent>& events, const JobText& text,
                                  const JobMoney& money) = 0;
  // Writes the job's mutable columns, appends `event` and applies `money` when the stored state
  // is still `expected_state`; false (nothing written) otherwise.
  virtual Result<bool> update_job(const model::JobRecord& job, model::JobState expected_state,
                                  model::JobEvent event, const JobMoney& money) = 0;
  virtual Result<void> request_cancel(std::string_view job_id, TimePoint at) = 0;

  virtual Result<std::optional<JobMoneyBasis>> find_job_money_basis(std::string_view id) = 0;
  virtual Result<std::optional<model::JobRecord>> find_job(std::string_view id,
                                                           DecisionPart part) = 0;
  virtual Result<std::optional<model::JobRecord>> find_job_by_idempotency_key(
      std::string_view org_id, std::string_view key) = 0;
  virtual Result<std::vector<model::JobRecord>> list_jobs(const JobFilter& filter) = 0;
  virtual Result<std::vector<model::JobRecord>> list_active_jobs(std::string_view after_id,
                                                                 int limit) = 0;
  virtual Result<std::vector<model::JobEvent>> list_job_events(std::string_view job_id) = 0;
  virtual Result<std::vector<FinishedRun>> recent_successes(int limit) = 0;
};

}  // namespace suanwang::store
