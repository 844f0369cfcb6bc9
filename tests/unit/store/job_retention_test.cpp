// Job retention: an org's unfinished jobs counted, and its finished jobs beyond the newest
// `keep` deleted with everything that refers to them, leaving other orgs and unfinished jobs.
#include <catch2/catch.hpp>

#include "gateway/store/job_repo.hpp"
#include "gateway/store/job_retention.hpp"
#include "gateway/store/usage_repo.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using model::JobState;
using suanwang::testing::make_org;
using suanwang::testing::scalar;

// A stored job of `org` in `state`, with two events, a decision and, when it is finished, a
// usage record.
void retained_job(Db& db, const std::string& id, const std::string& org, JobState state) {
  model::JobRecord j;
  j.id = id;
  j.org_id = org;
  j.state = state;
  j.spec.name = "demo";
  j.spec.command = "run";
  j.decision = {{"chosen", {{"site", "site_x"}}}, {"summary", "s"}};
  j.created_at = j.updated_at = from_unix_ms(1'700'000'000'000);
  model::JobEvent created;
  created.type = model::parse_event_type("created").value();
  created.state = JobState::pending;
  created.at = j.created_at;
  model::JobEvent now = created;
  now.state = state;
  REQUIRE(insert_job(db, j, {created, now}));
  if (model::is_terminal(state)) {
    model::UsageRecord u;
    u.job_id = id;
    u.org_id = org;
    u.state = model::job_state_name(state);
    u.finished_at = j.created_at;
    u.prices = Json::object();
    REQUIRE(insert_usage(db, u));
  }
}

int64_t retention_rows_for(Db& db, const std::string& table, const std::string& job) {
  return scalar(db, "SELECT COUNT(*) FROM " + table + " WHERE job_id = '" + job + "'");
}

TEST_CASE("finished jobs beyond the newest kept are deleted with their rows, others stay",
          "[store][retention]") {
  auto db = suanwang::testing::migrated_db();
  REQUIRE(insert_org(*db, make_org("org_load", "demo-load")));
  REQUIRE(insert_org(*db, make_org("org_user", "demo-user")));
  // Ids in time order, as the gateway's are: job_01 is the oldest.
  const std::vector<std::pair<std::string, JobState>> load = {
      {"job_01", JobState::succeeded}, {"job_02", JobState::failed},
      {"job_03", JobState::running},   {"job_04", JobState::canceled},
      {"job_05", JobState::succeeded}, {"job_06", JobState::pending},
      {"job_07", JobState::succeeded}};
  for (const auto& [id, state] : load) retained_job(*db, id, "org_load", state);
  retained_job(*db, "job_00", "org_user", JobState::succeeded);  // another org's, older

  auto unfinished = count_unfinished_jobs_of_org(*db, "org_load");
  REQUIRE(unfinished);
  CHECK(*unfinished == 2);

  // Five finished; keep the newest two (job_07, job_05): job_04, job_02, job_01 go.
  auto deleted = delete_finished_jobs_beyond(*db, "org_load", 2);
  REQUIRE(deleted);
  CHECK(*deleted == 3);
  for (const char* gone : {"job_01", "job_02", "job_04"}) {
    INFO(gone);
    CHECK(scalar(*db, std::string("SELECT COUNT(*) FROM jobs WHERE id = '") + gone + "'") == 0);
    CHECK(retention_rows_for(*db, "job_events", gone) == 0);
    CHECK(retention_rows_for(*db, "job_decisions", gone) == 0);
    CHECK(retention_rows_for(*db, "usage_records", gone) == 0);
  }
  for (const char* kept : {"job_03", "job_05", "job_06", "job_07", "job_00"}) {
    INFO(kept);
    CHECK(scalar(*db, std::string("SELECT COUNT(*) FROM jobs WHERE id = '") + kept + "'") == 1);
    CHECK(retention_rows_for(*db, "job_events", kept) == 2);
  }
  CHECK(retention_rows_for(*db, "usage_records", "job_00") == 1);
  // Unfinished jobs are never deleted, and a second pass has nothing to do.
  unfinished = count_unfinished_jobs_of_org(*db, "org_load");
  REQUIRE(unfinished);
  CHECK(*unfinished == 2);
  deleted = delete_finished_jobs_beyond(*db, "org_load", 2);
  REQUIRE(deleted);
  CHECK(*deleted == 0);
  // keep = 0 deletes every finished one.
  deleted = delete_finished_jobs_beyond(*db, "org_load", 0);
  REQUIRE(deleted);
  CHECK(*deleted == 2);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM jobs WHERE org_id = 'org_load'") == 2);
  auto check = db->prepare("PRAGMA foreign_key_check");
  REQUIRE(check);
  auto violation = check->step();
  REQUIRE(violation);
  CHECK_FALSE(*violation);
}

}  // namespace
