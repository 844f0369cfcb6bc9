// SqliteJobStore: JobStore over one SQLite connection (the embedded default backend). It is
// job_repo's functions behind the interface; it borrows the Db, so it is made where a Db is at
// hand (inside Store::run, on the database thread) and lives no longer than that call.
#pragma once

#include "gateway/store/db.hpp"
#include "gateway/store/job_store.hpp"

namespace suanwang::store {

class SqliteJobStore final : public JobStore {
 public:
  explicit SqliteJobStore(Db& db) : db_(db) {}

  Result<void> insert_job(const model::JobRecord& job, const std::vector<model::JobEvent>& events,
                          const JobText& text, const JobMoney& money) override;
  Result<bool> update_job(const model::JobRecord& job, model::JobState expected_state,
                          model::JobEvent event, const JobMoney& money) override;
  Result<void> request_cancel(std::string_view job_id, TimePoint at) override;

  Result<std::optional<JobMoneyBasis>> find_job_money_basis(std::string_view id) override;
  Result<std::optional<model::JobRecord>> find_job(std::string_view id, DecisionPart part) override;
  Result<std::optional<model::JobRecord>> find_job_by_idempotency_key(
      std::string_view org_id, std::string_view key) override;
  Result<std::vector<model::JobRecord>> list_jobs(const JobFilter& filter) override;
  Result<std::vector<model::JobRecord>> list_active_jobs(std::string_view after_id,
                                                         int limit) override;
  Result<std::vector<model::JobEvent>> list_job_events(std::string_view job_id) override;
  Result<std::vector<FinishedRun>> recent_successes(int limit) override;

 private:
  Db& db_;
};

}  // namespace suanwang::store
