// Site faults (DESIGN §6): sim sites that go dark, answer slowly, refuse or lose jobs. The
// gateway marks a dark site degraded then offline within a bounded time, places new jobs
// elsewhere, re-places the jobs that had not started there, never loses a job, and a hanging
// site never holds up the API. Faults are switched at run time through the sim adapter's
// <work_dir>/fault file (adapters/sim/sim_adapter.hpp).
#include <fstream>

#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto kAdapterTimeout = std::chrono::milliseconds(1500);

json sim_site(const std::string& name, double cpu_price, int cpus, double lose_rate = 0) {
  json pool = {{"name", "cpu"}, {"cpus", cpus}, {"memory_gb", 256}};
  json options = {{"pools", json::array({pool})},
                  {"lose_rate", lose_rate},
                  {"default_runtime_s", 1},
                  {"fault_injection", true}};
  json adapter = {{"type", "sim"}, {"options", options}};
  json pricing = {{"cpu_core_hour", cpu_price}, {"billing_granularity_s", 1}};
  return {{"name", name}, {"region", "cn-test-east"}, {"adapter", adapter}, {"pricing", pricing}};
}

json cpu_job(int cpus, int runtime_s) {
  return {{"command", "work"},
          {"resources", {{"cpus", cpus}, {"memory_gb", 1}, {"walltime_s", 7200}}},
          {"expected_runtime_s", runtime_s},
          {"routing", {{"policy", "cheapest"}}}};
}

// A gateway with fast loops and a short adapter timeout, an operator's sim sites and a user.
struct Federation {
  TempDir dir;
  TestGateway gw{dir.path(), {.tweak = [](Config& c) {
                   c.adapter_timeout = kAdapterTimeout;
                   c.capacity_interval = std::chrono::milliseconds(100);
                   c.failures_until_degraded = 2;
                   c.failures_until_offline = 3;
                 }}};
  SimFederation fed;
  const std::string& user_key = fed.user_key;
  const std::string& op_key = fed.operator_key;
  const std::vector<std::string>& site_ids = fed.site_ids;

  explicit Federation(const std::vector<json>& sites) : fed(set_up_sim_federation(gw, sites)) {}

  void set_fault(const std::string& site, const std::string& fault) {
    const auto path = gw.data_dir() / "sites" / site / "fault";
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << fault;
  }
  void clear_fault(const std::string& site) {
    std::filesystem::remove(gw.data_dir() / "sites" / site / "fault");
  }
  std::string status_of(const std::string& site) {
    return gw.client(op_key).get("/api/v1/sites/" + site).json().at("status");
  }
};

// Every job's events: created first, then placements; never deleted.
void require_final(HttpClient& user, const std::string& id, const std::string& state) {
  const json done = wait_for_state(user, id, state, std::chrono::seconds(40));
  CHECK(done.at("state") == state);
}

}  // namespace

TEST_CASE(
    "faults: a site that goes dark is marked offline, its queued jobs go elsewhere, "
    "running ones wait, and the API stays fast",
    "[integration][faults]") {
  // Cheap has 2 cores: a 2-core job runs there and the next one queues behind it.
  Federation f({sim_site("Cheap", 0.01, 2), sim_site("Dear", 1.0, 64)});
  const std::string cheap = f.site_ids[0], dear = f.site_ids[1];
  auto user = f.gw.client(f.user_key);

  auto running = user.post("/api/v1/jobs", cpu_job(2, 3600));
  REQUIRE(running.status == 201);
  const std::string running_id = running.json().at("id");
  CHECK(running.json().at("site") == cheap);
  wait_for_state(user, running_id, "running");
  auto queued = user.post("/api/v1/jobs", cpu_job(2, 1));
  REQUIRE(queued.status == 201);
  const std::string queued_id = queued.json().at("id");
  REQUIRE(queued.json().at("site") == cheap);  // cheapest, even behind a queue
  wait_for_state(user, queued_id, "submitted");

  const auto dark_at = Clock::now();
  f.set_fault(cheap, "dark");

  // While the site hangs, every API call answers well within one adapter timeout.
  auto max_latency = std::chrono::milliseconds(0);
  auto timed = [&](auto&& call) {
    const auto t0 = Clock::now();
    auto r = call();
    max_latency = std::max(
        max_latency, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0));
    return r;
  };
  REQUIRE(eventually(
      [&] {
        timed([&] { return user.get("/api/v1/capacity"); });
        timed([&] { return user.get("/api/v1/jobs/" + queued_id); });
        return f.status_of(cheap) == "offline";
      },
      std::chrono::seconds(30)));
  // Bounded: failures_until_offline polls, each at most one adapter timeout plus the interval.
  CHECK(Clock::now() - dark_at <
        3 * (kAdapterTimeout + std::chrono::milliseconds(100)) + std::chrono::seconds(3));

  // The queued job is placed again on the other site and runs there; the running one waits.
  const json moved = wait_for_state(user, queued_id, "succeeded", std::chrono::seconds(30));
  CHECK(moved.at("site") == dear);
  CHECK(moved.at("blocked_sites") == json::array({cheap}));
  auto events = user.get("/api/v1/jobs/" + queued_id + "/events").json().at("items");
  bool requeued = false;
  for (const auto& e : events) {
    requeued = requeued || (e.at("type") == "requeued" &&
                            e.at("reason").get<std::string>().find("offline") != std::string::npos);
  }
  CHECK(requeued);
  CHECK(user.get("/api/v1/jobs/" + running_id).json().at("state") == "running");

  // New jobs go elsewhere although the dark site is cheaper.
  auto fresh = timed([&] { return user.post("/api/v1/jobs", cpu_job(1, 1)); });
  REQUIRE(fresh.status == 201);
  CHECK(fresh.json().at("site") == dear);
  require_final(user, fresh.json().at("id"), "succeeded");
  CHECK(max_latency < kAdapterTimeout / 2);

  // Back from the dark: online again, and the job that kept running there is still tracked.
  f.clear_fault(cheap);
  REQUIRE(eventually([&] { return f.status_of(cheap) == "online"; }, std::chrono::seconds(20)));
  CHECK(user.get("/api/v1/jobs/" + running_id).json().at("state") == "running");
}

