// Text the server writes for people comes in the caller's language (issue 22): a validation
// error and a quote's reasons and summary in Chinese with Accept-Language: zh-CN (or ?lang=zh),
// in English without, each with its stable code and parameters for programs.
#include <regex>
#include <string>

#include "gateway/core/i18n.hpp"

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

// The reason's coded parts as the API gives them, rendered in `lang` here.
std::string rendered_reason(const json& item, i18n::Lang lang) {
  std::vector<i18n::Message> parts;
  for (const auto& p : item.at("reason_parts")) parts.push_back(i18n::message_from_json(p));
  return i18n::render(parts, lang);
}

// A reason read in Chinese: coded, the catalog's zh text, no English sentence (a site's name,
// which is not translated yet, taken out first).
void check_chinese_reason(const json& item, const std::string& site_name) {
  INFO(item.dump());
  REQUIRE_FALSE(item.at("reason_parts").empty());
  const std::string reason = item.at("reason");
  CHECK(reason == rendered_reason(item, i18n::Lang::zh));
  CHECK(reason != rendered_reason(item, i18n::Lang::en));
  std::string rest = reason;
  if (!site_name.empty()) {
    for (auto at = rest.find(site_name); at != std::string::npos; at = rest.find(site_name)) {
      rest.erase(at, site_name.size());
    }
  }
  CHECK_FALSE(has_english_words(rest));
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

TEST_CASE("a job's reason and its events' reasons are in the caller's language",
          "[integration][i18n]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));
  const std::string local_id = local_site_id(user);
  REQUIRE_FALSE(local_id.empty());
  const json body = {{"command", "echo hello"},
                     {"resources", {{"cpus", 1}, {"walltime_s", 60}}},
                     {"constraints", {{"sites", {local_id}}}}};
  auto created = user.post("/api/v1/jobs", body, kChinese);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::string id = created.json().at("id");
  const std::string site_name = created.json().at("placement").at("site_name");
  check_chinese_reason(created.json(), site_name);
  wait_for_state(user, id, "succeeded");

  auto job_zh = user.request("GET", "/api/v1/jobs/" + id, "", kChinese);
  REQUIRE(job_zh.status == 200);
  CHECK(job_zh.json().at("reason") == "退出码 0");
  check_chinese_reason(job_zh.json(), site_name);
  // In English, the stored sentence as it always was; the parts the same in both.
  auto job_en = user.get("/api/v1/jobs/" + id);
  CHECK(job_en.json().at("reason") == "exit code 0");
  CHECK(job_en.json().at("reason_parts") == job_zh.json().at("reason_parts"));

  auto events_zh = user.request("GET", "/api/v1/jobs/" + id + "/events", "", kChinese);
  auto events_en = user.get("/api/v1/jobs/" + id + "/events");
  REQUIRE(events_zh.status == 200);
  const json zh = events_zh.json().at("items");
  const json en = events_en.json().at("items");
  REQUIRE(zh.size() == en.size());
  std::vector<std::string> types;
  for (std::size_t i = 0; i < zh.size(); ++i) {
    types.push_back(zh[i].at("type"));
    check_chinese_reason(zh[i], site_name);
    CHECK(en[i].at("reason") == rendered_reason(en[i], i18n::Lang::en));
  }
  REQUIRE(types.size() >= 4);
  CHECK(types.front() == "created");
  CHECK(zh.front().at("reason") == "已通过 API 提交");
  CHECK(en.front().at("reason") == "submitted through the API");
  CHECK(types.back() == "succeeded");
  for (std::size_t i = 0; i < zh.size(); ++i) {
    if (types[i] == "started") CHECK(zh[i].at("reason") == "正在 " + local_id + " 上运行");
    if (types[i] == "submitted") {
      CHECK_THAT(zh[i].at("reason").get<std::string>(), Catch::StartsWith("站点已接受"));
    }
  }
  // ?lang= works for a list of jobs too.
  auto list = user.get("/api/v1/jobs?lang=zh");
  REQUIRE(list.status == 200);
  CHECK(list.json().at("items").at(0).at("reason") == "退出码 0");

  SECTION("a cancellation's events are in Chinese") {
    json sleeper = body;
    sleeper["command"] = "sleep 30";
    auto c = user.post("/api/v1/jobs", sleeper, kChinese);
    REQUIRE(c.status == 201);
    const std::string sid = c.json().at("id");
    wait_for_state(user, sid, "running");
    REQUIRE(user.post("/api/v1/jobs/" + sid + "/cancel", json::object()).status == 202);
    wait_for_state(user, sid, "canceled");
    const json events = user.request("GET", "/api/v1/jobs/" + sid + "/events", "", kChinese).json();
    bool requested = false;
    for (const auto& e : events.at("items")) {
      check_chinese_reason(e, site_name);
      if (e.at("type") == "cancel_requested") {
        requested = true;
        CHECK(e.at("reason") == "所有者已请求取消");
      }
      if (e.at("type") == "canceled") CHECK(e.at("reason") == "已按所有者的要求取消");
    }
    CHECK(requested);
  }
}

TEST_CASE("the HTTP layer's own errors are in the caller's language", "[integration][i18n]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true, .tweak = [](Config& c) {
                                c.rate_limit_key_per_s = 1;
                                c.rate_limit_key_burst = 30;
                              }});
  auto user = gw.client(gw.demo_key("demo-user"));
  auto check_zh = [](const HttpResponse& r, int status, const std::string& code,
                     const std::string& title, const std::string& detail) {
    INFO(r.body);
    CHECK(r.status == status);
    CHECK_THAT(r.header("content-type"), Catch::StartsWith("application/problem+json"));
    CHECK(r.header("content-language") == "zh");
    const json p = r.json();
    CHECK(p.at("message_code") == code);
    CHECK(p.at("title") == title);
    CHECK(p.at("detail") == detail);
    CHECK_FALSE(has_english_words(p.at("title")));
  };

  auto missing = user.request("GET", "/api/v1/no-such-thing", "", kChinese);
  check_zh(missing, 404, "http.no_route", "未找到", "没有与 GET /api/v1/no-such-thing 对应的接口");
  auto by_param = user.get("/api/v1/no-such-thing?lang=zh");
  CHECK(by_param.json().at("detail") == missing.json().at("detail"));
  auto english = user.get("/api/v1/no-such-thing");
  CHECK(english.json().at("detail") == "no route for GET /api/v1/no-such-thing");
  CHECK(english.json().at("title") == "Not found");

  auto wrong_method = user.request("DELETE", "/api/v1/jobs", "", kChinese);
  check_zh(wrong_method, 405, "http.method_not_allowed", "不允许的请求方法",
           "/api/v1/jobs 不支持 DELETE 方法；允许的方法：" + wrong_method.header("allow"));
  CHECK_THAT(wrong_method.header("allow"), Catch::Contains("GET") && Catch::Contains("POST"));

  std::map<std::string, std::string> big_headers = kChinese;
  big_headers["Content-Type"] = "application/json";
  const std::string big = "{\"command\": \"" + std::string(2 * 1024 * 1024, 'x') + "\"}";
  auto too_large = user.request("POST", "/api/v1/jobs", big, big_headers);
  const std::string limit = std::to_string(gw.app().config().max_body_bytes);
  check_zh(too_large, 413, "http.body_too_large", "请求体过大", "请求体超过 " + limit + " 字节");

  // Over the key's rate: a 429 with Retry-After, in Chinese.
  HttpResponse limited;
  for (int i = 0; i < 100 && limited.status != 429; ++i) {
    limited = user.request("GET", "/api/v1/jobs", "", kChinese);
  }
  REQUIRE(limited.status == 429);
  const std::string wait = limited.header("retry-after");
  REQUIRE_FALSE(wait.empty());
  check_zh(limited, 429, "http.rate_limited_key", "请求过多",
           "使用此密钥的请求过多（请在 " + wait + " 秒后重试）");
}

}  // namespace suanwang::testing
