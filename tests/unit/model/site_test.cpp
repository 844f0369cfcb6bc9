// Site registration parsing (POST /api/v1/sites), its stored and shown JSON forms, and the
// secrecy of adapter credentials.
#include <catch2/catch.hpp>

#include <fstream>

#include "gateway/model/site.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::model;
using Catch::Matchers::Contains;

// The registration body of DESIGN §5.
Json design_body() {
  return {{"name", "Gui'an AI Center"},
          {"region", "cn-gz-guian"},
          {"kind", "ai"},
          {"adapter",
           {{"type", "slurm"},
            {"endpoint", "https://slurm.example"},
            {"options", {{"api_version", "v0.0.38"}, {"partition", "gpu"}}},
            {"credentials", {{"user", "svc"}, {"token", "t0ps3cret"}}}}},
          {"pricing",
           {{"cpu_core_hour", 0.05},
            {"memory_gb_hour", 0.004},
            {"gpu_hour", {{"Ascend910B", 4.2}, {"A800", 7.5}}},
            {"egress_gb", 0.2}}},
          {"policy", {{"max_walltime_s", 604800}, {"max_in_flight", 500}}}};
}

Json site_with(Json patch) {
  Json j = design_body();
  j.merge_patch(patch);
  return j;
}

std::string site_error_for(const Json& body, const std::string& field) {
  auto r = parse_site(body);
  INFO(body.dump());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_argument);
  CHECK(r.error().field == field);
  return r.error().message;
}

TEST_CASE("the DESIGN §5 site body parses", "[model][site]") {
  auto s = parse_site(design_body());
  REQUIRE(s);
  CHECK(s->name == "Gui'an AI Center");
  CHECK(s->region == "cn-gz-guian");
  CHECK(s->kind == SiteKind::ai);
  CHECK(s->adapter.type == "slurm");
  CHECK(s->adapter.endpoint == "https://slurm.example");
  CHECK(s->adapter.options["partition"] == "gpu");
  CHECK(s->adapter.credentials["token"] == "t0ps3cret");
  CHECK(s->pricing.cpu_core_hour == 0.05);
  CHECK(s->pricing.memory_gb_hour == 0.004);
  CHECK(s->pricing.gpu_hour.at("Ascend910B") == 4.2);
  CHECK(s->pricing.gpu_hour.at("A800") == 7.5);
  CHECK(s->pricing.egress_gb == 0.2);
  CHECK(s->pricing.billing_granularity_s == 1);
  CHECK(s->policy.max_walltime_s == 604800);
  CHECK(s->policy.max_in_flight == 500);
  CHECK(s->status == SiteStatus::online);
  CHECK_FALSE(s->drained);
}

TEST_CASE("a site body needs only name, region, adapter type and a cpu price", "[model][site]") {
  const Json body = {{"name", "n"},
                     {"region", "r"},
                     {"adapter", {{"type", "sim"}}},
                     {"pricing", {{"cpu_core_hour", 0}}}};
  auto s = parse_site(body);
  REQUIRE(s);
  CHECK(s->kind == SiteKind::general);
  CHECK(s->adapter.endpoint.empty());
  CHECK(s->adapter.options == Json::object());
  CHECK(s->adapter.credentials == Json::object());
  CHECK(s->pricing.memory_gb_hour == 0);
  CHECK(s->pricing.gpu_hour.empty());
  const SitePolicy defaults;
  CHECK(s->policy.max_walltime_s == defaults.max_walltime_s);
  CHECK(s->policy.max_in_flight == defaults.max_in_flight);
}

