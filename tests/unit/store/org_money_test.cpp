// An org's money in the database (migration 0004): held_cny always equals the sum of the
// estimates of the org's jobs in flight through every write of a job in service (accounting
// decides each change, runtime/job_writes has the store write it with the job; migration 0007
// dropped the triggers that did it before); 0004 backfills it on a database with jobs in flight;
// prepaid credit moves only by entries and job charges, each with its balance, in one
// transaction (services/credit_service).
#include <catch2/catch.hpp>

#include "gateway/accounting/spending.hpp"
#include "gateway/runtime/job_writes.hpp"
#include "gateway/services/credit_service.hpp"
#include "gateway/store/job_repo.hpp"
#include "store_test_support.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::store;
using model::JobState;
using services::add_credit_entry;
using services::set_prepaid;
using suanwang::testing::make_org;
using suanwang::testing::scalar;

// The org's money as the API shows it, and without one job's hold (the one placed again).
std::optional<model::OrgMoney> budget_state(Db& db, const std::string& org,
                                            const std::string& except_job = "") {
  auto m = runtime::org_money_except(db, org, except_job);
  REQUIRE(m);
  return *m;
}

constexpr int64_t kMoneyT0 = 1'700'000'000'000;

model::JobRecord job(std::string id, std::string org, JobState state, std::optional<double> est) {
  model::JobRecord j;
  j.id = std::move(id);
  j.org_id = std::move(org);
  j.spec.name = "train";
  j.spec.command = "true";
  j.spec.resources.cpus = 1;
  j.state = state;
  j.estimated_cost_cny = est;
  j.created_at = from_unix_ms(kMoneyT0);
  j.updated_at = j.created_at;
  return j;
}

// The event that enters `state` (any will do for the money columns).
model::JobEvent money_event(JobState state) {
  model::JobEvent e;
  switch (state) {
    case JobState::pending:
      e.type = model::EventType::requeued;
      break;
    case JobState::placed:
      e.type = model::EventType::placed;
      break;
    case JobState::staging:
      e.type = model::EventType::placed;
      break;
    case JobState::submitted:
      e.type = model::EventType::submitted;
      break;
    case JobState::collecting:
      e.type = model::EventType::collecting;
      break;
    case JobState::running:
      e.type = model::EventType::started;
      break;
    case JobState::succeeded:
      e.type = model::EventType::succeeded;
      break;
    case JobState::failed:
      e.type = model::EventType::failed;
      break;
    case JobState::canceled:
      e.type = model::EventType::canceled;
      break;
  }
  e.state = state;
  e.at = from_unix_ms(kMoneyT0);
  return e;
}

double held(Db& db, const std::string& org) {
  auto st = db.prepare("SELECT held_cny FROM orgs WHERE id = ?");
  REQUIRE(st);
  st->bind(1, org);
  REQUIRE(*st->step());
  return st->real(0);
}

// What held_cny must be: the estimates of the org's jobs in flight, summed afresh.
double active_sum(Db& db, const std::string& org) {
  auto st = db.prepare(
      "SELECT COALESCE(SUM(estimated_cost_cny), 0) FROM jobs WHERE org_id = ?"
      " AND state IN ('pending', 'placed', 'submitted', 'running')");
  REQUIRE(st);
  st->bind(1, org);
  REQUIRE(*st->step());
  return st->real(0);
}

