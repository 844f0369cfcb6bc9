// Every error a user reads comes in the caller's language (issue 22 items 1 and 2): a
// representative bad request to each service, asked in Chinese, answers with a problem whose
// detail is the zh catalog's sentence with its parameters filled in (no English sentence left),
// with the stable message_code and params for programs; the same request in English keeps the
// English sentence.
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "adapters/slurm/slurm_api.hpp"
#include "gateway/core/i18n.hpp"
#include "gateway/security/encoding.hpp"
#include "integration/support/test_gateway.hpp"
#include "support/replay_http_server.hpp"
#include "unit/adapters/slurm_test_data.hpp"

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

namespace {

json ezh_slurm_site(const std::string& endpoint, json options) {
  options["output_dir"] = "/srv/slurm/jobs";
  if (!options.contains("partition")) options["partition"] = "debug";
  return ezh_site(
      {{"adapter",
        {{"type", "slurm"},
         {"endpoint", endpoint},
         {"options", options},
         {"credentials", {{"user", "nobody"}, {"token", "eyJhbGciOiJIUzI1NiJ9.e30.x"}}}}}});
}

// A refused site's settings, asked in Chinese: the lead `code` and the adapter's sentence
// (params.error_code) in Chinese; no English sentence once `own` (the operator's and the site's
// own words: paths, names, versions) is taken out. The English sentence stays in params.error.
json ezh_adapter_refusal(const HttpResponse& r, const std::string& code,
                         const std::string& adapter_code, const std::vector<std::string>& own) {
  INFO(r.body);
  REQUIRE(r.status == 400);
  const json p = r.json();
  CHECK(p.at("message_code") == code);
  CHECK(p.at("params").at("error_code") == adapter_code);
  CHECK(r.header("content-language") == "zh");
  const std::string detail = p.at("detail");
  // Only the words the operator or the site wrote are taken out, never the rendered sentences.
  json words = json::object();
  words["field"] = p.at("field");
  for (size_t i = 0; i < own.size(); ++i) words["own" + std::to_string(i)] = own[i];
  CHECK_FALSE(ezh_has_english(detail, words));
  CHECK(detail.find('{') == std::string::npos);
  CHECK(detail.find(p.at("params").at("error").get<std::string>()) == std::string::npos);
  return p;
}

}  // namespace

TEST_CASE("errors: a site's adapter settings refused are Chinese in 中文",
          "[integration][i18n][errors][sites]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto op = gw.client(gw.demo_key("demo-operator"));

  SECTION("sim options that do not validate") {
    const json bad = ezh_site({{"adapter", {{"options", {{"pools", json::array()}}}}}});
    auto zh = op.post("/api/v1/sites", bad, kZh);
    const json p = ezh_adapter_refusal(zh, "site.adapter_invalid", "adapter.sim.pools", {});
    CHECK(p.at("detail") == "adapter：适配器设置无效：options.pools 必须是非空的资源池数组");
    auto en = op.post("/api/v1/sites", bad);
    CHECK(en.json().at("detail") == "adapter: options.pools must be a non-empty array of pools");

    auto rate = op.post("/api/v1/sites",
                        ezh_site({{"adapter",
                                   {{"options",
                                     {{"pools", {{{"name", "p"}, {"cpus", 2}, {"memory_gb", 4}}}},
                                      {"failure_rate", 3}}}}}}),
                        kZh);
    ezh_adapter_refusal(rate, "site.adapter_invalid", "adapter.option.number_range", {});
    CHECK(rate.json().at("detail") ==
          "adapter：适配器设置无效：options.failure_rate 必须是 0 到 1 之间的数");
  }
  SECTION("slurm settings that do not validate") {
    auto scheme =
        op.post("/api/v1/sites", ezh_slurm_site("slurm.example:6820", json::object()), kZh);
    ezh_adapter_refusal(scheme, "site.adapter_invalid", "adapter.url.scheme_got",
                        {"slurm.example:6820"});
    auto partition = op.post(
        "/api/v1/sites", ezh_slurm_site("http://127.0.0.1:6820", {{"partition", "gpu a"}}), kZh);
    ezh_adapter_refusal(partition, "site.adapter_invalid", "adapter.option.plain_name", {});
    CHECK(partition.json().at("detail") ==
          "adapter：适配器设置无效：options.partition 必须是合法的 Slurm "
          "分区名（只能包含字母、数字和 _ - "
          ".，最多 64 个字符）");
  }
  SECTION("a slurmrestd without the partition, or without a version in common") {
    ReplayHttpServer slurm;
    serve_recorded_slurm(slurm, "v0.0.43");
    auto no_partition =
        op.post("/api/v1/sites", ezh_slurm_site(slurm.endpoint(), {{"partition", "gpu"}}), kZh);
    const json p = ezh_adapter_refusal(no_partition, "site.check_failed",
                                       "adapter.slurm.no_partition", {"debug"});
    CHECK(p.at("field") == "adapter.options.partition");
    CHECK_THAT(
        p.at("detail").get<std::string>(),
        Catch::StartsWith("adapter.options."
                          "partition：站点连接检查未通过：slurm：站点上没有分区“gpu”（现有分区："));
    auto en = op.post("/api/v1/sites", ezh_slurm_site(slurm.endpoint(), {{"partition", "gpu"}}));
    CHECK_THAT(en.json().at("detail").get<std::string>(),
               Catch::StartsWith("adapter.options.partition: slurm: partition 'gpu' does not exist "
                                 "at the site (it has: "));

    ReplayHttpServer old;  // serves only v0.0.39
    old.answer(
        "GET", "/openapi/v3",
        {200, "application/json", R"({"openapi":"3.0.3","paths":{"/slurm/v0.0.39/ping":{}}})"});
    const std::string where = old.endpoint().substr(std::string("http://").size());
    const std::string known = adapters::slurm::known_api_versions_text();
    auto refused = op.post("/api/v1/sites", ezh_slurm_site(old.endpoint(), json::object()), kZh);
    const json q = ezh_adapter_refusal(refused, "site.check_failed",
                                       "adapter.slurm.no_common_version", {where, known});
    CHECK(q.at("detail") ==
          "adapter.options.api_version：站点连接检查未通过：options.api_version：" + where +
              " 上的 slurmrestd 提供的是 v0.0.39，而本网关支持 " + known);
  }
}

}  // namespace suanwang::testing
