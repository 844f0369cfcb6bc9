// Setting up a small federation over the API (see federation_setup.hpp).
#include "integration/support/federation_setup.hpp"

#include <catch2/catch.hpp>

namespace suanwang::testing {

using nlohmann::json;

std::string make_org_key(HttpClient& admin, const std::string& name, const std::string& kind,
                         std::string* org_id) {
  auto org = admin.post("/api/v1/orgs", {{"name", name}, {"kind", kind}});
  REQUIRE(org.status == 201);
  const std::string id = org.json().at("id");
  if (org_id) *org_id = id;
  auto key = admin.post("/api/v1/api-keys", {{"name", name + " key"}, {"org_id", id}});
  REQUIRE(key.status == 201);
  return key.json().at("key");
}

LocalFederation set_up_local_federation(TestGateway& gw) {
  LocalFederation f;
  auto admin = gw.client(gw.admin_key());
  auto regions =
      admin.put("/api/v1/regions", json::array({{{"id", "cn-test-east"}, {"name", "Test East"}},
                                                {{"id", "cn-test-west"}, {"name", "Test West"}}}));
  REQUIRE(regions.status == 200);
  auto links = admin.put("/api/v1/network", json::array({{{"a", "cn-test-east"},
                                                          {"b", "cn-test-west"},
                                                          {"rtt_ms", 40},
                                                          {"bandwidth_gbps", 10},
                                                          {"egress_cny_per_gb", 0.2}}}));
  REQUIRE(links.status == 200);
  f.operator_key = make_org_key(admin, "center-east", "operator");
  f.user_key = make_org_key(admin, "acme-robotics", "user", &f.user_org);
  f.other_key = make_org_key(admin, "other-company", "user");

  auto op = gw.client(f.operator_key);
  auto site =
      op.post("/api/v1/sites", {{"name", "East test center"},
                                {"region", "cn-test-east"},
                                {"kind", "general"},
                                {"adapter", {{"type", "local"}, {"options", json::object()}}},
                                {"pricing",
                                 {{"cpu_core_hour", 0.36},
                                  {"memory_gb_hour", 0.0},
                                  {"egress_gb", 0.0},
                                  {"billing_granularity_s", 1}}},
                                {"policy", {{"max_walltime_s", 3600}, {"max_in_flight", 16}}}});
  INFO(site.body);
  REQUIRE(site.status == 201);
  f.site_id = site.json().at("id");
  // The site is usable once the capacity poll has heard from it (`checking` until then).
  REQUIRE(eventually([&] {
    auto s = op.get("/api/v1/sites/" + f.site_id + "/capacity");
    return s.status == 200 && !s.json().at("observed_at").is_null() &&
           op.get("/api/v1/sites/" + f.site_id).json().at("status") == "online";
  }));
  return f;
}

SimFederation set_up_sim_federation(TestGateway& gw, const std::vector<json>& sites) {
  SimFederation f;
  auto admin = gw.client(gw.admin_key());
  json region = {{"id", "cn-test-east"}, {"name", "East"}};
  REQUIRE(admin.put("/api/v1/regions", json::array({region})).status == 200);
  f.operator_key = make_org_key(admin, "center", "operator");
  f.user_key = make_org_key(admin, "sme", "user", &f.user_org);
  auto op = gw.client(f.operator_key);
  for (const auto& s : sites) {
    auto r = op.post("/api/v1/sites", s);
    INFO(r.body);
    REQUIRE(r.status == 201);
    f.site_ids.push_back(r.json().at("id"));
  }
  // Placement needs every site's first capacity report.
  REQUIRE(eventually([&] {
    auto cap = op.get("/api/v1/capacity");
    return cap.status == 200 &&
           cap.json().at("national").at("sites").get<std::size_t>() == sites.size();
  }));
  return f;
}

}  // namespace suanwang::testing
