// Placement decisions beside the jobs (migration 0005): a v4 database's decisions all move to
// job_decisions and read back unchanged; a decision is written with its job and replaced only by
// a new one; reads without the decision never open job_decisions.
#include <catch2/catch.hpp>

#include "gateway/runtime/job_writes.hpp"
#include "gateway/store/job_repo.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using model::JobState;
using suanwang::testing::make_org;
using suanwang::testing::scalar;

constexpr int64_t kT0 = 1'700'000'000'000;

// A decision as large as the gateway's (~6 KB: every ranked and rejected site), so that the v4
// row spilled into overflow pages like a real one.
Json big_decision(const std::string& chosen, int candidates) {
  Json ranked = Json::array();
  for (int i = 0; i < candidates; ++i) {
    ranked.push_back({{"site", "site_" + std::to_string(i)},
                      {"score", 0.5 + i / 1000.0},
                      {"total_cost_cny", 12.25 + i},
                      {"why", "fits the pool gpu-a100 with 3 of 8 nodes free; queue wait 40 s"}});
  }
  return {{"chosen", {{"site", chosen}, {"pool", "gpu"}, {"total_cost_cny", 12.25}}},
          {"summary", "placed on " + chosen + ": cheapest of " + std::to_string(candidates)},
          {"ranked", ranked},
          {"rejected", Json::array({{{"site", "site_z"}, {"code", "no_capacity"}}})}};
}

model::JobRecord job(std::string id, JobState state = JobState::placed) {
  model::JobRecord j;
  j.id = std::move(id);
  j.org_id = "org_a";
  j.spec.name = "train";
  j.spec.command = "python train.py";
  j.spec.resources.cpus = 4;
  j.state = state;
  j.site_id = "site_1";
  j.attempt = 1;
  j.estimated_cost_cny = 2.0;
  j.created_at = from_unix_ms(kT0);
  j.updated_at = j.created_at;
  return j;
}

model::JobEvent decision_event(std::string type, JobState state) {
  model::JobEvent e;
  e.type = model::parse_event_type(type).value();
  e.state = state;
  e.at = from_unix_ms(kT0);
  return e;
}

// A database at version 4, as the gateway before 0005 left it.
std::unique_ptr<Db> v4_db() {
  auto db = Db::open(":memory:");
  REQUIRE(db);
  auto all = embedded_migrations();
  REQUIRE(all);
  std::vector<Migration> before;
  for (const auto& m : *all) {
    if (m.version < 5) before.push_back(m);
  }
  REQUIRE(before.size() == 4);
  REQUIRE(migrate(**db, before));
  return std::move(*db);
}

// A jobs row in the v4 layout (decision_json in the row), written as a v4 gateway did.
void insert_v4_job(Db& db, const std::string& id, const std::string& state,
                   const std::optional<Json>& decision, std::optional<double> est) {
  auto st = db.prepare(
      "INSERT INTO jobs (id, org_id, spec_json, state, site_id, attempt, blocked_sites_json,"
      " decision_json, estimated_cost_cny, reason, created_at, updated_at)"
      " VALUES (?, 'org_a', ?, ?, 'site_1', 1, '[\"site_9\"]', ?, ?, 'placed', ?, ?)");
  REQUIRE(st);
  st->bind(1, id)
      .bind(2, std::string(R"({"name":"train","command":"true","resources":{"cpus":1}})"))
      .bind(3, state)
      .bind(4, decision ? std::optional<std::string>(decision->dump()) : std::nullopt)
      .bind(5, est)
      .bind(6, kT0)
      .bind(7, kT0 + 1);
  REQUIRE(st->run());
  auto ev = db.prepare(
      "INSERT INTO job_events (job_id, seq, at, type, state) VALUES (?, 1, ?, 'created', ?)");
  REQUIRE(ev);
  ev->bind(1, id).bind(2, kT0).bind(3, state);
  REQUIRE(ev->run());
}

bool has_column(Db& db, const std::string& table, const std::string& column) {
  auto st = db.prepare("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?");
  REQUIRE(st);
  st->bind(1, table).bind(2, column);
  REQUIRE(*st->step());
  return st->int64(0) == 1;
}

