// After a restart, jobs in flight are picked up again and none is started twice (DESIGN §2).
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "common/rfc3339.hpp"
#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
using nlohmann::json;

namespace {
int count_lines(const std::filesystem::path& file, const std::string& needle) {
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line == needle ? 1 : 0;
  return n;
}

// The id of the demo's emulated (sim) site called `name`, "" when there is none.
std::string emulated_site_id(HttpClient& client, const std::string& name) {
  auto r = client.get("/api/v1/sites?page_size=500");
  REQUIRE(r.status == 200);
  const json sites = r.json().at("items");  // a copy: the parsed body is a temporary
  for (const auto& s : sites) {
    if (s.at("adapter").at("type") == "sim" && s.at("name") == name) return s.at("id");
  }
  return {};
}

int count_events(const json& events, const std::string& type) {
  int n = 0;
  for (const auto& e : events) n += e.at("type") == type ? 1 : 0;
  return n;
}
}  // namespace

TEST_CASE("a job running across a gateway restart finishes once", "[integration][restart]") {
  TempDir dir;
  const auto marker = dir.path() / "starts.txt";
  std::string id;
  std::string key;
  {
    TestGateway gw(dir.path(), {.demo = true});
    key = gw.demo_key("demo-user");
    auto user = gw.client(key);
    const std::string local_id = local_site_id(user);
    REQUIRE_FALSE(local_id.empty());
    // The command leaves a line per start, then waits for the test's go-ahead file.
    const std::string cmd = "echo started >> '" + marker.string() + "'; while [ ! -e '" +
                            (dir.path() / "go").string() +
                            "' ]; do sleep 0.05; done; echo finished";
    auto created = user.post("/api/v1/jobs",
                             {{"command", cmd},
                              {"resources", {{"cpus", 1}, {"walltime_s", 120}}},
                              {"constraints", {{"sites", {local_id}}}}},
                             {{"Idempotency-Key", "restart-1"}});
    REQUIRE(created.status == 201);
    id = created.json().at("id");
    REQUIRE(eventually([&] { return count_lines(marker, "started") == 1; }));
    wait_for_state(user, id, "running");
    gw.stop();
  }
  // The job's process outlives the gateway; let it finish while nobody is watching.
  { std::ofstream go(dir.path() / "go"); }

  TestGateway again(dir.path(), {.demo = true});
  auto user = again.client(key);
  wait_for_state(user, id, "succeeded");
  CHECK(count_lines(marker, "started") == 1);
  CHECK_THAT(user.get("/api/v1/jobs/" + id + "/logs").json().at("data").get<std::string>(),
             Catch::Contains("finished"));
  // The Idempotency-Key is remembered across the restart: reusing it for another body is refused.
  auto reuse = user.post("/api/v1/jobs", {{"command", "true"}}, {{"Idempotency-Key", "restart-1"}});
  CHECK(reuse.status == 409);
}

// Issue 18 §7: the demo's emulated centers stand for real ones, which keep their jobs while the
// gateway is down; a restart must leave a job there running (or at worst placed again), never
// failed and charged.
TEST_CASE("a demo job at an emulated center runs on across a gateway restart",
          "[integration][restart][demo]") {
  constexpr auto kRuntime = std::chrono::seconds(6);
  TempDir dir;
  std::string id;
  std::string key;
  std::string site_id;
  json before;
  {
    TestGateway gw(dir.path(), {.demo = true});
    key = gw.demo_key("demo-user");
    auto user = gw.client(key);
    // A center without seeded refusals, so that nothing but the restart is under test.
    site_id = emulated_site_id(user, "Zhangjiakou AI Computing Center");
    REQUIRE_FALSE(site_id.empty());
    auto created = user.post("/api/v1/jobs", {{"command", "python train.py"},
                                              {"resources", {{"cpus", 4}, {"walltime_s", 600}}},
                                              {"expected_runtime_s", kRuntime.count()},
                                              {"constraints", {{"sites", {site_id}}}}});
    INFO(created.body);
    REQUIRE(created.status == 201);
    id = created.json().at("id");
    before = wait_for_state(user, id, "running");
    gw.stop();
  }
  CHECK(std::filesystem::exists(dir.path() / "sites" / site_id / "sim-state.json"));

  TestGateway again(dir.path(), {.demo = true});
  auto user = again.client(key);
  const json last = wait_for_state(user, id, "succeeded", std::chrono::seconds(60));
  INFO(last.dump());
  CHECK(last.at("site") == site_id);
  CHECK(last.at("remote_id") == before.at("remote_id"));
  CHECK(last.at("attempt") == before.at("attempt"));
  CHECK(last.at("failure").is_null());
  CHECK(last.at("final_cost_cny").get<double>() > 0);
  // Charged for its own run only: the site's start and end, its runtime apart (to the
  // millisecond the API shows times with).
  const auto started = common::parse_rfc3339(last.at("started_at").get<std::string>());
  const auto finished = common::parse_rfc3339(last.at("finished_at").get<std::string>());
  REQUIRE(started);
  REQUIRE(finished);
  CHECK(*started == *common::parse_rfc3339(before.at("started_at").get<std::string>()));
  const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(*finished - *started);
  CHECK(ran >= kRuntime - std::chrono::milliseconds(1));
  CHECK(ran <= kRuntime + std::chrono::milliseconds(1));
  const json events = user.get("/api/v1/jobs/" + id + "/events").json().at("items");
  INFO(events.dump());
  CHECK(count_events(events, "submitted") == 1);
  CHECK(count_events(events, "started") == 1);
  CHECK(count_events(events, "requeued") == 0);
  CHECK(count_events(events, "failed") == 0);
}

}  // namespace suanwang::testing
