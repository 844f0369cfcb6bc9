// Messages in the caller's language: negotiation, rendering, and the catalogs' completeness (a
// zh entry for every en code, with the same parameters, so nothing falls back in practice).
#include <catch2/catch.hpp>

#include <string>

#include "gateway/core/i18n.hpp"
#include "gateway/core/json.hpp"

namespace {

using namespace suanwang;
using i18n::Lang;

TEST_CASE("i18n: zh for any zh tag, en for anything else", "[core][i18n]") {
  CHECK(i18n::parse_lang("zh") == Lang::zh);
  CHECK(i18n::parse_lang("zh-CN") == Lang::zh);
  CHECK(i18n::parse_lang("ZH-Hans-CN") == Lang::zh);
  CHECK(i18n::parse_lang("zh-TW") == Lang::zh);
  CHECK(i18n::parse_lang("en") == Lang::en);
  CHECK(i18n::parse_lang("zhx") == Lang::en);
  CHECK(i18n::parse_lang("fr") == Lang::en);
  CHECK(i18n::parse_lang("") == Lang::en);
}

TEST_CASE("i18n: Accept-Language by q-value, the lang parameter overriding", "[core][i18n]") {
  CHECK(i18n::negotiate("") == Lang::en);
  CHECK(i18n::negotiate("zh-CN") == Lang::zh);
  CHECK(i18n::negotiate("zh-CN,zh;q=0.9,en;q=0.8") == Lang::zh);
  CHECK(i18n::negotiate("en-US,en;q=0.9,zh-CN;q=0.8") == Lang::en);
  CHECK(i18n::negotiate("en;q=0.5, zh;q=0.7") == Lang::zh);
  CHECK(i18n::negotiate("en;q=0.5 , ZH-cn ; Q=0.6") == Lang::zh);
  // A language we do not have is skipped for the next one we do.
  CHECK(i18n::negotiate("fr-FR, zh;q=0.3") == Lang::zh);
  CHECK(i18n::negotiate("fr-FR, de") == Lang::en);
  CHECK(i18n::negotiate("*;q=0.9, zh;q=0.5") == Lang::en);
  // q=0 means "not this one"; a malformed q counts as 0.
  CHECK(i18n::negotiate("zh;q=0, en;q=0.1") == Lang::en);
  CHECK(i18n::negotiate("zh;q=abc") == Lang::en);
  CHECK(i18n::negotiate("zh;q=2") == Lang::en);
  // A tie goes to the first listed.
  CHECK(i18n::negotiate("zh, en") == Lang::zh);
  CHECK(i18n::negotiate("en, zh") == Lang::en);
  CHECK(i18n::negotiate(",,;,") == Lang::en);
  CHECK(i18n::negotiate("en", "zh") == Lang::zh);
  CHECK(i18n::negotiate("zh-CN", "en") == Lang::en);
  CHECK(i18n::negotiate("zh-CN", "  ") == Lang::zh);
}

TEST_CASE("i18n: render fills named parameters in either language", "[core][i18n]") {
  const i18n::Params p{{"field", "resources.cpus"}, {"min", "1"}, {"max", "1000"}};
  CHECK(i18n::render("json.out_of_range", p, Lang::en) ==
        "resources.cpus must be between 1 and 1000");
  CHECK(i18n::render("json.out_of_range", p, Lang::zh) == "resources.cpus 必须在 1 到 1000 之间");
  // Parameters may come in any order.
  const i18n::Params q{{"max", "1000"}, {"min", "1"}, {"field", "x"}};
  CHECK(i18n::render("json.out_of_range", q, Lang::en) == "x must be between 1 and 1000");
}

TEST_CASE("i18n: {name:kind} translates a word and {name:duration} formats seconds",
          "[core][i18n]") {
  const i18n::Params p{{"field", "name"}, {"type", "integer"}};
  CHECK(i18n::render("json.not_string", p, Lang::en) == "name must be a string, not an integer");
  CHECK(i18n::render("json.not_string", p, Lang::zh) == "name 必须是字符串，而不是整数");
  CHECK(i18n::render("reject.deadline", {{"eta", "0.2"}}, Lang::en) ==
        "results would arrive now, after constraints.deadline");
  CHECK(i18n::render("reject.deadline", {{"eta", "30"}}, Lang::en) ==
        "results would arrive in 30 s, after constraints.deadline");
  CHECK(i18n::render("reject.deadline", {{"eta", "600"}}, Lang::en) ==
        "results would arrive in 10 min, after constraints.deadline");
  CHECK(i18n::render("reject.deadline", {{"eta", "7200"}}, Lang::en) ==
        "results would arrive in 2.0 h, after constraints.deadline");
  CHECK(i18n::render("reject.deadline", {{"eta", "600"}}, Lang::zh) ==
        "结果将在10 分钟后送达，晚于 constraints.deadline");
  // A value that is no number of seconds is shown as it is.
  CHECK(i18n::render("reject.deadline", {{"eta", "soon"}}, Lang::en) ==
        "results would arrive soon, after constraints.deadline");
}

TEST_CASE("i18n: in zh a parameter's _zh form wins when given and not empty", "[core][i18n]") {
  const i18n::Params named{{"site", "Gui'an Data Center Cluster"},
                           {"site_zh", "贵安数据中心集群"},
                           {"cost", "¥1.00"},
                           {"start", "0"}};
  CHECK(i18n::render("summary.chosen", named, Lang::zh) == "贵安数据中心集群：¥1.00，立即开始");
  CHECK(i18n::render("summary.chosen", named, Lang::en) ==
        "Gui'an Data Center Cluster: ¥1.00, starts now");
  i18n::Params unnamed = named;
  unnamed[1].second.clear();  // no Chinese name: the one name in both languages
  CHECK(i18n::render("summary.chosen", unnamed, Lang::zh) ==
        "Gui'an Data Center Cluster：¥1.00，立即开始");
}

TEST_CASE("i18n: {name:bytes} shows a byte count as people read it", "[core][i18n]") {
  const i18n::Params p{{"quota", "1000"}, {"used", "999"}, {"size", "10700000000"}, {"free", "1"}};
  CHECK(i18n::render("quota.storage_full", p, Lang::en) ==
        "the org's storage quota is 1000 B and 999 B are used; 10.7 GB more do not fit "
        "(free: 1 B)");
  CHECK(i18n::render("quota.storage_full", p, Lang::zh) ==
        "组织的存储配额为 1000 B，已用 999 B，剩余 1 B；放不下新增的 10.7 GB");
  const auto size = [](const char* n) {
    return i18n::render("quota.file_too_large", {{"size", n}, {"max", "9999"}}, Lang::en);
  };
  CHECK(size("12345") == "the file is 12.3 KB; one file may be at most 9999 B");
  CHECK(size("2500000") == "the file is 2.5 MB; one file may be at most 9999 B");
  CHECK(size("3000000000000") == "the file is 3.0 TB; one file may be at most 9999 B");
  CHECK(size("lots") == "the file is lots; one file may be at most 9999 B");  // shown as it is
}

TEST_CASE("i18n: render never fails: unknown codes and missing parameters show as written",
          "[core][i18n]") {
  CHECK(i18n::render("no.such.code", {{"a", "1"}}, Lang::zh) == "no.such.code a=1");
  CHECK(i18n::render("json.required", {}, Lang::en) == "{field} is required");
  CHECK(i18n::render("", {}, Lang::en).empty());
  const std::vector<i18n::Message> parts{{"summary.no_data", {}},
                                         {"summary.also_fastest", {{"n", "3"}}}};
  CHECK(i18n::render(parts, Lang::en) == ", no data moved; also the fastest of 3 sites");
}

TEST_CASE("i18n: every en code has a zh entry with the same parameters", "[core][i18n]") {
  const auto en = i18n::codes(Lang::en);
  const auto zh = i18n::codes(Lang::zh);
  REQUIRE(en.size() > 50);
  CHECK(en == zh);  // the same codes, both ways
  for (const auto& code : en) {
    INFO(code);
    CHECK(i18n::param_names(code, Lang::en) == i18n::param_names(code, Lang::zh));
  }
}

TEST_CASE("i18n: a zh template is Chinese, not a copy of the English", "[core][i18n]") {
  for (const auto& code : i18n::codes(Lang::en)) {
    INFO(code);
    const std::string en = i18n::render(code, {}, Lang::en);
    const std::string zh = i18n::render(code, {}, Lang::zh);
    // Words that are the same in both: null, and templates that are only a parameter.
    if (code == "json_type.null" || code == "summary.code_only") continue;
    CHECK(en != zh);
  }
}

TEST_CASE("i18n: messages and parameters round-trip through JSON", "[core][i18n]") {
  const i18n::Message m{"json.too_long", {{"field", "name"}, {"max", "256"}}};
  const Json j = i18n::message_json(m);
  CHECK(j == Json({{"code", "json.too_long"}, {"params", {{"field", "name"}, {"max", "256"}}}}));
  const auto back = i18n::message_from_json(j);
  CHECK(back.code == m.code);
  CHECK(i18n::render(back, Lang::en) == "name is longer than 256 bytes");
  CHECK(i18n::message_from_json(Json(42)).empty());
  CHECK(i18n::message_from_json(Json({{"code", 1}})).empty());
  CHECK(i18n::params_from_json(Json({{"a", 1}, {"b", "x"}})).size() == 1);
}

TEST_CASE("i18n: JsonReader errors carry a code, parameters and the same English", "[core][i18n]") {
  const Json body = {{"cpus", "four"}, {"extra", 1}};
  JsonReader r(body, "resources.");
  auto cpus = r.opt_int("cpus", 1, 64);
  REQUIRE_FALSE(cpus);
  CHECK(cpus.error().message == "resources.cpus must be an integer, not a string");
  CHECK(cpus.error().field == "resources.cpus");
  CHECK(cpus.error().text.code == "json.not_integer");
  CHECK(i18n::render(cpus.error().text, Lang::zh) == "resources.cpus 必须是整数，而不是字符串");
  auto unknown = r.reject_unknown({"cpus"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "unknown field 'resources.extra'");
  CHECK(i18n::render(unknown.error().text, Lang::zh) == "未知字段“resources.extra”");
}

}  // namespace