struct OrgMoneyFixture {
  std::unique_ptr<Db> db = suanwang::testing::migrated_db();
  OrgMoneyFixture() {
    REQUIRE(insert_org(*db, make_org("org_a", "a")));
    REQUIRE(insert_org(*db, make_org("org_b", "b")));
  }
  void check_held() {
    for (const char* org : {"org_a", "org_b"}) {
      INFO(org);
      CHECK(held(*db, org) == Approx(active_sum(*db, org)).margin(1e-9));
    }
  }
  // Moves a stored job to `to` (with a new estimate and final cost) as the dispatcher does.
  void advance(const std::string& id, JobState to, std::optional<double> est = std::nullopt,
               std::optional<double> final_cost = std::nullopt) {
    auto j = find_job(*db, id);
    REQUIRE(j);
    REQUIRE(*j);
    model::JobRecord next = **j;
    const JobState from = next.state;
    next.state = to;
    if (est) next.estimated_cost_cny = est;
    next.final_cost_cny = final_cost;
    REQUIRE(*runtime::write_job_change(*db, next, from, money_event(to)));
  }
};

TEST_CASE_METHOD(OrgMoneyFixture,
                 "held_cny follows the estimates of jobs in flight through every change",
                 "[store][orgs][money]") {
  check_held();
  CHECK(held(*db, "org_a") == 0);

  // Insert: in flight (held), without an estimate (nothing held), already final (nothing held).
  REQUIRE(runtime::write_new_job(*db, job("job_1", "org_a", JobState::placed, 2.5), {}));
  REQUIRE(runtime::write_new_job(*db, job("job_2", "org_a", JobState::pending, 1.25), {}));
  REQUIRE(runtime::write_new_job(*db, job("job_3", "org_a", JobState::pending, std::nullopt), {}));
  REQUIRE(runtime::write_new_job(*db, job("job_4", "org_b", JobState::running, 7.0), {}));
  REQUIRE(runtime::write_new_job(*db, job("job_5", "org_a", JobState::failed, 9.0), {}));
  CHECK(held(*db, "org_a") == Approx(3.75));
  CHECK(held(*db, "org_b") == Approx(7.0));
  check_held();

  // Moves within flight keep the hold; placed again elsewhere, the hold follows the new estimate.
  advance("job_1", JobState::submitted);
  advance("job_1", JobState::running);
  check_held();
  advance("job_2", JobState::placed, 4.0);
  CHECK(held(*db, "org_a") == Approx(6.5));
  advance("job_2", JobState::pending);  // requeued after a refusal: still held
  advance("job_2", JobState::placed, 0.5);
  CHECK(held(*db, "org_a") == Approx(3.0));
  // An estimate arriving for a job that had none.
  advance("job_3", JobState::placed, 1.0);
  CHECK(held(*db, "org_a") == Approx(4.0));
  check_held();

  // A job that ends gives its hold back, whatever it finally cost.
  advance("job_1", JobState::succeeded, std::nullopt, 0.75);
  CHECK(held(*db, "org_a") == Approx(1.5));
  advance("job_3", JobState::canceled);
  advance("job_4", JobState::failed, std::nullopt, 1.0);
  check_held();
  CHECK(held(*db, "org_b") == Approx(0).margin(1e-9));

  // A new estimate without a change of state moves the hold too (before 0007 the triggers saw
  // such a write from outside update_job; no writer in service does that any more).
  advance("job_2", JobState::placed, 3.0);
  CHECK(held(*db, "org_a") == Approx(3.0));
  // A job that leaves flight gives all of it back; one already final gives nothing back.
  advance("job_2", JobState::canceled);
  advance("job_5", JobState::failed, 12.0);
  CHECK(held(*db, "org_a") == Approx(0).margin(1e-9));
  check_held();

  // budget_state reads it, less the job being placed again, and clamps residue at zero.
  REQUIRE(runtime::write_new_job(*db, job("job_6", "org_a", JobState::pending, 0.1), {}));
  REQUIRE(runtime::write_new_job(*db, job("job_7", "org_a", JobState::pending, 0.2), {}));
  auto b = budget_state(*db, "org_a");
  REQUIRE(b);
  CHECK(b->held_cny == Approx(0.3));
  CHECK(budget_state(*db, "org_a", "job_7")->held_cny == Approx(0.1));
  advance("job_6", JobState::canceled);
  advance("job_7", JobState::canceled);
  CHECK(budget_state(*db, "org_a")->held_cny == 0);
}

