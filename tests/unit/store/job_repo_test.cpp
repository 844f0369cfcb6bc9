// Job rows and their events: insert and read back, compare-and-set updates on the expected
// state, cancellation requests, idempotency keys, and the list queries.
#include <catch2/catch.hpp>

#include "gateway/store/job_repo.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using model::JobState;
using suanwang::testing::make_org;
using suanwang::testing::scalar;

struct Fixture {
  std::unique_ptr<Db> db = suanwang::testing::migrated_db();
  Fixture() {
    REQUIRE(insert_org(*db, make_org("org_a", "a")));
    REQUIRE(insert_org(*db, make_org("org_b", "b")));
  }
};

model::JobRecord make_job(std::string id, std::string org = "org_a", std::string key = "") {
  model::JobRecord j;
  j.id = std::move(id);
  j.org_id = std::move(org);
  j.spec.name = "train";
  j.spec.command = "python train.py";
  j.spec.env = {{"SEED", "7"}};
  j.spec.resources.cpus = 8;
  j.spec.expected_runtime_s = 600;
  j.idempotency_key = std::move(key);
  j.created_at = from_unix_ms(1'700'000'000'000);
  j.updated_at = j.created_at;
  return j;
}

model::JobEvent event(std::string type, JobState state, int64_t at_ms = 1'700'000'000'000) {
  model::JobEvent e;
  e.type = model::parse_event_type(type).value();
  e.state = state;
  e.at = from_unix_ms(at_ms);
  return e;
}

std::vector<std::string> ids(const std::vector<model::JobRecord>& jobs) {
  std::vector<std::string> out;
  for (const auto& j : jobs) out.push_back(j.id);
  return out;
}

TEST_CASE_METHOD(Fixture, "a job reads back as it was written", "[store][jobs]") {
  auto j = make_job("job_1", "org_a", "key-1");
  j.state = JobState::placed;
  j.site_id = "site_x";
  j.attempt = 1;
  j.blocked_sites = {"site_y", "site_z"};
  j.decision = {{"chosen", {{"site", "site_x"}}}, {"summary", "s"}};
  j.estimated_cost_cny = 12.5;
  j.reason = "placed on site_x";
  j.request_hash = "abc123";
  REQUIRE(
      insert_job(*db, j, {event("created", JobState::pending), event("placed", JobState::placed)}));

  auto got = find_job(*db, "job_1");
  REQUIRE(got);
  REQUIRE(*got);
  const auto& r = **got;
  CHECK(r.id == "job_1");
  CHECK(r.org_id == "org_a");
  CHECK(r.spec.name == "train");
  CHECK(r.spec.command == "python train.py");
  CHECK(r.spec.env == j.spec.env);
  CHECK(r.spec.resources.cpus == 8);
  CHECK(r.spec.expected_runtime_s == 600);
  CHECK(r.state == JobState::placed);
  CHECK(r.site_id == "site_x");
  CHECK(r.remote_id.empty());
  CHECK(r.attempt == 1);
  CHECK(r.blocked_sites == j.blocked_sites);
  CHECK(r.decision == j.decision);
  CHECK(r.estimated_cost_cny == 12.5);
  CHECK_FALSE(r.final_cost_cny);
  CHECK_FALSE(r.exit_code);
  CHECK(r.failure == model::FailureKind::none);
  CHECK(r.reason == "placed on site_x");
  CHECK_FALSE(r.cancel_requested);
  CHECK(r.idempotency_key == "key-1");
  CHECK(r.request_hash == "abc123");
  CHECK(r.created_at == j.created_at);
  CHECK_FALSE(r.started_at);
  CHECK_FALSE(r.finished_at);

  auto events = list_job_events(*db, "job_1");
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  CHECK((*events)[0].seq == 1);
  CHECK((*events)[0].type == model::EventType::created);
  CHECK((*events)[0].state == JobState::pending);
  CHECK((*events)[1].seq == 2);
  CHECK((*events)[1].type == model::EventType::placed);

  auto missing = find_job(*db, "job_nope");
  REQUIRE(missing);
  CHECK_FALSE(*missing);
}

