// Every error a user reads comes in the caller's language (issue 22 items 1 and 2): a
// representative bad request to each service, asked in Chinese, answers with a problem whose
// detail is the zh catalog's sentence with its parameters filled in (no English sentence left),
// with the stable message_code and params for programs; the same request in English keeps the
// English sentence.
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "gateway/core/i18n.hpp"
#include "gateway/security/encoding.hpp"
#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

const std::map<std::string, std::string> kZh = {{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5"}};

std::map<std::string, std::string> ezh_with(std::map<std::string, std::string> more) {
  for (const auto& [k, v] : kZh) more[k] = v;
  return more;
}

// Two Latin words in a row: an English sentence. Parameters (field names, ids, values the
// caller sent) are taken out first: they are the caller's own words.
bool ezh_has_english(std::string detail, const json& params) {
  for (const auto& [k, v] : params.items()) {
    const std::string value = v.get<std::string>();
    if (value.empty()) continue;
    for (auto at = detail.find(value); at != std::string::npos; at = detail.find(value)) {
      detail.replace(at, value.size(), " ");
    }
  }
  static const std::regex words("[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}");
  return std::regex_search(detail, words);
}

// The response is a Chinese problem coded `code`: its detail is exactly the zh template with
// the problem's own params, and differs from the English rendering.
void ezh_check(const HttpResponse& r, int status, const std::string& code) {
  INFO(r.body);
  REQUIRE(r.status == status);
  const json p = r.json();
  REQUIRE(p.contains("message_code"));
  CHECK(p.at("message_code") == code);
  CHECK(r.header("content-language") == "zh");
  const i18n::Params params = i18n::params_from_json(p.at("params"));
  const std::string zh = i18n::render(code, params, i18n::Lang::zh);
  CHECK(p.at("detail") == zh);
  CHECK(zh != i18n::render(code, params, i18n::Lang::en));
  CHECK(zh.find('{') == std::string::npos);  // every parameter filled
  CHECK_FALSE(ezh_has_english(p.at("detail"), p.at("params")));
}

std::string ezh_b64(std::string_view s) {
  return security::base64_encode(s);
}

json ezh_site(json overrides) {
  json s = {{"name", "华东算力"},
            {"region", "cn-csj-shanghai"},
            {"kind", "general"},
            {"adapter", {{"type", "sim"}}},
            {"pricing", {{"cpu_core_hour", 0.1}}}};
  s.merge_patch(overrides);
  return s;
}

}  // namespace

TEST_CASE("errors: data, quota, site, region, org and key errors are Chinese in 中文",
          "[integration][i18n][errors]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true, .tweak = [](Config& cfg) {
                                cfg.storage_quota_bytes = 1000;
                                cfg.max_upload_bytes = 600;
                              }});
  auto user = gw.client(gw.demo_key("demo-user"));
  auto op = gw.client(gw.demo_key("demo-operator"));
  auto admin = gw.client(gw.admin_key());

  auto created = user.post("/api/v1/datasets", {{"name", "训练数据"}});
  REQUIRE(created.status == 201);
  const std::string ds = created.json().at("id");

  SECTION("a dataset path with '..'") {
    auto r = user.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                          ezh_with({{"Tus-Resumable", "1.0.0"},
                                    {"Upload-Length", "10"},
                                    {"Upload-Metadata", "path " + ezh_b64("data/../secret.txt")}}));
    ezh_check(r, 400, "path.dot_segment");
    CHECK(r.json().at("detail") == "Upload-Metadata path 不能含有“..”路径段");
    auto en = user.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                           {{"Tus-Resumable", "1.0.0"},
                            {"Upload-Length", "10"},
                            {"Upload-Metadata", "path " + ezh_b64("data/../secret.txt")}});
    CHECK(en.json().at("detail") == "Upload-Metadata path must not contain '..' segments");
  }
  SECTION("a full storage quota names the quota, the use and the file") {
    REQUIRE(user.request("PUT", "/api/v1/datasets/" + ds + "/files/a", std::string(500, 'a'), {})
                .status == 201);
    auto r = user.request("PUT", "/api/v1/datasets/" + ds + "/files/b", std::string(501, 'b'), kZh);
    ezh_check(r, 507, "quota.storage_full");
    CHECK(r.json().at("detail") ==
          "组织的存储配额为 1000 B，已用 500 B，剩余 500 B；放不下新增的 501 B");
    // (A PUT that large is refused by the HTTP server's body limit before it reaches here.)
    auto big = user.request("POST", "/api/v1/datasets/" + ds + "/uploads", "",
                            ezh_with({{"Tus-Resumable", "1.0.0"},
                                      {"Upload-Length", "700"},
                                      {"Upload-Metadata", "path " + ezh_b64("c")}}));
    ezh_check(big, 413, "quota.file_too_large");
    CHECK(big.json().at("detail") == "文件大小为 700 B；单个文件最大为 600 B");
  }
  SECTION("an unknown dataset, and a replica at an unknown site") {
    ezh_check(user.request("GET", "/api/v1/datasets/ds_nope", "", kZh), 404, "dataset.not_found");
    ezh_check(
        user.post("/api/v1/datasets",
                  {{"name", "声明"}, {"size_bytes", 10}, {"replicas", {{{"site", "site_nope"}}}}},
                  kZh),
        422, "site.unknown");
  }
  SECTION("a bad site body: kind, price, accelerator model, unknown region") {
    ezh_check(op.post("/api/v1/sites", ezh_site({{"kind", "cloud"}}), kZh), 400, "site.kind");
    ezh_check(
        op.post("/api/v1/sites",
                ezh_site({{"pricing", {{"cpu_core_hour", 0.1}, {"gpu_hour", {{"A800", -1}}}}}}),
                kZh),
        400, "site.gpu_price");
    ezh_check(
        op.post("/api/v1/sites",
                ezh_site({{"pricing", {{"cpu_core_hour", 0.1}, {"gpu_hour", {{"A 800", 1}}}}}}),
                kZh),
        400, "site.accelerator_model_name");
    auto region = op.post("/api/v1/sites", ezh_site({{"region", "cn-nowhere"}}), kZh);
    ezh_check(region, 422, "region.unknown");
    CHECK(region.json().at("detail") == "region：未知地区“cn-nowhere”");
    CHECK(region.json().at("field") == "region");
    ezh_check(user.post("/api/v1/sites", ezh_site({}), kZh), 403, "site.operators_only");
  }
  SECTION("a duplicate org, a wrong key id, a bad usage query") {
    REQUIRE(admin.post("/api/v1/orgs", {{"name", "星河科技"}, {"kind", "user"}}).status == 201);
    auto dup = admin.post("/api/v1/orgs", {{"name", "星河科技"}, {"kind", "user"}}, kZh);
    ezh_check(dup, 409, "org.name_taken");
    CHECK(dup.json().at("detail") == "已有名为“星河科技”的组织");
    ezh_check(admin.post("/api/v1/orgs", {{"name", "x"}, {"kind", "vendor"}}, kZh), 400,
              "org.kind");
    ezh_check(user.request("DELETE", "/api/v1/api-keys/key_nope", "", kZh), 404, "key.not_found");
    ezh_check(user.request("GET", "/api/v1/usage?format=xml", "", kZh), 400, "usage.format");
    ezh_check(user.request("GET", "/api/v1/usage?from=yesterday", "", kZh), 400,
              "usage.time_range");
  }
}

}  // namespace suanwang::testing
