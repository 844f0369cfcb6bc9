// JobStore on SQLite (see sqlite_job_store.hpp): each call is job_repo's function on the Db.
#include "gateway/store/sqlite/sqlite_job_store.hpp"

namespace suanwang::store {

Result<void> SqliteJobStore::insert_job(const model::JobRecord& job,
                                        const std::vector<model::JobEvent>& events,
                                        const JobText& text, const JobMoney& money) {
  return store::insert_job(db_, job, events, text, money);
}

Result<bool> SqliteJobStore::update_job(const model::JobRecord& job, model::JobState expected_state,
                                        model::JobEvent event, const JobMoney& money) {
  return store::update_job(db_, job, expected_state, std::move(event), money);
}

Result<void> SqliteJobStore::request_cancel(std::string_view job_id, TimePoint at) {
  return store::request_cancel(db_, job_id, at);
}

Result<std::optional<JobMoneyBasis>> SqliteJobStore::find_job_money_basis(std::string_view id) {
  return store::find_job_money_basis(db_, id);
}

Result<std::optional<model::JobRecord>> SqliteJobStore::find_job(std::string_view id,
                                                                 DecisionPart part) {
  return store::find_job(db_, id, part);
}

Result<std::optional<model::JobRecord>> SqliteJobStore::find_job_by_idempotency_key(
    std::string_view org_id, std::string_view key) {
  return store::find_job_by_idempotency_key(db_, org_id, key);
}

Result<std::vector<model::JobRecord>> SqliteJobStore::list_jobs(const JobFilter& filter) {
  return store::list_jobs(db_, filter);
}

Result<std::vector<model::JobRecord>> SqliteJobStore::list_active_jobs(std::string_view after_id,
                                                                       int limit) {
  return store::list_active_jobs(db_, after_id, limit);
}

Result<std::vector<model::JobEvent>> SqliteJobStore::list_job_events(std::string_view job_id) {
  return store::list_job_events(db_, job_id);
}

Result<std::vector<FinishedRun>> SqliteJobStore::recent_successes(int limit) {
  return store::recent_successes(db_, limit);
}

}  // namespace suanwang::store