TEST_CASE_METHOD(Fixture, "update_job applies when the stored state is the expected one",
                 "[store][jobs]") {
  auto j = make_job("job_1");
  REQUIRE(insert_job(*db, j, {event("created", JobState::pending)}));

  j.state = JobState::placed;
  j.site_id = "site_x";
  j.attempt = 1;
  j.estimated_cost_cny = 3.25;
  j.decision = {{"chosen", {{"site", "site_x"}}},
                {"summary", "cheapest"},
                {"ranked", Json::array({{{"site", "site_x"}}, {{"site", "site_y"}}})}};
  j.updated_at = from_unix_ms(1'700'000'001'000);
  auto placed =
      event("placed", JobState::pending /* overwritten with the new state */, 1'700'000'001'000);
  placed.site_id = "site_x";
  placed.attempt = 1;
  placed.reason = "cheapest";
  auto r = update_job(*db, j, JobState::pending, placed);
  REQUIRE(r);
  CHECK(*r);

  // Finish it, with every optional column set.
  j.state = JobState::succeeded;
  j.remote_id = "4711";
  j.final_cost_cny = 3.0;
  j.exit_code = 0;
  j.started_at = from_unix_ms(1'700'000'002'000);
  j.finished_at = from_unix_ms(1'700'000'062'000);
  j.reason = "exit 0";
  const Json decision = j.decision;
  j.decision = nullptr;  // a record without its decision (the dispatcher's) keeps the stored one
  REQUIRE(*update_job(*db, j, JobState::placed, event("succeeded", JobState::succeeded)));

  auto got = find_job(*db, "job_1");
  REQUIRE(got);
  REQUIRE(*got);
  CHECK((*got)->state == JobState::succeeded);
  CHECK((*got)->site_id == "site_x");
  CHECK((*got)->remote_id == "4711");
  CHECK((*got)->final_cost_cny == 3.0);
  CHECK((*got)->exit_code == 0);
  CHECK((*got)->started_at == j.started_at);
  CHECK((*got)->finished_at == j.finished_at);
  CHECK((*got)->updated_at == from_unix_ms(1'700'000'001'000));
  CHECK((*got)->decision == decision);
  CHECK_FALSE(decision.is_null());
  // Only the part a job's document shows.
  auto summary = find_job(*db, "job_1", DecisionPart::summary);
  REQUIRE(summary);
  REQUIRE(*summary);
  CHECK((*summary)->decision == Json{{"chosen", decision["chosen"]}, {"summary", "cheapest"}});

  auto events = list_job_events(*db, "job_1");
  REQUIRE(events);
  REQUIRE(events->size() == 3);
  CHECK((*events)[1].seq == 2);
  CHECK((*events)[1].state == JobState::placed);  // the event records the state moved to
  CHECK((*events)[1].site_id == "site_x");
  CHECK((*events)[1].attempt == 1);
  CHECK((*events)[1].reason == "cheapest");
  CHECK((*events)[1].at == from_unix_ms(1'700'000'001'000));
  CHECK((*events)[2].seq == 3);
  CHECK((*events)[2].state == JobState::succeeded);
}

TEST_CASE_METHOD(Fixture, "a stale expected state updates nothing and appends no event",
                 "[store][jobs]") {
  auto j = make_job("job_1");
  REQUIRE(insert_job(*db, j, {event("created", JobState::pending)}));

  // Two actors read the job as pending; both try to move it.
  auto first = j;
  first.state = JobState::placed;
  first.site_id = "site_x";
  auto second = j;
  second.state = JobState::canceled;
  second.reason = "canceled";

  auto a = update_job(*db, first, JobState::pending, event("placed", JobState::placed));
  REQUIRE(a);
  CHECK(*a);
  auto b = update_job(*db, second, JobState::pending, event("canceled", JobState::canceled));
  REQUIRE(b);
  CHECK_FALSE(*b);  // not an error: the caller re-reads and decides again

  auto got = find_job(*db, "job_1");
  REQUIRE(*got);
  CHECK((*got)->state == JobState::placed);
  CHECK((*got)->site_id == "site_x");
  CHECK((*got)->reason.empty());
  CHECK(list_job_events(*db, "job_1")->size() == 2);

  // An unknown job is "not applied" too.
  auto ghost = make_job("job_ghost");
  auto c = update_job(*db, ghost, JobState::pending, event("placed", JobState::placed));
  REQUIRE(c);
  CHECK_FALSE(*c);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM job_events WHERE job_id = 'job_ghost'") == 0);
}