TEST_CASE_METHOD(OrgMoneyFixture, "the org row is written only by moves that change its hold",
                 "[store][orgs][money]") {
  // Counts the writes to orgs (migration 0006: moves within flight at the same estimate, most
  // of the dispatcher's writes, leave the org alone).
  REQUIRE(db->exec(
      "CREATE TEMP TABLE org_writes (n INTEGER NOT NULL); INSERT INTO org_writes VALUES (0);"
      " CREATE TEMP TRIGGER count_org_writes AFTER UPDATE ON main.orgs"
      " BEGIN UPDATE org_writes SET n = n + 1; END;"));
  const auto writes = [&] { return scalar(*db, "SELECT n FROM org_writes"); };
  REQUIRE(runtime::write_new_job(*db, job("job_1", "org_a", JobState::placed, 2.5), {}));
  CHECK(writes() == 1);
  advance("job_1", JobState::submitted);
  advance("job_1", JobState::running);
  CHECK(writes() == 1);
  CHECK(held(*db, "org_a") == 2.5);     // exactly: nothing was added or taken away
  advance("job_1", JobState::pending);  // requeued: still in flight, same estimate
  CHECK(writes() == 1);
  advance("job_1", JobState::placed, 4.0);  // a new estimate
  CHECK(writes() == 2);
  CHECK(held(*db, "org_a") == 4.0);
  advance("job_1", JobState::succeeded);  // out of flight (no cost: no charge either)
  CHECK(writes() == 3);
  CHECK(held(*db, "org_a") == 0);
  // Between final states nothing is held, so nothing is written.
  advance("job_1", JobState::failed, 9.0);
  CHECK(writes() == 3);
  check_held();
}

TEST_CASE("migration 0004 backfills held_cny from the jobs in flight",
          "[store][migrations][money]") {
  auto opened = Db::open(":memory:");
  REQUIRE(opened);
  Db& db = **opened;
  auto all = embedded_migrations();
  REQUIRE(all);
  std::vector<Migration> before;
  for (const auto& m : *all) {
    if (m.version < 4) before.push_back(m);
  }
  REQUIRE(before.size() == 3);
  REQUIRE(migrate(db, before));
  // Rows as a 0003 gateway wrote them (column list as of then: no held_cny, no credit_cny), so
  // written by the store alone, with no money moved.
  REQUIRE(
      db.exec("INSERT INTO orgs (id, name, kind, budget_cny, created_at) VALUES"
              " ('org_a', 'a', 'user', 100, 0), ('org_b', 'b', 'user', NULL, 0),"
              " ('org_c', 'c', 'user', NULL, 0)"));
  // (In SQL: today's insert_job writes columns later migrations added, such as 0012's.)
  REQUIRE(db.exec(
      "INSERT INTO jobs (id, org_id, spec_json, state, estimated_cost_cny, created_at,"
      " updated_at) VALUES"
      " ('job_1', 'org_a', '{\"command\": \"true\"}', 'running', 2.5, 0, 0),"
      " ('job_2', 'org_a', '{\"command\": \"true\"}', 'pending', 1.5, 0, 0),"
      " ('job_3', 'org_a', '{\"command\": \"true\"}', 'succeeded', 50, 0, 0),"
      " ('job_4', 'org_b', '{\"command\": \"true\"}', 'placed', 4.0, 0, 0)"));

  REQUIRE(migrate(db, *all));
  CHECK(held(db, "org_a") == Approx(4.0));
  CHECK(held(db, "org_b") == Approx(4.0));
  CHECK(held(db, "org_c") == 0);
  // Existing orgs stay invoiced: no prepaid account was opened for them.
  CHECK(scalar(db, "SELECT COUNT(*) FROM orgs WHERE credit_cny IS NOT NULL") == 0);
  // And from here the application keeps it.
  REQUIRE(runtime::write_new_job(db, job("job_5", "org_c", JobState::pending, 1.0), {}));
  CHECK(held(db, "org_c") == Approx(1.0));
}