TEST_CASE("faults: a slow site is still used and does not slow the API", "[integration][faults]") {
  Federation f({sim_site("Slow", 0.01, 64), sim_site("Dear", 1.0, 64)});
  const std::string slow = f.site_ids[0];
  f.set_fault(slow, "slow 400");  // every call late, but within the adapter timeout
  auto user = f.gw.client(f.user_key);
  std::vector<std::string> ids;
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) {
    auto r = user.post("/api/v1/jobs", cpu_job(1, 1));
    REQUIRE(r.status == 201);
    ids.push_back(r.json().at("id"));
    REQUIRE(user.get("/api/v1/capacity").status == 200);
  }
  // Ten API calls, none of which waits for the site's 400 ms answers.
  CHECK(Clock::now() - t0 < std::chrono::milliseconds(2000));
  for (const auto& id : ids) {
    const json done = wait_for_state(user, id, "succeeded", std::chrono::seconds(30));
    CHECK(done.at("site") == slow);
  }
  CHECK(f.status_of(slow) == "online");
}

TEST_CASE("faults: a site that refuses or cannot be reached loses no job",
          "[integration][faults]") {
  Federation f({sim_site("Flaky", 0.01, 64), sim_site("Dear", 1.0, 64)});
  const std::string flaky = f.site_ids[0], dear = f.site_ids[1];
  auto user = f.gw.client(f.user_key);
  const std::string fault = GENERATE(std::string("refuse"), std::string("unreachable"));
  INFO("fault: " << fault);
  f.set_fault(flaky, fault);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto r = user.post("/api/v1/jobs", cpu_job(1, 1));
    REQUIRE(r.status == 201);
    ids.push_back(r.json().at("id"));
  }
  for (const auto& id : ids) {
    const json done = wait_for_state(user, id, "succeeded", std::chrono::seconds(40));
    CHECK(done.at("site") == dear);
  }
  if (fault == "unreachable") {
    REQUIRE(eventually([&] { return f.status_of(flaky) == "offline"; }, std::chrono::seconds(20)));
  } else {
    CHECK(f.status_of(flaky) == "online");  // refusing jobs is not being down
  }
}

TEST_CASE("faults: jobs a site loses are placed again or failed with the reason, never dropped",
          "[integration][faults]") {
  Federation f({sim_site("Loser", 0.01, 64, 1.0), sim_site("Dear", 1.0, 64)});
  const std::string loser = f.site_ids[0], dear = f.site_ids[1];
  auto user = f.gw.client(f.user_key);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = user.post("/api/v1/jobs", cpu_job(1, 1));
    REQUIRE(r.status == 201);
    ids.push_back(r.json().at("id"));
  }
  for (const auto& id : ids) {
    json last;
    REQUIRE(eventually(
        [&] {
          last = user.get("/api/v1/jobs/" + id).json();
          const std::string s = last.at("state");
          return s == "succeeded" || s == "failed";
        },
        std::chrono::seconds(40)));
    INFO(last.dump());
    if (last.at("state") == "succeeded") {
      CHECK(last.at("site") == dear);  // lost before it ran, re-placed
    } else {
      CHECK_THAT(last.at("reason").get<std::string>(), Catch::Contains("lost"));
    }
  }
  auto listed = user.get("/api/v1/jobs?page_size=100").json().at("items");
  CHECK(listed.size() == ids.size());
}

}  // namespace suanwang::testing