TEST_CASE_METHOD(Fixture, "an Idempotency-Key is unique per org", "[store][jobs]") {
  REQUIRE(insert_job(*db, make_job("job_1", "org_a", "k1"), {event("created", JobState::pending)}));

  auto dup =
      insert_job(*db, make_job("job_2", "org_a", "k1"), {event("created", JobState::pending)});
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == Errc::already_exists);
  CHECK(dup.error().field == "Idempotency-Key");
  // Nothing of the refused job remains: not the row, not its events.
  CHECK_FALSE(*find_job(*db, "job_2"));
  CHECK(list_job_events(*db, "job_2")->empty());

  // Another org may use the same key; jobs without a key never collide.
  REQUIRE(insert_job(*db, make_job("job_3", "org_b", "k1"), {}));
  REQUIRE(insert_job(*db, make_job("job_4", "org_a"), {}));
  REQUIRE(insert_job(*db, make_job("job_5", "org_a"), {}));

  auto a = find_job_by_idempotency_key(*db, "org_a", "k1");
  REQUIRE(a);
  REQUIRE(*a);
  CHECK((*a)->id == "job_1");
  auto b = find_job_by_idempotency_key(*db, "org_b", "k1");
  REQUIRE(*b);
  CHECK((*b)->id == "job_3");
  CHECK_FALSE(*find_job_by_idempotency_key(*db, "org_a", "k2"));
  CHECK_FALSE(*find_job_by_idempotency_key(*db, "org_c", "k1"));
  // A job without a key is not found by the empty key.
  CHECK_FALSE(*find_job_by_idempotency_key(*db, "org_a", ""));
}

TEST_CASE_METHOD(Fixture, "other constraint failures are not blamed on the Idempotency-Key",
                 "[store][jobs]") {
  REQUIRE(insert_job(*db, make_job("job_1", "org_a", "k1"), {}));
  // Same id, a fresh key: the primary key fails, not the idempotency index.
  auto same_id = insert_job(*db, make_job("job_1", "org_a", "k2"), {});
  REQUIRE_FALSE(same_id);
  CHECK(same_id.error().field != "Idempotency-Key");
  // An org that does not exist: the foreign key fails.
  auto no_org = insert_job(*db, make_job("job_2", "org_missing", "k3"), {});
  REQUIRE_FALSE(no_org);
  CHECK(no_org.error().field != "Idempotency-Key");
}

TEST_CASE_METHOD(Fixture, "request_cancel flags the job once and records it", "[store][jobs]") {
  auto j = make_job("job_1");
  j.state = JobState::running;
  j.site_id = "site_x";
  j.attempt = 2;
  REQUIRE(insert_job(*db, j, {event("created", JobState::pending)}));

  REQUIRE(request_cancel(*db, "job_1", from_unix_ms(1'700'000'005'000)));
  auto got = find_job(*db, "job_1");
  REQUIRE(*got);
  CHECK((*got)->cancel_requested);
  CHECK((*got)->state == JobState::running);  // the dispatcher does the canceling
  CHECK((*got)->updated_at == from_unix_ms(1'700'000'005'000));
  auto events = list_job_events(*db, "job_1");
  REQUIRE(events->size() == 2);
  CHECK((*events)[1].type == model::EventType::cancel_requested);
  CHECK((*events)[1].state == JobState::running);
  CHECK((*events)[1].site_id == "site_x");
  CHECK((*events)[1].attempt == 2);

  // Asking again changes nothing.
  REQUIRE(request_cancel(*db, "job_1", from_unix_ms(1'700'000'009'000)));
  CHECK(list_job_events(*db, "job_1")->size() == 2);
  CHECK((*find_job(*db, "job_1"))->updated_at == from_unix_ms(1'700'000'005'000));
  // Unknown jobs are a no-op.
  REQUIRE(request_cancel(*db, "job_nope", from_unix_ms(0)));
}

