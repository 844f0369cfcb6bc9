// The demo's background load (`serve --demo`, app/demo_load.hpp): the org demo-load submits
// jobs through the job service to the emulated sites only, never more than its bound unfinished,
// keeps only its newest finished jobs, and leaves the demo user's own list alone.
#include <fstream>
#include <set>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

constexpr int kMaxInFlight = 3;
constexpr int kKeep = 2;

bool unfinished_state(const std::string& s) {
  return s != "succeeded" && s != "failed" && s != "canceled";
}

TEST_CASE("the demo load submits to emulated sites only, bounded, and deletes its old jobs",
          "[integration][demo][demo_load]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true, .demo_load = true, .tweak = [](Config& c) {
                                c.demo_load_jobs_per_minute = 600;  // throttled by the bound
                                c.demo_load_max_in_flight = kMaxInFlight;
                                c.demo_load_keep_jobs = kKeep;
                                c.demo_load_time_scale = 100000;  // every job runs 5 s
                              }});
  REQUIRE(gw.app().demo_load() != nullptr);
  auto admin = gw.client(gw.admin_key());
  auto user = gw.client(gw.demo_key("demo-user"));
  const std::string local = local_site_id(admin);
  REQUIRE_FALSE(local.empty());
  std::set<std::string> sims;
  const json sites = admin.get("/api/v1/sites?page_size=500").json();
  for (const auto& s : sites.at("items")) {
    if (s.at("adapter").at("type") == "sim") sims.insert(s.at("id").get<std::string>());
  }
  REQUIRE(sims.size() == 10);
  // An operator's own sim site, registered while the load runs, is left to them.
  std::ifstream example(std::string(SUANWANG_TEST_DATA_DIR) + "/../../etc/examples/site-sim.json");
  auto mine_site = gw.client(gw.demo_key("demo-operator")).post("/api/v1/sites", json::parse(example));
  INFO(mine_site.body);
  REQUIRE(mine_site.status == 201);
  const std::string operators_own = mine_site.json().at("id");
  // Its registration read its capacity: that was its first report, so it is online at once.
  CHECK(mine_site.json().at("status") == "online");

  // Watch the demo-load org's jobs until more of them have been seen than may be kept at once
  // and some have finished: every look finds the bounds kept.
  const std::string demo_user_org = gw.demo_org_id("demo-user");
  std::set<std::string> seen, finished;
  std::string load_org;
  const bool pruned = eventually(
      [&] {
        auto r = admin.get("/api/v1/jobs?page_size=500");
        REQUIRE(r.status == 200);
        int unfinished = 0, held = 0;
        const json jobs = r.json();
        for (const auto& j : jobs.at("items")) {
          if (j.at("org_id") == demo_user_org) continue;
          const std::string id = j.at("id");
          if (load_org.empty()) load_org = j.at("org_id");
          INFO(j.dump());
          CHECK(j.at("org_id") == load_org);  // one org: demo-load
          const json& allowed = j.at("spec").at("constraints").at("sites");
          CHECK(allowed.size() == sims.size());
          for (const auto& s : allowed) CHECK(s != operators_own);
          if (j.contains("site") && j.at("site").is_string()) {
            CHECK(sims.contains(j.at("site").get<std::string>()));
            CHECK(j.at("site") != local);
          }
          seen.insert(id);
          ++held;
          if (unfinished_state(j.at("state"))) {
            ++unfinished;
          } else {
            finished.insert(id);
          }
        }
        CHECK(unfinished <= kMaxInFlight);
        // Pruned after every arrival; jobs that finished since are at most the unfinished ones.
        CHECK(held <= kMaxInFlight + kKeep + kMaxInFlight);
        return seen.size() > static_cast<std::size_t>(kMaxInFlight + kKeep + kMaxInFlight) &&
               !finished.empty();
      },
      std::chrono::seconds(90));
  INFO(gw.log_text());
  CHECK(pruned);
  CHECK(finished.size() > static_cast<std::size_t>(kKeep));
  // Deleted: a job seen finished earlier and not among the newest is gone from the API.
  int gone = 0;
  for (const auto& id : finished) gone += admin.get("/api/v1/jobs/" + id).status == 404;
  CHECK(gone > 0);

  // The demo user's own job list holds nothing of it.
  auto mine = user.get("/api/v1/jobs");
  REQUIRE(mine.status == 200);
  CHECK(mine.json().at("items").empty());
}

TEST_CASE("the demo load runs only with --demo and not when switched off",
          "[integration][demo][demo_load]") {
  SECTION("--demo --demo-load off") {
    TempDir dir;
    TestGateway gw(dir.path(), {.demo = true, .demo_load = false});
    CHECK(gw.app().demo_load() == nullptr);
  }
  SECTION("demo_load on without --demo") {
    TempDir dir;
    TestGateway gw(dir.path(), {.demo = false, .demo_load = true});
    CHECK(gw.app().demo_load() == nullptr);
    auto orgs = gw.client(gw.admin_key()).get("/api/v1/orgs?page_size=500");
    REQUIRE(orgs.status == 200);
    const json list = orgs.json();
    for (const auto& o : list.at("items")) CHECK(o.at("name") != "demo-load");
  }
}

}  // namespace
}  // namespace suanwang::testing
