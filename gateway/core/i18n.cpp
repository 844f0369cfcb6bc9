// Language negotiation and the message catalogs (see i18n.hpp).
#include "gateway/core/i18n.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "gateway/core/embedded.hpp"

namespace suanwang::i18n {
namespace {

using Catalog = std::map<std::string, std::string, std::less<>>;

Catalog load(std::string_view path) {
  Catalog c;
  const auto text = embedded::find(path);
  if (!text) return c;
  const auto j = nlohmann::json::parse(text->begin(), text->end(), nullptr,
                                       /*allow_exceptions=*/false);
  if (!j.is_object()) return c;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) c.emplace(it.key(), it.value().get<std::string>());
  }
  return c;
}

// The catalogs are constant data compiled into the binary, parsed once on first use; being
// immutable after that they are not the global mutable state house rule 3 forbids.
const Catalog& catalog(Lang lang) {
  static const Catalog en = load("i18n/en.json");
  static const Catalog zh = load("i18n/zh.json");
  return lang == Lang::zh ? zh : en;
}

const std::string* find_template(std::string_view code, Lang lang) {
  const Catalog& c = catalog(lang);
  if (auto it = c.find(code); it != c.end()) return &it->second;
  if (lang != Lang::en) return find_template(code, Lang::en);
  return nullptr;
}

const std::string* find_param(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Seconds from now, in the placement summary's steps: now, seconds, minutes, hours.
std::string duration(std::string_view value, Lang lang) {
  const std::string v(value);
  char* end = nullptr;
  const double s = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size()) return v;
  if (s < 1) return render("duration.now", {}, lang);
  if (s < 90) return render("duration.s", {{"n", fmt("%.0f", s)}}, lang);
  if (s < 5400) return render("duration.min", {{"n", fmt("%.0f", s / 60)}}, lang);
  return render("duration.h", {{"n", fmt("%.1f", s / 3600)}}, lang);
}

// A count of bytes as people read it: exact below 10 000 ("1000 B"), else in decimal units with
// one decimal ("10.7 GB"); the same symbols in both languages.
std::string bytes(std::string_view value) {
  const std::string v(value);
  char* end = nullptr;
  const double b = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size()) return v;
  if (b < 1e4) return fmt("%.0f B", b);
  if (b < 1e6) return fmt("%.1f KB", b / 1e3);
  if (b < 1e9) return fmt("%.1f MB", b / 1e6);
  if (b < 1e12) return fmt("%.1f GB", b / 1e9);
  return fmt("%.1f TB", b / 1e12);
}

std::string format_param(std::string_view value, std::string_view kind, Lang lang) {
  if (kind.empty()) return std::string(value);
  if (kind == "duration") return duration(value, lang);
  if (kind == "bytes") return bytes(value);
  std::string code(kind);
  code += '.';
  code += value;
  if (const std::string* t = find_template(code, lang)) return *t;
  return std::string(value);
}

// Fills {name} and {name:kind}; an unknown name is left as written, so it shows.
std::string fill(std::string_view t, const Params& params, Lang lang) {
  std::string out;
  out.reserve(t.size() + 32);
  std::size_t i = 0;
  while (i < t.size()) {
    const auto open = t.find('{', i);
    const auto close = open == std::string_view::npos ? open : t.find('}', open);
    if (close == std::string_view::npos) {
      out.append(t.substr(i));
      break;
    }
    out.append(t.substr(i, open - i));
    const auto spec = t.substr(open + 1, close - open - 1);
    const auto colon = spec.find(':');
    const auto name = spec.substr(0, colon);
    const auto kind = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
    // In zh, a parameter NAME given also as NAME_zh (a site's Chinese name) takes that value.
    const std::string* v = nullptr;
    if (lang == Lang::zh) {
      std::string zh_name(name);
      zh_name += "_zh";
      v = find_param(params, zh_name);
      if (v != nullptr && v->empty()) v = nullptr;
    }
    if (v == nullptr) v = find_param(params, name);
    if (v != nullptr) {
      out += format_param(*v, kind, lang);
    } else {
      out.append(t.substr(open, close - open + 1));
    }
    i = close + 1;
  }
  return out;
}

}  // namespace