TEST_CASE_METHOD(Fixture, "list_jobs filters, orders newest first and pages by id",
                 "[store][jobs]") {
  // Ids sort by creation, as generated ids do.
  for (int i = 1; i <= 5; ++i) {
    auto j = make_job("job_0" + std::to_string(i), i % 2 ? "org_a" : "org_b");
    if (i == 3) j.state = JobState::succeeded;
    if (i >= 4) j.site_id = "site_x";
    j.decision = {{"summary", "placed"}};
    REQUIRE(insert_job(*db, j, {}));
  }
  JobFilter all;
  CHECK(ids(*list_jobs(*db, all)) ==
        std::vector<std::string>{"job_05", "job_04", "job_03", "job_02", "job_01"});

  JobFilter org_a;
  org_a.org_id = "org_a";
  CHECK(ids(*list_jobs(*db, org_a)) == std::vector<std::string>{"job_05", "job_03", "job_01"});

  JobFilter page = org_a;
  page.limit = 2;
  CHECK(ids(*list_jobs(*db, page)) == std::vector<std::string>{"job_05", "job_03"});
  page.before_id = "job_03";
  CHECK(ids(*list_jobs(*db, page)) == std::vector<std::string>{"job_01"});

  JobFilter done = org_a;
  done.state = JobState::succeeded;
  CHECK(ids(*list_jobs(*db, done)) == std::vector<std::string>{"job_03"});

  JobFilter on_site;
  on_site.site_ids = std::vector<std::string>{"site_x", "site_y"};
  CHECK(ids(*list_jobs(*db, on_site)) == std::vector<std::string>{"job_05", "job_04"});
  on_site.site_ids = std::vector<std::string>{};
  CHECK(list_jobs(*db, on_site)->empty());  // an operator with no sites sees nothing

  // Active jobs: not final, oldest first, in pages after an id, without decisions.
  CHECK(ids(*list_active_jobs(*db, "", 10)) ==
        std::vector<std::string>{"job_01", "job_02", "job_04", "job_05"});
  CHECK(ids(*list_active_jobs(*db, "", 1)) == std::vector<std::string>{"job_01"});
  CHECK(ids(*list_active_jobs(*db, "job_01", 2)) == std::vector<std::string>{"job_02", "job_04"});
  CHECK(ids(*list_active_jobs(*db, "job_05", 10)).empty());
  const auto active = list_active_jobs(*db, "", 10);
  REQUIRE(active);
  for (const auto& j : *active) CHECK(j.decision.is_null());
  CHECK((*find_job(*db, "job_01"))->decision == Json{{"summary", "placed"}});  // it is stored
}

TEST_CASE_METHOD(Fixture, "the dispatcher's page of active jobs reads the jobs_active index",
                 "[store][jobs]") {
  // The index's condition (migration 0006) and the query's must stay word for word the same:
  // SQLite applies a partial index only when the query's WHERE implies its condition.
  REQUIRE(list_active_jobs(*db, "", 10));
  std::string sql;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db->handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db->handle(), s)) {
    const std::string text = sqlite3_sql(s);
    if (text.find("ORDER BY id LIMIT") != std::string::npos &&
        text.find("FROM jobs WHERE (state") != std::string::npos) {
      sql = text;
    }
  }
  REQUIRE_FALSE(sql.empty());
  auto plan = db->prepare("EXPLAIN QUERY PLAN " + sql);
  REQUIRE(plan);
  std::string details;
  for (;;) {
    auto row = plan->step();
    REQUIRE(row);
    if (!*row) break;
    details += plan->text(3) + "\n";
  }
  INFO(details);
  CHECK(details.find("INDEX jobs_active") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a job row whose spec no longer parses is reported, not skipped",
                 "[store][jobs]") {
  REQUIRE(insert_job(*db, make_job("job_1"), {}));
  REQUIRE(db->exec("UPDATE jobs SET spec_json = '{\"command\": 7}' WHERE id = 'job_1'"));
  auto got = find_job(*db, "job_1");
  REQUIRE_FALSE(got);
  CHECK(got.error().code == Errc::internal);
}