CreditEntry entry(std::string id, std::string org, double amount, int64_t at_ms,
                  std::string note = "") {
  CreditEntry e;
  e.id = std::move(id);
  e.org_id = std::move(org);
  e.amount_cny = amount;
  e.at = from_unix_ms(at_ms);
  e.note = std::move(note);
  e.actor = "admin@example";
  return e;
}

TEST_CASE_METHOD(OrgMoneyFixture, "a prepaid account opens at zero and closes only at zero",
                 "[store][orgs][money]") {
  CHECK_FALSE(budget_state(*db, "org_a")->credit_cny);
  CHECK(*set_prepaid(*db, "org_a", true));
  CHECK_FALSE(*set_prepaid(*db, "org_a", true));  // already open: nothing changes
  CHECK(budget_state(*db, "org_a")->credit_cny == 0.0);
  REQUIRE(add_credit_entry(*db, entry("cre_1", "org_a", 10, kMoneyT0)));

  auto refused = set_prepaid(*db, "org_a", false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("¥10.00"));
  CHECK(budget_state(*db, "org_a")->credit_cny == 10.0);  // unchanged

  REQUIRE(add_credit_entry(*db, entry("cre_2", "org_a", -10, kMoneyT0 + 1, "refunded")));
  CHECK(*set_prepaid(*db, "org_a", false));
  CHECK_FALSE(budget_state(*db, "org_a")->credit_cny);
  CHECK_FALSE(*set_prepaid(*db, "org_a", false));
  // Its entries stay: the history of an account since closed.
  CHECK(list_credit_entries(*db, "org_a", std::nullopt, 10)->size() == 2);

  auto nobody = set_prepaid(*db, "org_nope", true);
  REQUIRE_FALSE(nobody);
  CHECK(nobody.error().code == Errc::not_found);
}

TEST_CASE_METHOD(OrgMoneyFixture, "credit entries move the balance and record what they left",
                 "[store][orgs][money]") {
  // No account: refused, and nothing written.
  auto none = add_credit_entry(*db, entry("cre_0", "org_a", 5, kMoneyT0));
  REQUIRE_FALSE(none);
  CHECK(none.error().code == Errc::conflict);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM credit_entries") == 0);
  CHECK(add_credit_entry(*db, entry("cre_x", "org_nope", 5, kMoneyT0)).error().code ==
        Errc::not_found);

  REQUIRE(*set_prepaid(*db, "org_a", true));
  REQUIRE(*set_prepaid(*db, "org_b", true));
  auto first = add_credit_entry(*db, entry("cre_1", "org_a", 100, kMoneyT0, "bank ref 1"));
  REQUIRE(first);
  CHECK(first->balance_cny == 100.0);
  REQUIRE(add_credit_entry(*db, entry("cre_2", "org_b", 7, kMoneyT0)));

  // A job in flight holds 30 of it; a correction may take back only the 70 available.
  REQUIRE(runtime::write_new_job(*db, job("job_1", "org_a", JobState::running, 30), {}));
  auto b = budget_state(*db, "org_a");
  CHECK(accounting::credit_left_cny(*b) == Approx(70));
  CHECK(accounting::remaining_cny(*b) == Approx(70));
  CHECK(std::string(accounting::binding_limit(*b)) == "prepaid credit");
  auto too_much = add_credit_entry(*db, entry("cre_3", "org_a", -70.01, kMoneyT0 + 1, "typo"));
  REQUIRE_FALSE(too_much);
  CHECK(too_much.error().code == Errc::conflict);
  CHECK_THAT(too_much.error().message, Catch::Contains("¥70.00 available"));
  CHECK(budget_state(*db, "org_a")->credit_cny == 100.0);
  CHECK(scalar(*db, "SELECT COUNT(*) FROM credit_entries WHERE org_id = 'org_a'") == 1);
  auto back = add_credit_entry(*db, entry("cre_4", "org_a", -70, kMoneyT0 + 2, "typo"));
  REQUIRE(back);
  CHECK(back->balance_cny == Approx(30));

  // The job ends early: its final cost, not its estimate, is taken from the balance, and its
  // hold is given back.
  advance("job_1", JobState::succeeded, std::nullopt, 12.34);
  b = budget_state(*db, "org_a");
  CHECK(*b->credit_cny == Approx(30 - 12.34));
  CHECK(b->held_cny == 0);
  CHECK(b->spent_cny == Approx(12.34));
  CHECK(budget_state(*db, "org_b")->credit_cny == 7.0);  // another org's balance: untouched

  // A top-up after a charge records the balance it left, charges included.
  auto top = add_credit_entry(*db, entry("cre_5", "org_a", 50, kMoneyT0 + 3));
  REQUIRE(top);
  CHECK(top->balance_cny == Approx(30 - 12.34 + 50));

  // An invoiced org's charge leaves credit_cny NULL.
  REQUIRE(insert_org(*db, make_org("org_c", "c")));
  REQUIRE(runtime::write_new_job(*db, job("job_2", "org_c", JobState::running, 1), {}));
  advance("job_2", JobState::failed, std::nullopt, 0.5);
  CHECK_FALSE(budget_state(*db, "org_c")->credit_cny);
  CHECK(budget_state(*db, "org_c")->spent_cny == Approx(0.5));
}

