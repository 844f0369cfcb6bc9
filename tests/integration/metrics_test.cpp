// GET /metrics: Prometheus text that promtool accepts, with requests by route template (never by
// raw path), jobs by state, sites and capacity by region and accelerator model, placement and
// adapter latencies; and JSON access logs that carry each request's id.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {

// Runs `promtool check metrics` over `text`; returns its exit status and output.
std::pair<int, std::string> promtool_check(const std::filesystem::path& dir,
                                           const std::string& text) {
  const auto in = dir / "metrics.txt";
  std::ofstream(in) << text;
  const std::string cmd = "promtool check metrics < '" + in.string() + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("metrics: promtool check metrics accepts /metrics of a busy demo gateway",
          "[integration][metrics]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  REQUIRE(eventually(
      [&] { return user.get("/api/v1/capacity").json().at("national").at("sites") == 11; }));
  nlohmann::json job = {{"command", "sleep 1"},
                        {"resources", {{"cpus", 1}, {"walltime_s", 60}}},
                        {"expected_runtime_s", 1}};
  auto created = user.post("/api/v1/jobs", job);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  REQUIRE(user.get("/api/v1/jobs/" + id).status == 200);
  REQUIRE(user.get("/api/v1/jobs/job_doesnotexist").status == 404);
  REQUIRE(user.get("/no/such/path").status == 404);

  auto anon = gw.client();
  auto m = anon.get("/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.header("content-type").rfind("text/plain", 0) == 0);
  const std::string& text = m.body;
  INFO(text.substr(0, 4000));

  // Routes are templates: the job id never becomes a label value.
  CHECK(text.find("route=\"/api/v1/jobs/{id}\",status=\"200\"") != std::string::npos);
  CHECK(text.find("route=\"/api/v1/jobs/{id}\",status=\"404\"") != std::string::npos);
  CHECK(text.find("route=\"unmatched\",status=\"404\"") != std::string::npos);
  CHECK(text.find(id) == std::string::npos);
  CHECK(text.find("suanwang_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/"
                  "jobs\",le=\"+Inf\"} 1") != std::string::npos);
  CHECK(text.find("suanwang_placement_duration_seconds_count{kind=\"place\"} ") !=
        std::string::npos);
  CHECK(text.find("suanwang_adapter_call_duration_seconds_count{site=") != std::string::npos);
  CHECK(text.find("suanwang_jobs{state=\"succeeded\"}") != std::string::npos);
  CHECK(text.find("suanwang_sites{status=\"online\"} ") != std::string::npos);
  CHECK(text.find("suanwang_capacity_cpus{region=\"cn-gz-guian\",kind=\"total\"}") !=
        std::string::npos);
  CHECK(text.find("suanwang_capacity_accelerators{region=") != std::string::npos);
  CHECK(text.find("model=\"Ascend910B\",kind=\"free\"}") != std::string::npos);

  auto [status, output] = promtool_check(dir.path(), text);
  INFO(output);
  CHECK(status == 0);
  CHECK(output.empty());  // no lint complaints either
}

TEST_CASE("metrics: access logs are JSON lines carrying the request id", "[integration][metrics]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto c = gw.client();
  auto r = c.request("GET", "/healthz", "", {{"X-Request-Id", "trace-me-42"}});
  REQUIRE(r.status == 200);
  CHECK(r.header("x-request-id") == "trace-me-42");
  auto generated = c.get("/readyz");
  const std::string rid = generated.header("x-request-id");
  CHECK(rid.rfind("req_", 0) == 0);
  bool found_given = false, found_generated = false;
  REQUIRE(eventually([&] {
    std::istringstream lines(gw.log_text());
    for (std::string line; std::getline(lines, line);) {
      const auto j = nlohmann::json::parse(line);  // every line is JSON
      if (j.value("msg", "") != "access") continue;
      found_given = found_given || j.value("request_id", "") == "trace-me-42";
      found_generated = found_generated || j.value("request_id", "") == rid;
    }
    return found_given && found_generated;
  }));
}

}  // namespace suanwang::testing