TEST_CASE_METHOD(Fixture, "recent_successes returns the latest succeeded runs, oldest first",
                 "[store][jobs]") {
  auto add = [&](std::string id, std::string org, JobState state, std::optional<int64_t> ran_s) {
    auto j = make_job(std::move(id), std::move(org));
    j.state = state;
    j.spec.resources.walltime_s = 3600;
    if (ran_s) {
      j.started_at = from_unix_ms(1'700'000'100'000);
      j.finished_at = *j.started_at + std::chrono::seconds(*ran_s);
    }
    REQUIRE(insert_job(*db, j, {}));
  };
  add("job_1", "org_a", JobState::succeeded, 100);
  add("job_2", "org_a", JobState::failed, 70);
  add("job_3", "org_a", JobState::succeeded, std::nullopt);  // no start recorded
  add("job_4", "org_b", JobState::succeeded, 200);
  add("job_5", "org_a", JobState::running, std::nullopt);
  add("job_6", "org_a", JobState::succeeded, 50);

  auto all = recent_successes(*db, 10);
  REQUIRE(all);
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].org_id == "org_a");
  CHECK((*all)[0].runtime_s == 100);
  CHECK((*all)[1].org_id == "org_b");
  CHECK((*all)[1].runtime_s == 200);
  CHECK((*all)[2].runtime_s == 50);
  CHECK((*all)[2].spec.resources.walltime_s == 3600);

  auto last_two = recent_successes(*db, 2);
  REQUIRE(last_two);
  REQUIRE(last_two->size() == 2);
  CHECK((*last_two)[0].runtime_s == 200);
  CHECK((*last_two)[1].runtime_s == 50);
}

}  // namespace

TEST_CASE_METHOD(Fixture, "a reason's coded parts read back with it; rows without them read none",
                 "[store][jobs][i18n]") {
  const std::vector<i18n::Message> refused = {
      {"reason.refused", {{"site", "site_x"}, {"site_zh", "站点X"}}},
      {"reason.text", {{"text", "bad partition"}}}};
  auto j = make_job("job_1");
  j.reason = "site site_x refused the job: bad partition";
  j.reason_parts = refused;
  auto created = event("created", JobState::pending);
  created.reason = "submitted through the API";
  created.reason_parts = {{"event.created", {}}};
  REQUIRE(insert_job(*db, j, {created}, JobMoney{}));

  auto read = find_job(*db, "job_1");
  REQUIRE(read);
  REQUIRE(*read);
  CHECK((*read)->reason == j.reason);
  REQUIRE((*read)->reason_parts.size() == 2);
  CHECK((*read)->reason_parts[0].code == "reason.refused");
  CHECK((*read)->reason_parts[0].params == refused[0].params);
  CHECK((*read)->reason_parts[1].params == refused[1].params);

  // An update replaces them, and its event carries its own.
  auto next = **read;
  next.state = JobState::placed;
  next.reason = "running at site_x";
  next.reason_parts = {{"reason.running", {{"site", "site_x"}, {"site_zh", "站点X"}}}};
  auto placed = event("placed", JobState::placed);
  placed.reason = next.reason;
  placed.reason_parts = next.reason_parts;
  REQUIRE(*update_job(*db, next, JobState::pending, placed, JobMoney{}));
  REQUIRE(request_cancel(*db, "job_1", from_unix_ms(1'700'000'005'000)));
  auto after = find_job(*db, "job_1");
  REQUIRE((*after)->reason_parts.size() == 1);
  CHECK((*after)->reason_parts[0].code == "reason.running");
  auto events = list_job_events(*db, "job_1");
  REQUIRE(events);
  REQUIRE(events->size() == 3);
  CHECK((*events)[0].reason_parts.at(0).code == "event.created");
  CHECK((*events)[1].reason_parts.at(0).code == "reason.running");
  CHECK((*events)[2].reason == "cancellation requested by the owner");
  REQUIRE((*events)[2].reason_parts.size() == 1);
  CHECK((*events)[2].reason_parts[0].code == "event.cancel_requested");

  // A row written before migration 0012 (NULL), or with unreadable parts, keeps its English.
  REQUIRE(db->exec("UPDATE jobs SET reason_parts = NULL WHERE id = 'job_1'"));
  REQUIRE(db->exec("UPDATE job_events SET reason_parts = '[{\"nocode\": 1}]' WHERE seq = 1"));
  CHECK((*find_job(*db, "job_1"))->reason_parts.empty());
  CHECK((*find_job(*db, "job_1"))->reason == "running at site_x");
  auto old = list_job_events(*db, "job_1");
  CHECK((*old)[0].reason_parts.empty());
  CHECK((*old)[0].reason == "submitted through the API");
}