TEST_CASE("missing and malformed site members are named", "[model][site]") {
  site_error_for(Json::array(), "body");
  site_error_for(site_with({{"name", nullptr}}), "name");
  site_error_for(site_with({{"name", ""}}), "name");
  site_error_for(site_with({{"region", nullptr}}), "region");
  site_error_for(site_with({{"owner", "me"}}), "owner");
  CHECK_THAT(site_error_for(site_with({{"kind", "cloud"}}), "kind"), Contains("hpc, ai, general"));
  site_error_for(site_with({{"adapter", nullptr}}), "adapter");
  site_error_for(site_with({{"adapter", "slurm"}}), "adapter");
  site_error_for(site_with({{"adapter", {{"type", nullptr}}}}), "adapter.type");
  site_error_for(site_with({{"adapter", {{"typ", "x"}}}}), "adapter.typ");
  site_error_for(site_with({{"adapter", {{"options", "x"}}}}), "adapter.options");
  site_error_for(site_with({{"adapter", {{"credentials", {"x"}}}}}), "adapter.credentials");
  site_error_for(site_with({{"pricing", nullptr}}), "pricing");
  site_error_for(site_with({{"pricing", {{"cpu_core_hour", nullptr}}}}), "pricing.cpu_core_hour");
  site_error_for(site_with({{"pricing", {{"cpu_core_hour", -0.01}}}}), "pricing.cpu_core_hour");
  site_error_for(site_with({{"pricing", {{"cpu_core_hour", 1e7}}}}), "pricing.cpu_core_hour");
  site_error_for(site_with({{"pricing", {{"memory_gb_hour", "cheap"}}}}), "pricing.memory_gb_hour");
  site_error_for(site_with({{"pricing", {{"egress_gb", -1}}}}), "pricing.egress_gb");
  site_error_for(site_with({{"pricing", {{"billing_granularity_s", 0}}}}),
                 "pricing.billing_granularity_s");
  site_error_for(site_with({{"pricing", {{"billing_granularity_s", 86401}}}}),
                 "pricing.billing_granularity_s");
  site_error_for(site_with({{"pricing", {{"gpu_hour", 4.2}}}}), "pricing.gpu_hour");
  site_error_for(site_with({{"pricing", {{"gpu_hour", {{"H100", -1}}}}}}), "pricing.gpu_hour.H100");
  site_error_for(site_with({{"pricing", {{"gpu_hour", {{"H100", "4"}}}}}}),
                 "pricing.gpu_hour.H100");
  CHECK_THAT(site_error_for(site_with({{"pricing", {{"gpu_hour", {{"bad model", 1}}}}}}),
                            "pricing.gpu_hour.bad model"),
             Contains("not a valid accelerator model"));
  site_error_for(site_with({{"pricing", {{"fee", 1}}}}), "pricing.fee");
  site_error_for(site_with({{"policy", "strict"}}), "policy");
  site_error_for(site_with({{"policy", {{"max_walltime_s", 59}}}}), "policy.max_walltime_s");
  site_error_for(site_with({{"policy", {{"max_in_flight", 0}}}}), "policy.max_in_flight");
  site_error_for(site_with({{"policy", {{"allowed_orgs", "org_a"}}}}), "policy.allowed_orgs");
  site_error_for(site_with({{"policy", {{"denied_orgs", {1}}}}}), "policy.denied_orgs[0]");
  site_error_for(site_with({{"policy", {{"max_jobs", 1}}}}), "policy.max_jobs");
}

TEST_CASE("accelerator model names", "[model][site]") {
  for (const char* good :
       {"H100", "A800", "Ascend910B", "HygonDCU", "MI250X", "gpu.v2", "a-b_c", "0"}) {
    INFO(good);
    CHECK(valid_accelerator_model(good));
  }
  for (const char* bad :
       {"", "-H100", ".x", "H 100", "H100/80G", "华为", "A123456789012345678901234567890123"}) {
    INFO(bad);
    CHECK_FALSE(valid_accelerator_model(bad));
  }
  CHECK(valid_accelerator_model(std::string(32, 'a')));
  CHECK_FALSE(valid_accelerator_model(std::string(33, 'a')));
}