Lang parse_lang(std::string_view tag) {
  const bool zh = tag.size() >= 2 && (tag[0] == 'z' || tag[0] == 'Z') &&
                  (tag[1] == 'h' || tag[1] == 'H') && (tag.size() == 2 || tag[2] == '-');
  return zh ? Lang::zh : Lang::en;
}

std::string_view lang_tag(Lang lang) {
  return lang == Lang::zh ? "zh" : "en";
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q of one Accept-Language element's parameters ("q=0.8"); 1 without one, 0 when malformed.
double quality(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    const auto p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    const std::string v(trim(p.substr(2)));
    char* end = nullptr;
    const double q = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || q < 0 || q > 1) return 0;
    return q;
  }
  return 1;
}

bool is_en(std::string_view range) {
  return range == "*" ||
         (range.size() >= 2 && (range[0] == 'e' || range[0] == 'E') &&
          (range[1] == 'n' || range[1] == 'N') && (range.size() == 2 || range[2] == '-'));
}

}  // namespace

Lang negotiate(std::string_view accept_language, std::string_view lang_param) {
  if (!trim(lang_param).empty()) return parse_lang(trim(lang_param));
  Lang best = Lang::en;
  double best_q = 0;
  std::string_view rest = accept_language;
  // Bounded by the header's own length (the HTTP parser limits that).
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto element = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const auto semi = element.find(';');
    const auto range = trim(element.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1.0 : quality(element.substr(semi + 1));
    const bool zh = parse_lang(range) == Lang::zh;
    if (q <= best_q || (!zh && !is_en(range))) continue;  // first wins a tie
    best = zh ? Lang::zh : Lang::en;
    best_q = q;
  }
  return best;
}

std::string render(std::string_view code, const Params& params, Lang lang) noexcept {
  try {
    if (const std::string* t = find_template(code, lang)) return fill(*t, params, lang);
    std::string out(code);
    for (const auto& [k, v] : params) out += " " + k + "=" + v;
    return out;
  } catch (...) {  // only std::bad_alloc can get here
    return {};
  }
}

std::string render(const Message& m, Lang lang) noexcept {
  return render(m.code, m.params, lang);
}

std::string render(const std::vector<Message>& parts, Lang lang) noexcept {
  try {
    std::string out;
    for (const auto& p : parts) out += render(p, lang);
    return out;
  } catch (...) {
    return {};
  }
}

std::vector<std::string> codes(Lang lang) {
  std::vector<std::string> out;
  for (const auto& [k, v] : catalog(lang)) out.push_back(k);
  return out;
}

std::vector<std::string> param_names(std::string_view code, Lang lang) {
  std::vector<std::string> out;
  const Catalog& c = catalog(lang);
  const auto it = c.find(code);
  if (it == c.end()) return out;
  const std::string_view t = it->second;
  for (std::size_t i = t.find('{'); i != std::string_view::npos; i = t.find('{', i + 1)) {
    const auto close = t.find('}', i);
    if (close == std::string_view::npos) break;
    auto spec = t.substr(i + 1, close - i - 1);
    out.emplace_back(spec.substr(0, spec.find(':')));
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json params_json(const Params& params) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : params) j[k] = v;
  return j;
}

Params params_from_json(const nlohmann::json& j) {
  Params out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_string()) out.emplace_back(it.key(), it.value().get<std::string>());
  }
  return out;
}

nlohmann::json message_json(const Message& m) {
  return {{"code", m.code}, {"params", params_json(m.params)}};
}

Message message_from_json(const nlohmann::json& j) {
  Message m;
  if (!j.is_object()) return m;
  const auto code = j.find("code");
  if (code == j.end() || !code->is_string()) return m;
  m.code = code->get<std::string>();
  if (const auto p = j.find("params"); p != j.end()) m.params = params_from_json(*p);
  return m;
}

}  // namespace suanwang::i18n
