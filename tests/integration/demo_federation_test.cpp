// `suanwang serve --demo`: the living national federation the README promises.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
using nlohmann::json;

TEST_CASE("the demo federation has a site in every hub region and national capacity",
          "[integration][demo]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));

  auto sites = user.get("/api/v1/sites?page_size=500");
  REQUIRE(sites.status == 200);
  const json site_list = sites.json().at("items");
  std::set<std::string> regions;
  int local = 0;
  for (const auto& s : site_list) {
    regions.insert(s.at("region").get<std::string>());
    if (s.at("name").get<std::string>().find("local") != std::string::npos) ++local;
  }
  CHECK(site_list.size() >= 11);
  CHECK(regions.size() >= 10);
  CHECK(local == 1);

  auto hubs = user.get("/api/v1/regions");
  REQUIRE(hubs.status == 200);
  CHECK(hubs.json().at("items").size() >= 10);

  // Once every site has reported, the national view has totals by accelerator model, and each
  // site's figure carries its age.
  json cap;
  REQUIRE(eventually([&] {
    auto r = user.get("/api/v1/capacity");
    if (r.status != 200) return false;
    cap = r.json();
    return cap.at("national").at("sites") == 11;
  }));
  const auto& by_model = cap.at("by_accelerator");
  for (const char* model : {"Ascend910B", "HygonDCU", "A800", "H100"}) {
    INFO(model);
    REQUIRE(by_model.contains(model));
    CHECK(by_model.at(model).at("total").get<int>() > 0);
  }
  int from_models = 0;
  for (const auto& [model, t] : cap.at("national").at("accelerators").items()) {
    from_models += t.at("total").get<int>();
    CHECK(by_model.at(model).at("total") == t.at("total"));
  }
  CHECK(from_models > 0);
  CHECK(cap.at("by_region").size() >= 10);
  for (const auto& s : cap.at("sites")) CHECK(s.at("age_s").is_number());
  // Every total says how old its oldest report is.
  CHECK(cap.at("national").at("oldest_report_age_s").get<double>() >= 0);
  for (const auto& [region, t] : cap.at("by_region").items()) {
    CHECK(t.at("oldest_report_age_s").get<double>() >= 0);
  }
  for (const auto& [model, t] : by_model.items()) {
    CHECK(t.at("oldest_report_age_s").get<double>() >= 0);
  }
}

TEST_CASE("a demo-user job pinned to the local site really runs", "[integration][demo]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  const std::string local_id = local_site_id(user);
  REQUIRE_FALSE(local_id.empty());
  auto created = user.post("/api/v1/jobs", {{"command", "echo pid-$$ on $(uname -s)"},
                                            {"resources", {{"cpus", 1}, {"walltime_s", 60}}},
                                            {"constraints", {{"sites", {local_id}}}}});
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const json last = wait_for_state(user, id, "succeeded");
  CHECK(last.at("site") == local_id);
  auto logs = user.get("/api/v1/jobs/" + id + "/logs").json();
  CHECK_THAT(logs.at("data").get<std::string>(), Catch::Contains("on Linux"));
}

TEST_CASE("unpinned demo jobs are placed on emulated centers and finish", "[integration][demo]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  REQUIRE(eventually(
      [&] { return user.get("/api/v1/capacity").json().at("national").at("sites") == 11; }));
  auto created =
      user.post("/api/v1/jobs", {{"command", "python train.py"},
                                 {"resources",
                                  {{"cpus", 16},
                                   {"memory_gb", 64},
                                   {"walltime_s", 3600},
                                   {"accelerators", {{"model", "Ascend910B"}, {"count", 8}}}}},
                                 {"expected_runtime_s", 1}});
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const json last = wait_for_state(user, id, "succeeded");
  // Only a site with Ascend910B could take it.
  auto cap = user.get("/api/v1/sites/" + last.at("site").get<std::string>() + "/capacity");
  REQUIRE(cap.status == 200);
  CHECK(cap.json().at("totals").at("accelerators").contains("Ascend910B"));
  CHECK(last.at("final_cost_cny").get<double>() > 0);
}

}  // namespace suanwang::testing
