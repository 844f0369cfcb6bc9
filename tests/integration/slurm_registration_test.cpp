// Registering a Slurm site over the API (issue 20 item 2): the gateway agrees with slurmrestd on
// the newest API version both speak and shows it with the Slurm release; a slurmrestd that serves
// none of them is refused with 400 naming what it offers. slurmrestd is played by recorded Slurm
// 25.05.8 answers (tests/data/slurm-25.05) behind a small HTTP server.
#include <catch2/catch.hpp>

#include "integration/support/federation_setup.hpp"
#include "integration/support/security_support.hpp"
#include "support/replay_http_server.hpp"
#include "unit/adapters/slurm_test_data.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

json slurm_site_body(const std::string& name, const std::string& endpoint, json options) {
  json body = local_site_body(name, "cn-test-east");
  options.update({{"partition", "debug"}, {"output_dir", "/srv/slurm/jobs"}});
  body["adapter"] = {
      {"type", "slurm"},
      {"endpoint", endpoint},
      {"options", options},
      {"credentials", {{"user", "nobody"}, {"token", "eyJhbGciOiJIUzI1NiJ9.e30.x"}}}};
  return body;
}
}  // namespace

TEST_CASE("a Slurm site joins with the API version agreed, or is refused naming what it offers",
          "[integration][sites][slurm]") {
  ReplayHttpServer slurm_25_05;
  serve_recorded_slurm(slurm_25_05, "v0.0.43");
  ReplayHttpServer slurm_old;  // serves only v0.0.39, which this build does not speak
  slurm_old.answer(
      "GET", "/openapi/v3",
      {200, "application/json",
       R"({"openapi":"3.0.3","paths":{"/slurm/v0.0.39/ping":{},"/slurm/v0.0.39/jobs":{}}})"});

  TempDir dir;
  TestGateway gw(dir.path());
  LocalFederation f = set_up_local_federation(gw);
  auto op = gw.client(f.operator_key);

  auto joined = op.post("/api/v1/sites",
                        slurm_site_body("Slurm 25.05", slurm_25_05.endpoint(), json::object()));
  INFO(joined.body);
  REQUIRE(joined.status == 201);
  CHECK(joined.json().at("health").at("api_version") == "v0.0.43");
  CHECK(joined.json().at("health").at("release") == "Slurm 25.05.8");
  const std::string site_id = joined.json().at("id");
  wait_until_reporting(op, site_id);
  auto detail = op.get("/api/v1/sites/" + site_id).json();
  CHECK(detail.at("health").at("api_version") == "v0.0.43");
  CHECK(detail.at("capacity").at("cpus").at("total") == 16);

  auto refused =
      op.post("/api/v1/sites", slurm_site_body("Old Slurm", slurm_old.endpoint(), json::object()));
  INFO(refused.body);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("offers v0.0.39") != std::string::npos);
  CHECK(refused.body.find("v0.0.44, v0.0.43, v0.0.42, v0.0.41, v0.0.40, v0.0.38") !=
        std::string::npos);

  // A version pinned that the site does not serve: refused, naming what it does serve.
  slurm_25_05.answer("GET", "/openapi/v3",
                     {200, "application/json", R"({"paths":{"/slurm/v0.0.43/ping":{}}})"});
  auto pinned = op.post("/api/v1/sites", slurm_site_body("Pinned", slurm_25_05.endpoint(),
                                                         {{"api_version", "v0.0.41"}}));
  INFO(pinned.body);
  CHECK(pinned.status == 400);
  CHECK(pinned.body.find("does not serve v0.0.41") != std::string::npos);

  // Neither refused site is listed.
  const auto sites = op.get("/api/v1/sites").json().at("items");
  for (const auto& s : sites) {
    CHECK(s.at("name") != "Old Slurm");
    CHECK(s.at("name") != "Pinned");
  }
}

}  // namespace suanwang::testing
