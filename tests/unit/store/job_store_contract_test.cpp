// The JobStore contract, run through the interface against the SQLite backend: what a second
// backend (PostgreSQL) must pass too. Writes carry their money in the job's transaction, and a
// write that does not apply writes nothing, money included.
#include <catch2/catch.hpp>

#include "gateway/store/sqlite/sqlite_job_store.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using CS = model::JobState;

model::JobRecord contract_job(std::string id, CS state, std::optional<double> estimate) {
  model::JobRecord j;
  j.id = std::move(id);
  j.org_id = "org_a";
  j.spec.name = "contract";
  j.spec.command = "true";
  j.state = state;
  j.estimated_cost_cny = estimate;
  j.created_at = j.updated_at = from_unix_ms(1'700'000'000'000);
  return j;
}

model::JobEvent contract_event(model::EventType type) {
  model::JobEvent e;
  e.type = type;
  e.at = from_unix_ms(1'700'000'000'000);
  return e;
}

// The contract itself, on any backend whose org "org_a" exists; `held` reads its held money.
template <class Held>
void check_job_store_contract(store::JobStore& jobs, Held held) {
  const auto j = contract_job("job_c1", CS::placed, 2.5);
  REQUIRE(jobs.insert_job(j, {contract_event(model::EventType::created)}, store::job_text(j),
                          store::JobMoney{.held_change_cny = 2.5}));
  CHECK(held() == 2.5);
  auto basis = jobs.find_job_money_basis("job_c1");
  REQUIRE(basis);
  REQUIRE(*basis);
  CHECK((*basis)->org_id == "org_a");
  CHECK((*basis)->state == CS::placed);
  CHECK((*basis)->estimated_cost_cny == 2.5);
  CHECK_FALSE(*jobs.find_job_money_basis("job_nope"));

  // Compare-and-set on the state: a stale writer writes nothing, not even its money.
  auto next = j;
  next.state = CS::succeeded;
  next.final_cost_cny = 1.0;
  CHECK_FALSE(*jobs.update_job(next, CS::running, contract_event(model::EventType::succeeded),
                               store::JobMoney{.held_change_cny = -2.5, .charge_cny = 1.0}));
  CHECK(held() == 2.5);
  CHECK(*jobs.update_job(next, CS::placed, contract_event(model::EventType::succeeded),
                         store::JobMoney{.held_change_cny = -2.5, .charge_cny = 1.0}));
  CHECK(held() == 0);

  auto read = jobs.find_job("job_c1", store::DecisionPart::none);
  REQUIRE(read);
  REQUIRE(*read);
  CHECK((*read)->state == CS::succeeded);
  CHECK((*read)->final_cost_cny == 1.0);
  auto events = jobs.list_job_events("job_c1");
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  CHECK((*events)[1].state == CS::succeeded);
  CHECK(jobs.list_active_jobs("", 10)->empty());
  store::JobFilter f;
  f.org_id = "org_a";
  CHECK(jobs.list_jobs(f)->size() == 1);
}

TEST_CASE("the SQLite JobStore keeps the JobStore contract", "[store][jobs][contract]") {
  auto db = suanwang::testing::migrated_db();
  REQUIRE(store::insert_org(*db, suanwang::testing::make_org("org_a", "a")));
  store::SqliteJobStore jobs(*db);
  check_job_store_contract(jobs, [&] {
    auto m = store::find_org_money(*db, "org_a");
    REQUIRE(m);
    REQUIRE(*m);
    return (*m)->held_cny;
  });
  // The charge landed with the job's end: spent grows (no prepaid account: credit stays none).
  const auto m = *store::find_org_money(*db, "org_a");
  CHECK(m->spent_cny == 1.0);
  CHECK_FALSE(m->credit_cny);
}

}  // namespace
