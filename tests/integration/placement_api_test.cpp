// Placement through the API (issue 3): quotes rank and explain themselves, a site that refuses
// a job is blocked for it and the job fails over, and budgets hold, charge and refuse.
#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

json sim_site(const std::string& name, double cpu_price, double failure_rate) {
  json pool = {{"name", "cpu"}, {"cpus", 64}, {"memory_gb", 256}};
  json options = {
      {"pools", json::array({pool})}, {"failure_rate", failure_rate}, {"default_runtime_s", 1}};
  json adapter = {{"type", "sim"}, {"options", options}};
  json pricing = {{"cpu_core_hour", cpu_price}, {"billing_granularity_s", 1}};
  return {{"name", name}, {"region", "cn-test-east"}, {"adapter", adapter}, {"pricing", pricing}};
}

// A gateway with the given sim sites, an operator and a user.
struct SimGateway {
  TempDir dir;
  TestGateway gw{dir.path()};
  SimFederation fed;
  const std::string& user_key = fed.user_key;
  const std::string& user_org = fed.user_org;
  const std::vector<std::string>& site_ids = fed.site_ids;

  explicit SimGateway(const std::vector<json>& sites) : fed(set_up_sim_federation(gw, sites)) {}
};

json cpu_job(int cpus, int runtime_s) {
  return {{"command", "work"},
          {"resources", {{"cpus", cpus}, {"memory_gb", 1}, {"walltime_s", 3600}}},
          {"expected_runtime_s", runtime_s},
          {"routing", {{"policy", "cheapest"}}}};
}

}  // namespace

TEST_CASE("quotes rank the demo federation's sites and explain the choice",
          "[integration][placement]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  REQUIRE(eventually(
      [&] { return user.get("/api/v1/capacity").json().at("national").at("sites") == 11; }));
  json job = {{"command", "python train.py"},
              {"resources",
               {{"cpus", 16},
                {"memory_gb", 64},
                {"walltime_s", 7200},
                {"accelerators", {{"model", "Ascend910B"}, {"count", 8}}}}},
              {"expected_runtime_s", 3600},
              {"submitter_region", "cn-csj-shanghai"}};

  for (const std::string policy : {"cheapest", "fastest", "balanced", "data-local"}) {
    job["routing"] = {{"policy", policy}};
    auto q = user.post("/api/v1/quotes", job);
    INFO(policy << ": " << q.body);
    REQUIRE(q.status == 200);
    const json d = q.json();
    const json ranked = d.at("ranked");
    REQUIRE(ranked.size() >= 2);
    CHECK(d.at("feasible_sites").get<std::size_t>() == ranked.size());
    CHECK(d.at("chosen") == ranked[0]);
    CHECK_FALSE(d.at("summary").get<std::string>().empty());
    // Sites without Ascend910B are rejected for that reason, and counted.
    CHECK(d.at("rejected_by_code").at("no_accelerator_model").get<int>() >= 1);
    for (std::size_t i = 1; i < ranked.size(); ++i) {
      CHECK(ranked[i - 1].at("score").get<double>() <= ranked[i].at("score").get<double>());
      if (policy == "cheapest") {
        CHECK(ranked[0].at("estimated_cost_cny").get<double>() <=
              ranked[i].at("estimated_cost_cny").get<double>());
      }
      if (policy == "fastest") {
        CHECK(ranked[0].at("result_s").get<double>() <= ranked[i].at("result_s").get<double>());
      }
    }
  }

  SECTION("a region constraint keeps every candidate inside it") {
    job["constraints"] = {{"regions", {"cn-gz-guian"}}};
    auto q = user.post("/api/v1/quotes", job);
    REQUIRE(q.status == 200);
    const json ranked = q.json().at("ranked");
    REQUIRE_FALSE(ranked.empty());
    for (const auto& c : ranked) CHECK(c.at("region") == "cn-gz-guian");
  }
  SECTION("an impossible job is explained, not placed") {
    job["resources"]["accelerators"]["count"] = 100000;
    auto q = user.post("/api/v1/quotes", job);
    REQUIRE(q.status == 200);
    CHECK(q.json().at("ranked").empty());
    CHECK(q.json().at("chosen").is_null());
    CHECK_THAT(q.json().at("summary").get<std::string>(), Catch::Contains("no site can run"));
    auto submit = user.post("/api/v1/jobs", job);
    CHECK(submit.status == 422);
    CHECK(submit.json().at("decision").at("rejected_by_code").contains("too_large"));
  }
}

TEST_CASE("a site that refuses a job is blocked for it and the job fails over",
          "[integration][placement][failover]") {
  // The refuser is cheaper, so the job goes there first.
  SimGateway f(std::vector<json>{sim_site("Refuser", 0.01, 1.0), sim_site("Backup", 0.5, 0.0)});
  auto user = f.gw.client(f.user_key);
  auto created = user.post("/api/v1/jobs", cpu_job(4, 1));
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  CHECK(created.json().at("site") == f.site_ids[0]);
  const json done = wait_for_state(user, id, "succeeded");
  CHECK(done.at("site") == f.site_ids[1]);
  CHECK(done.at("attempt") == 2);
  CHECK(done.at("blocked_sites") == json::array({f.site_ids[0]}));

  auto events = user.get("/api/v1/jobs/" + id + "/events").json().at("items");
  std::vector<std::string> seq;
  for (const auto& e : events) seq.push_back(e.at("type"));
  REQUIRE(seq.size() >= 5);
  CHECK(seq[0] == "created");
  CHECK(seq[1] == "placed");
  CHECK(seq[2] == "requeued");
  CHECK_THAT(events[2].at("reason").get<std::string>(), Catch::Contains("refused"));
  CHECK(seq[3] == "placed");
  CHECK(events[3].at("site") == f.site_ids[1]);
  CHECK(seq.back() == "succeeded");

  auto decision = user.get("/api/v1/jobs/" + id + "/decision").json();
  CHECK(decision.at("rejected_by_code").at("blocked") == 1);
}