TEST_CASE("migration 0005 moves every decision beside its job, losing nothing",
          "[store][migrations][jobs]") {
  auto db = v4_db();
  REQUIRE(insert_org(*db, make_org("org_a", "a")));
  std::map<std::string, Json> decisions;
  const char* states[] = {"placed", "running", "succeeded", "failed", "pending"};
  for (int i = 0; i < 40; ++i) {
    const std::string id = "job_" + std::to_string(100 + i);
    const std::string state = states[i % 5];
    if (i % 7 == 3) {  // refused or never placed: no decision
      insert_v4_job(*db, id, state, std::nullopt, std::nullopt);
      continue;
    }
    decisions[id] = big_decision("site_" + std::to_string(i % 4), 40 + i);
    insert_v4_job(*db, id, state, decisions[id], 1.5);
  }
  REQUIRE(decisions.begin()->second.dump().size() > 4096);  // overflowed a page in v4
  const int64_t held_before = scalar(*db, "SELECT CAST(held_cny * 1000 AS INTEGER) FROM orgs");
  CHECK(held_before > 0);

  auto all = embedded_migrations();
  REQUIRE(all);
  auto v = migrate(*db, *all);
  REQUIRE(v);
  CHECK(*v >= 5);

  CHECK_FALSE(has_column(*db, "jobs", "decision_json"));
  CHECK(scalar(*db, "SELECT COUNT(*) FROM jobs") == 40);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM job_decisions") ==
        static_cast<int64_t>(decisions.size()));
  CHECK(scalar(*db, "SELECT COUNT(*) FROM job_events") == 40);
  CHECK(scalar(*db, "SELECT CAST(held_cny * 1000 AS INTEGER) FROM orgs") == held_before);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0);
  {
    auto st = db->prepare("PRAGMA integrity_check");
    REQUIRE(st);
    REQUIRE(*st->step());
    CHECK(st->text(0) == "ok");
  }

  for (int i = 0; i < 40; ++i) {
    const std::string id = "job_" + std::to_string(100 + i);
    INFO(id);
    auto full = find_job(*db, id);
    REQUIRE(full);
    REQUIRE(*full);
    // The rest of the row is intact too.
    CHECK((*full)->state == *model::parse_job_state(states[i % 5]));
    CHECK((*full)->blocked_sites == std::vector<std::string>{"site_9"});
    CHECK((*full)->updated_at == from_unix_ms(kT0 + 1));
    auto summary = find_job(*db, id, DecisionPart::summary);
    REQUIRE(summary);
    REQUIRE(*summary);
    if (auto it = decisions.find(id); it != decisions.end()) {
      CHECK((*full)->decision == it->second);
      CHECK((*summary)->decision ==
            Json{{"chosen", it->second["chosen"]}, {"summary", it->second["summary"]}});
    } else {
      CHECK((*full)->decision.is_null());
      CHECK((*summary)->decision.is_null());
    }
  }

  // The jobs written from here on keep their decisions the new way, and the holds still follow.
  auto j = job("job_900");
  j.decision = big_decision("site_2", 5);
  REQUIRE(runtime::write_new_job(*db, j, {decision_event("created", JobState::pending)}));
  CHECK((*find_job(*db, "job_900"))->decision == j.decision);
  CHECK(scalar(*db, "SELECT CAST(held_cny * 1000 AS INTEGER) FROM orgs") == held_before + 2000);
}

struct DecisionsFixture {
  std::unique_ptr<Db> db = suanwang::testing::migrated_db();
  DecisionsFixture() {
    REQUIRE(insert_org(*db, make_org("org_a", "a")));
    // Counts the writes to job_decisions, so a test can tell a rewrite from no write at all.
    REQUIRE(
        db->exec("CREATE TEMP TABLE decision_writes (n INTEGER NOT NULL);"
                 " INSERT INTO decision_writes VALUES (0);"
                 " CREATE TEMP TRIGGER count_decision_inserts AFTER INSERT ON main.job_decisions"
                 " BEGIN UPDATE decision_writes SET n = n + 1; END;"
                 " CREATE TEMP TRIGGER count_decision_updates AFTER UPDATE ON main.job_decisions"
                 " BEGIN UPDATE decision_writes SET n = n + 1; END;"));
  }
  int64_t writes() { return scalar(*db, "SELECT n FROM decision_writes"); }
  Json stored(const std::string& id) {
    auto st = db->prepare("SELECT decision_json FROM job_decisions WHERE job_id = ?");
    REQUIRE(st);
    st->bind(1, id);
    auto row = st->step();
    REQUIRE(row);
    if (!*row) return nullptr;
    auto j = parse_json(st->text(0), 64);
    REQUIRE(j);
    (void)st->step();
    return *j;
  }
};

