// Messages for people in their own language (DESIGN §5): text the server writes is carried as a
// stable code plus named parameters and rendered from the zh or en catalog (schema/i18n/*.json,
// compiled into the binary) by the caller's language. Pure; nothing here throws.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace suanwang::i18n {

enum class Lang { en, zh };

// Parameters by name, in the order written. Values are already formatted (numbers, money,
// sizes), except those a template formats itself ({name:duration}, {name:bytes}, {name:kind}).
using Params = std::vector<std::pair<std::string, std::string>>;

// One coded sentence (or part of one). An empty code means "no coded form".
struct Message {
  std::string code;
  Params params;

  bool empty() const { return code.empty(); }
};

// "zh" for zh and any zh-* tag (zh-CN, zh-Hans-CN, ZH-tw), "en" for anything else.
Lang parse_lang(std::string_view tag);
std::string_view lang_tag(Lang lang);
// The caller's language: the `lang` query parameter when given, else the supported language
// with the highest q in Accept-Language (RFC 9110 §12.5.4; "*" counts as en), else en.
Lang negotiate(std::string_view accept_language, std::string_view lang_param = {});

// The template of `code` in `lang` with its parameters filled in. A code missing in zh falls
// back to en; a code missing in both renders as the code itself with its parameters, so a
// mistake shows up as an odd sentence, never as an error. Templates name parameters as
// {name}, or {name:duration} (seconds -> "in 5 s" / "5 秒后"), or {name:bytes} (a count of
// bytes -> "1000 B", "10.7 GB"), or {name:kind} (the value translated through the code
// "kind.value", itself when there is none). In zh, {name} takes the value of a non-empty
// parameter "name_zh" when there is one (names with a Chinese form: sites, regions), so one
// set of parameters serves both languages.
std::string render(std::string_view code, const Params& params, Lang lang) noexcept;
std::string render(const Message& m, Lang lang) noexcept;
// Parts written one after another (a summary built of several coded pieces).
std::string render(const std::vector<Message>& parts, Lang lang) noexcept;

// The codes of a catalog and the parameter names of one template (for the completeness test).
std::vector<std::string> codes(Lang lang);
std::vector<std::string> param_names(std::string_view code, Lang lang);

// {"name": "value", ...} and back; values that are not strings are skipped on the way in.
nlohmann::json params_json(const Params& params);
Params params_from_json(const nlohmann::json& j);
// {"code": ..., "params": {...}} and back; an object without a string code gives an empty one.
nlohmann::json message_json(const Message& m);
Message message_from_json(const nlohmann::json& j);

}  // namespace suanwang::i18n