TEST_CASE("a job no site can take now waits in pending and runs when a site frees",
          "[integration][placement][admission]") {
  json site = sim_site("Single", 360, 0.0);
  site["policy"] = {{"max_in_flight", 1}};
  SimGateway f(std::vector<json>{site});
  auto user = f.gw.client(f.user_key);
  auto first = user.post("/api/v1/jobs", cpu_job(4, 2));
  INFO(first.body);
  REQUIRE(first.status == 201);
  CHECK(first.json().at("state") == "placed");

  // The only site is at its in-flight cap: accepted (201, durable), not refused with 422.
  auto second = user.post("/api/v1/jobs", cpu_job(4, 1));
  INFO(second.body);
  REQUIRE(second.status == 201);
  const json waiting = second.json();
  CHECK(waiting.at("state") == "pending");
  CHECK(waiting.at("site").is_null());
  CHECK(waiting.at("placement").is_null());
  CHECK(waiting.at("estimated_cost_cny").is_null());
  CHECK_THAT(waiting.at("reason").get<std::string>(), Catch::StartsWith("waiting for a site"));
  const std::string id = waiting.at("id");
  auto decision = user.get("/api/v1/jobs/" + id + "/decision");
  REQUIRE(decision.status == 200);
  CHECK(decision.json().at("rejected_by_code").at("in_flight_cap") == 1);

  const json done = wait_for_state(user, id, "succeeded");
  CHECK(done.at("site") == f.site_ids[0]);
  CHECK(done.at("attempt") == 1);
  CHECK(done.at("estimated_cost_cny").get<double>() > 0);
  CHECK(wait_for_state(user, first.json().at("id"), "succeeded").at("attempt") == 1);
  // It was placed only once the first job had left the site.
  const json first_done =
      user.get("/api/v1/jobs/" + first.json().at("id").get<std::string>()).json();
  CHECK(done.at("started_at").get<std::string>() >=
        first_done.at("finished_at").get<std::string>());
  auto events = user.get("/api/v1/jobs/" + id + "/events").json().at("items");
  REQUIRE(events.size() >= 3);
  CHECK(events[0].at("type") == "created");
  CHECK(events[0].at("state") == "pending");
  CHECK(events[1].at("type") == "placed");
  CHECK(events.back().at("type") == "succeeded");
}

TEST_CASE("budgets hold estimates, charge final costs and refuse what they cannot cover",
          "[integration][placement][budget]") {
  // ¥360 per core-hour: ¥0.10 per core-second, so short jobs cost visible money.
  SimGateway f(std::vector<json>{sim_site("Only", 360, 0.0)});
  auto admin = f.gw.client(f.gw.admin_key());
  auto set = admin.patch("/api/v1/orgs/" + f.user_org, {{"budget_cny", 1.0}});
  INFO(set.body);
  REQUIRE(set.status == 200);
  CHECK(set.json().at("remaining_cny") == 1.0);
  auto user = f.gw.client(f.user_key);
  CHECK(user.patch("/api/v1/orgs/" + f.user_org, {{"budget_cny", 1e6}}).status == 403);

  SECTION("a job over the budget is refused with by how much") {
    // 8 cores x 2 s = ¥1.60 > ¥1.00.
    auto r = user.post("/api/v1/jobs", cpu_job(8, 2));
    INFO(r.body);
    REQUIRE(r.status == 402);
    CHECK_THAT(r.json().at("detail").get<std::string>(), Catch::Contains("by ¥0.60"));
    CHECK(r.json().at("decision").at("budget").at("over_by_cny") == 0.6);
    CHECK(user.get("/api/v1/jobs").json().at("items").empty());
    CHECK(user.post("/api/v1/quotes", cpu_job(8, 2))
              .json()
              .at("rejected_by_code")
              .at("over_budget") == 1);
  }
  SECTION("estimates are held while jobs run and the final cost is charged") {
    auto a = user.post("/api/v1/jobs", cpu_job(2, 1));  // ¥0.20
    REQUIRE(a.status == 201);
    auto org = user.get("/api/v1/orgs/" + f.user_org).json();
    CHECK(org.at("held_cny").get<double>() + org.at("spent_cny").get<double>() ==
          Approx(0.2).margin(0.001));
    const json done = wait_for_state(user, a.json().at("id"), "succeeded");
    const double cost = done.at("final_cost_cny").get<double>();
    CHECK(cost > 0);
    org = user.get("/api/v1/orgs/" + f.user_org).json();
    CHECK(org.at("held_cny") == 0.0);
    CHECK(org.at("spent_cny").get<double>() == Approx(cost));
    CHECK(org.at("remaining_cny").get<double>() == Approx(1.0 - cost));
    // What is left no longer covers ¥0.90.
    CHECK(user.post("/api/v1/jobs", cpu_job(9, 1)).status == 402);
  }
  SECTION("removing the budget lifts the limit") {
    REQUIRE(admin.patch("/api/v1/orgs/" + f.user_org, {{"budget_cny", nullptr}}).status == 200);
    CHECK(user.post("/api/v1/jobs", cpu_job(8, 2)).status == 201);
  }
}

}  // namespace suanwang::testing