TEST_CASE("site status names round-trip", "[model][site]") {
  for (const auto& [s, name] : kSiteStatusNames.entries()) {
    CHECK(parse_site_status(site_status_name(s)) == s);
    CHECK(site_status_name(s) == name);
  }
  CHECK(std::string(site_status_name(SiteStatus::checking)) == "checking");
  CHECK_FALSE(parse_site_status("up"));
  CHECK(std::string(site_kind_name(SiteKind::hpc)) == "hpc");
  CHECK(std::string(site_kind_name(SiteKind::ai)) == "ai");
  CHECK(std::string(site_kind_name(SiteKind::general)) == "general");
}

TEST_CASE("the stored form parses back to the same site, credentials included", "[model][site]") {
  auto s = parse_site(
      site_with({{"pricing", {{"billing_granularity_s", 60}}},
                 {"policy", {{"allowed_orgs", {"org_a"}}, {"denied_orgs", {"org_b"}}}}}));
  REQUIRE(s);
  const Json stored = site_to_stored_json(*s);
  auto back = parse_site(stored);
  REQUIRE(back);
  CHECK(site_to_stored_json(*back) == stored);
  CHECK(back->adapter.credentials["token"] == "t0ps3cret");
  CHECK(back->pricing.billing_granularity_s == 60);
  CHECK(back->policy.allowed_orgs == std::vector<std::string>{"org_a"});
  CHECK(back->policy.denied_orgs == std::vector<std::string>{"org_b"});
  CHECK(back->kind == SiteKind::ai);
}

TEST_CASE("the shown form never contains credentials", "[model][site]") {
  auto s = parse_site(design_body());
  REQUIRE(s);
  s->id = "site_1";
  s->org_id = "org_1";
  s->status = SiteStatus::degraded;
  s->drained = true;

  const Json brief = site_to_json(*s, false);
  CHECK(brief["id"] == "site_1");
  CHECK(brief["status"] == "degraded");
  CHECK(brief["drained"] == true);
  CHECK(brief["kind"] == "ai");
  CHECK(brief["adapter"] == Json{{"type", "slurm"}});  // no endpoint or options for others
  CHECK(brief["pricing"]["gpu_hour"]["A800"] == 7.5);
  CHECK(brief.dump().find("t0ps3cret") == std::string::npos);

  const Json detailed = site_to_json(*s, true);
  CHECK(detailed["adapter"]["endpoint"] == "https://slurm.example");
  CHECK(detailed["adapter"]["options"]["partition"] == "gpu");
  CHECK(detailed["adapter"]["credentials_set"] == true);
  CHECK_FALSE(detailed["adapter"].contains("credentials"));
  CHECK(detailed.dump().find("t0ps3cret") == std::string::npos);
  CHECK(detailed.dump().find("svc") == std::string::npos);

  s->adapter.credentials = Json::object();
  CHECK(site_to_json(*s, true)["adapter"]["credentials_set"] == false);
}

}  // namespace

TEST_CASE("a site's Chinese name is kept, stored and shown; the examples in etc/ parse",
          "[model][site]") {
  Json body = design_body();
  body["name_zh"] = "贵安智算中心";
  auto s = parse_site(body);
  REQUIRE(s);
  CHECK(s->name_zh == "贵安智算中心");
  CHECK(site_to_json(*s, false)["name_zh"] == "贵安智算中心");
  auto again = parse_site(site_to_stored_json(*s));
  REQUIRE(again);
  CHECK(again->name_zh == "贵安智算中心");
  // Without one, none is shown (the portal then shows `name` in both languages).
  auto plain = parse_site(design_body());
  REQUIRE(plain);
  CHECK_FALSE(site_to_json(*plain, false).contains("name_zh"));
  body["name_zh"] = std::string(129, 'x');
  auto long_name = parse_site(body);
  REQUIRE_FALSE(long_name);
  CHECK(long_name.error().field == "name_zh");

  for (const char* file : {"site-sim.json", "site-local.json", "site-slurm.json", "site-peer.json"}) {
    INFO(file);
    std::ifstream in(std::string(SUANWANG_TEST_DATA_DIR) + "/../../etc/examples/" + file);
    REQUIRE(in);
    auto example = parse_site(Json::parse(in));
    REQUIRE(example);
    CHECK_FALSE(example->name_zh.empty());
  }
}
