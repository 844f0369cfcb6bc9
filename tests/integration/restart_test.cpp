// After a restart, jobs in flight are picked up again and none is started twice (DESIGN §2).
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

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

}  // namespace suanwang::testing
