// Job retention (see job_retention.hpp).
#include "gateway/store/job_retention.hpp"

namespace suanwang::store {

Result<int64_t> count_unfinished_jobs_of_org(Db& db, std::string_view org_id) {
  auto st = db.prepare(
      "SELECT COUNT(*) FROM jobs WHERE org_id = ? AND state IN "
      "('pending','placed','staging','submitted','running','collecting')");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  if (auto r = st->step(); !r) return fail(r.error());
  return st->int64(0);
}

Result<int64_t> delete_finished_jobs_beyond(Db& db, std::string_view org_id, int64_t keep) {
  return db.transaction([&]() -> Result<int64_t> {
    // The doomed ids first, in a temporary table: the four deletes below then agree on them.
    if (auto r = db.exec("CREATE TEMP TABLE IF NOT EXISTS retention_doomed (id TEXT PRIMARY KEY);"
                         "DELETE FROM retention_doomed");
        !r) {
      return fail(r.error());
    }
    auto pick = db.prepare(
        "INSERT INTO retention_doomed (id) SELECT id FROM jobs"
        " WHERE org_id = ?1 AND state IN ('succeeded','failed','canceled')"
        " AND NOT EXISTS (SELECT 1 FROM datasets d WHERE d.job_id = jobs.id)"
        " ORDER BY id DESC LIMIT -1 OFFSET ?2");
    if (!pick) return fail(pick.error());
    pick->bind(1, org_id).bind(2, keep);
    if (auto r = pick->run(); !r) return fail(r.error());
    const int64_t doomed = db.changes();
    if (doomed == 0) return int64_t{0};
    for (const char* sql :
         {"DELETE FROM job_events WHERE job_id IN (SELECT id FROM retention_doomed)",
          "DELETE FROM job_decisions WHERE job_id IN (SELECT id FROM retention_doomed)",
          "DELETE FROM usage_records WHERE job_id IN (SELECT id FROM retention_doomed)",
          "DELETE FROM jobs WHERE id IN (SELECT id FROM retention_doomed)"}) {
      auto st = db.prepare(sql);
      if (!st) return fail(st.error());
      if (auto r = st->run(); !r) return fail(r.error());
    }
    if (auto r = db.exec("DELETE FROM retention_doomed"); !r) return fail(r.error());
    return doomed;
  });
}

}  // namespace suanwang::store
