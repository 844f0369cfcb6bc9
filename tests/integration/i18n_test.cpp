// Text the server writes for people comes in the caller's language (issue 22): a validation
// error and a quote's reasons and summary in Chinese with Accept-Language: zh-CN (or ?lang=zh),
// in English without, each with its stable code and parameters for programs.
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

const std::map<std::string, std::string> kChinese = {
    {"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5"}};

// Two Latin words in a row: an English sentence (ids, codes and model names are single words).
bool has_english_words(const std::string& s) {
  static const std::regex words("[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}");
  return std::regex_search(s, words);
}

json ascend_job() {
  return {{"command", "python train.py"},
          {"resources",
           {{"cpus", 16},
            {"memory_gb", 64},
            {"walltime_s", 7200},
            {"accelerators", {{"model", "Ascend910B"}, {"count", 8}}}}},
          {"expected_runtime_s", 3600},
          {"submitter_region", "cn-csj-shanghai"}};
}

const json* rejection_for(const json& decision, const std::string& code) {
  for (const auto& r : decision.at("rejected")) {
    if (r.at("code") == code) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a validation error is in the caller's language, with its code and parameters",
          "[integration][i18n]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  const json body = {{"command", "true"}, {"resources", {{"cpus", "four"}, {"walltime_s", 60}}}};

  auto en = user.post("/api/v1/jobs", body);
  INFO(en.body);
  REQUIRE(en.status == 400);
  CHECK(en.json().at("detail") == "resources.cpus must be an integer, not a string");
  CHECK(en.json().at("title") == "Invalid request");
  CHECK(en.json().at("code") == "invalid_argument");
  CHECK(en.json().at("field") == "resources.cpus");
  CHECK(en.json().at("message_code") == "json.not_integer");
  CHECK(en.json().at("params") == json({{"field", "resources.cpus"}, {"type", "string"}}));
  CHECK(en.header("content-language") == "en");

  auto zh = user.post("/api/v1/jobs", body, kChinese);
  INFO(zh.body);
  REQUIRE(zh.status == 400);
  CHECK(zh.json().at("detail") == "resources.cpus 必须是整数，而不是字符串");
  CHECK(zh.json().at("title") == "请求无效");
  CHECK(zh.json().at("code") == "invalid_argument");
  CHECK(zh.json().at("field") == "resources.cpus");
  CHECK(zh.json().at("message_code") == "json.not_integer");
  CHECK(zh.json().at("params") == en.json().at("params"));
  CHECK(zh.header("content-language") == "zh");

  // The lang query parameter wins over the header (a link can carry it).
  auto param = user.post("/api/v1/jobs?lang=en", body, kChinese);
  CHECK(param.json().at("detail") == en.json().at("detail"));
  auto unknown = user.post("/api/v1/jobs?lang=zh-CN", {{"command", "true"}, {"resoures", 1}});
  CHECK(unknown.json().at("detail") == "未知字段“resoures”");
}

TEST_CASE("a quote's reasons and summary are in the caller's language", "[integration][i18n]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  REQUIRE(eventually(
      [&] { return user.get("/api/v1/capacity").json().at("national").at("sites") == 11; }));

  auto en = user.post("/api/v1/quotes", ascend_job());
  REQUIRE(en.status == 200);
  auto zh = user.post("/api/v1/quotes", ascend_job(), kChinese);
  REQUIRE(zh.status == 200);
  CHECK(zh.header("content-language") == "zh");
  const json de = en.json();
  const json dz = zh.json();
  INFO(dz.dump(2));

  const json* re = rejection_for(de, "no_accelerator_model");
  const json* rz = rejection_for(dz, "no_accelerator_model");
  REQUIRE(re != nullptr);
  REQUIRE(rz != nullptr);
  CHECK(re->at("reason") == "the site offers no Ascend910B");
  CHECK(rz->at("reason") == "站点不提供 Ascend910B");
  CHECK(rz->at("reason_code") == "reject.no_accelerator_model");
  CHECK(rz->at("reason_params") == json({{"model", "Ascend910B"}}));
  for (const auto& r : dz.at("rejected")) CHECK_FALSE(has_english_words(r.at("reason")));

  // The summary: the same parts, led by the chosen site's Chinese name in zh (the demo's sites
  // have one) and its English name in en; no English word in the Chinese one.
  CHECK(dz.at("summary_parts") == de.at("summary_parts"));
  const std::string site_zh = dz.at("chosen").at("site_name_zh");
  const std::string site_en = de.at("chosen").at("site_name");
  const std::string summary = dz.at("summary");
  CHECK(summary.rfind(site_zh, 0) == 0);
  CHECK(de.at("summary").get<std::string>().rfind(site_en, 0) == 0);
  CHECK_THAT(summary, Catch::Contains("开始"));
  CHECK_FALSE(has_english_words(summary));
  CHECK_THAT(de.at("summary").get<std::string>(), Catch::Contains(", starts "));

  SECTION("a job nobody can run is refused in Chinese, and its decision too") {
    json job = ascend_job();
    job["resources"]["accelerators"]["count"] = 100000;
    auto refused = user.post("/api/v1/jobs", job, kChinese);
    INFO(refused.body);
    REQUIRE(refused.status == 422);
    const std::string detail = refused.json().at("detail");
    CHECK_THAT(detail, Catch::StartsWith("没有站点能运行此作业"));
    CHECK(refused.json().at("decision").at("summary") == detail);
    CHECK_FALSE(has_english_words(detail));
  }
  SECTION("a submitted job's decision is rendered per reader") {
    auto created = user.post("/api/v1/jobs", ascend_job());
    REQUIRE(created.status == 201);
    const std::string id = created.json().at("id");
    auto job_zh = user.request("GET", "/api/v1/jobs/" + id, "", kChinese);
    REQUIRE(job_zh.status == 200);
    CHECK_THAT(job_zh.json().at("placement").at("summary").get<std::string>(),
               Catch::Contains("开始"));
    auto job_en = user.get("/api/v1/jobs/" + id);
    CHECK_THAT(job_en.json().at("placement").at("summary").get<std::string>(),
               Catch::Contains("starts"));
    auto decision_zh = user.request("GET", "/api/v1/jobs/" + id + "/decision", "", kChinese);
    REQUIRE(decision_zh.status == 200);
    const json decision = decision_zh.json();  // a named value: r points into it
    const json* r = rejection_for(decision, "no_accelerator_model");
    REQUIRE(r != nullptr);
    CHECK(r->at("reason") == "站点不提供 Ascend910B");
  }
}

}  // namespace suanwang::testing
