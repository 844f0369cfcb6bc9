// A site's `max_in_flight` cap holds whatever the concurrency (issue 18): many connections
// submit at once to a gateway busy with other work, and the capped site never has more gateway
// jobs in flight than its cap. Before the fix a placement counted against the cap only after its
// job was committed, so placements in between saw the old count (cap 4: six in flight; cap 12:
// sixteen). The jobs run for an hour, so none leaves flight during the test: the count at the end
// is the highest it ever was.
#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

json capped_site(const std::string& name, int cap) {
  json pool = {{"name", "cpu"}, {"cpus", 512}, {"memory_gb", 4096}};
  json adapter = {{"type", "sim"}, {"options", {{"pools", json::array({pool})}}}};
  return {{"name", name},
          {"region", "cn-test-east"},
          {"adapter", adapter},
          {"pricing", {{"cpu_core_hour", 0.1}}},
          {"policy", {{"max_in_flight", cap}}}};
}

json long_job() {
  return {{"command", "train"},
          {"resources", {{"cpus", 1}, {"memory_gb", 1}, {"walltime_s", 7200}}},
          {"expected_runtime_s", 3600}};
}

void flood_and_check(int cap) {
  TempDir dir;
  TestGateway gw{dir.path(), {.tweak = [](Config& c) {
                   c.capacity_interval = std::chrono::milliseconds(50);
                   c.reconcile_interval = std::chrono::milliseconds(50);
                 }}};
  const auto fed = set_up_sim_federation(gw, {capped_site("Capped", cap)});
  const std::string site = fed.site_ids.at(0);

  constexpr int kClients = 16, kJobsEach = 3 * 2;  // 96 jobs against a cap of at most 12
  std::atomic<int> accepted{0}, errors{0};
  std::atomic<bool> flooding{true};
  // Load beside the flood: reads of capacity and jobs on other connections.
  std::thread reader([&] {
    auto c = gw.client(fed.user_key);
    while (flooding) {
      (void)c.get("/api/v1/capacity");
      (void)c.get("/api/v1/jobs?page_size=100");
    }
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&] {
      auto c = gw.client(fed.user_key);
      for (int i = 0; i < kJobsEach; ++i) {
        auto r = c.post("/api/v1/jobs", long_job());
        if (r.status == 201) {
          ++accepted;
        } else {
          ++errors;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  flooding = false;
  reader.join();
  REQUIRE(errors == 0);
  REQUIRE(accepted == kClients * kJobsEach);

  auto user = gw.client(fed.user_key);
  auto count = [&](std::map<std::string, int>& by_state) {
    by_state.clear();
    auto list = user.get("/api/v1/jobs?page_size=500");
    REQUIRE(list.status == 200);
    const json body = list.json();
    for (const auto& j : body.at("items")) by_state[j.at("state")] += 1;
    return by_state["placed"] + by_state["submitted"] + by_state["running"];
  };
  // Let the dispatcher submit, reconcile and try the waiting jobs again a few times.
  std::map<std::string, int> states;
  REQUIRE(eventually([&] { return count(states) == cap && states["placed"] == 0; },
                     std::chrono::seconds(30)));
  for (int pass = 0; pass < 10; ++pass) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));  // a reconcile pass or more
    INFO("pass " << pass);
    CHECK(count(states) <= cap);
  }
  CHECK(states["pending"] == kClients * kJobsEach - cap);
  CHECK(states["failed"] == 0);
}

}  // namespace

TEST_CASE("a capped site never has more jobs in flight than its cap, under a flood",
          "[integration][placement][cap]") {
  SECTION("cap 4") {
    flood_and_check(4);
  }
  SECTION("cap 12") {
    flood_and_check(12);
  }
}

}  // namespace suanwang::testing