TEST_CASE_METHOD(DecisionsFixture,
                 "a decision is written with its job and again only when replaced",
                 "[store][jobs]") {
  auto j = job("job_1");
  j.decision = big_decision("site_1", 40);
  REQUIRE(insert_job(*db, j, {decision_event("created", JobState::pending)}));
  CHECK(writes() == 1);
  CHECK(stored("job_1") == j.decision);

  // The dispatcher's transitions carry no decision: the stored one is neither lost nor written.
  model::JobRecord next = j;
  next.decision = nullptr;
  for (auto [from, to] : {std::pair{JobState::placed, JobState::submitted},
                          std::pair{JobState::submitted, JobState::running}}) {
    next.state = to;
    REQUIRE(*update_job(*db, next, from, decision_event("requeued", to)));
  }
  CHECK(writes() == 1);
  CHECK((*find_job(*db, "job_1"))->decision == j.decision);

  // Back to pending, placed again elsewhere: the new decision replaces the old one (one row).
  next.state = JobState::pending;
  REQUIRE(*update_job(*db, next, JobState::running, decision_event("requeued", JobState::pending)));
  next.state = JobState::placed;
  next.site_id = "site_3";
  next.decision = big_decision("site_3", 12);
  REQUIRE(*update_job(*db, next, JobState::pending, decision_event("placed", JobState::placed)));
  CHECK(writes() == 2);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM job_decisions WHERE job_id = 'job_1'") == 1);
  CHECK((*find_job(*db, "job_1"))->decision == next.decision);

  // An update that does not apply (stale state) writes no decision either.
  auto stale = next;
  stale.decision = big_decision("site_0", 3);
  REQUIRE_FALSE(
      *update_job(*db, stale, JobState::pending, decision_event("placed", JobState::placed)));
  CHECK(writes() == 2);
  CHECK(stored("job_1") == next.decision);

  // A job without a decision has no row.
  REQUIRE(insert_job(*db, job("job_2", JobState::pending), {}));
  CHECK(stored("job_2").is_null());
  CHECK((*find_job(*db, "job_2"))->decision.is_null());
  CHECK((*find_job(*db, "job_2", DecisionPart::summary))->decision.is_null());
}

TEST_CASE_METHOD(DecisionsFixture, "a job serialised before the insert is stored as the record is",
                 "[store][jobs]") {
  // JobService serialises on its I/O thread and hands the text to the database thread.
  auto j = job("job_1");
  j.blocked_sites = {"site_7"};
  j.decision = big_decision("site_1", 20);
  const JobText text = job_text(j);
  REQUIRE(text.decision_json);
  CHECK(*text.decision_json == j.decision.dump());
  CHECK(text.blocked_sites_json == R"(["site_7"])");
  REQUIRE(insert_job(*db, j, {decision_event("created", JobState::pending)}, text));
  auto got = find_job(*db, "job_1");
  REQUIRE(got);
  REQUIRE(*got);
  CHECK((*got)->decision == j.decision);
  CHECK((*got)->blocked_sites == j.blocked_sites);
  CHECK((*got)->spec.command == j.spec.command);
  CHECK(writes() == 1);
  // Without a decision: no text for it, no row.
  CHECK_FALSE(job_text(job("job_2")).decision_json);
}

TEST_CASE_METHOD(DecisionsFixture, "a refused insert leaves no decision behind", "[store][jobs]") {
  auto j = job("job_1");
  j.idempotency_key = "k";
  j.decision = big_decision("site_1", 4);
  REQUIRE(insert_job(*db, j, {}));
  auto again = job("job_2");
  again.idempotency_key = "k";
  again.decision = big_decision("site_2", 4);
  auto r = insert_job(*db, again, {});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::already_exists);
  CHECK(stored("job_2").is_null());
  CHECK((*find_job_by_idempotency_key(*db, "org_a", "k"))->decision == j.decision);
}

TEST_CASE_METHOD(DecisionsFixture, "reads without the decision never open job_decisions",
                 "[store][jobs]") {
  auto j = job("job_1");
  j.decision = big_decision("site_1", 4);
  REQUIRE(insert_job(*db, j, {}));
  // Without the table, a read that touched it would fail to prepare.
  REQUIRE(
      db->exec("DROP TRIGGER temp.count_decision_inserts;"
               " DROP TRIGGER temp.count_decision_updates; DROP TABLE job_decisions"));
  auto none = find_job(*db, "job_1", DecisionPart::none);
  REQUIRE(none);
  REQUIRE(*none);
  CHECK((*none)->decision.is_null());
  CHECK((*none)->state == JobState::placed);
  auto active = list_active_jobs(*db, "", 10);
  REQUIRE(active);
  CHECK(active->size() == 1);
  CHECK_FALSE(find_job(*db, "job_1", DecisionPart::full));
  CHECK_FALSE(find_job(*db, "job_1", DecisionPart::summary));
}

}  // namespace