TEST_CASE_METHOD(OrgMoneyFixture, "credit entries list newest first, in pages, per org",
                 "[store][orgs][money]") {
  REQUIRE(*set_prepaid(*db, "org_a", true));
  REQUIRE(*set_prepaid(*db, "org_b", true));
  // Two in the same millisecond: insertion order breaks the tie.
  REQUIRE(add_credit_entry(*db, entry("cre_c", "org_a", 1, kMoneyT0 + 5)));
  REQUIRE(add_credit_entry(*db, entry("cre_a", "org_a", 2, kMoneyT0 + 5)));
  REQUIRE(add_credit_entry(*db, entry("cre_b", "org_a", 3, kMoneyT0 + 9)));
  REQUIRE(add_credit_entry(*db, entry("cre_z", "org_b", 4, kMoneyT0 + 7)));

  auto ids = [](const std::vector<CreditEntry>& es) {
    std::vector<std::string> out;
    for (const auto& e : es) out.push_back(e.id);
    return out;
  };
  auto all = list_credit_entries(*db, "org_a", std::nullopt, 10);
  REQUIRE(all);
  CHECK(ids(*all) == std::vector<std::string>{"cre_b", "cre_a", "cre_c"});
  CHECK((*all)[0].balance_cny == 6.0);
  CHECK((*all)[0].amount_cny == 3.0);
  CHECK((*all)[0].actor == "admin@example");
  CHECK((*all)[0].at == from_unix_ms(kMoneyT0 + 9));
  CHECK((*all)[2].balance_cny == 1.0);

  CHECK(ids(*list_credit_entries(*db, "org_a", std::nullopt, 2)) ==
        std::vector<std::string>{"cre_b", "cre_a"});
  CHECK(ids(*list_credit_entries(*db, "org_a", "cre_a", 2)) == std::vector<std::string>{"cre_c"});
  CHECK(list_credit_entries(*db, "org_a", "cre_c", 2)->empty());
  // Another org's entry as the page token gives nothing, not that org's entries.
  CHECK(list_credit_entries(*db, "org_a", "cre_z", 10)->empty());
  CHECK(ids(*list_credit_entries(*db, "org_b", std::nullopt, 10)) ==
        std::vector<std::string>{"cre_z"});
}

}  // namespace
