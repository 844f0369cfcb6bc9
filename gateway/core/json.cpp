// Bounded JSON parsing and typed field readers (see json.hpp).
#include "gateway/core/json.hpp"

#include <cmath>
#include <limits>

namespace suanwang {
namespace {
struct TooDeep {};

// The value's JSON type as a catalog word ("json_type.object": "an object" / "对象").
const char* type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    default:
      return "unsupported";
  }
}

Error invalid(const std::string& field, const char* code, i18n::Params more = {}) {
  i18n::Params params{{"field", field}};
  for (auto& p : more) params.push_back(std::move(p));
  return Error::invalid_coded(field, {code, std::move(params)});
}

std::string fmt_num(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}
}  // namespace

Result<Json> parse_json(std::string_view text, int max_depth) {
  try {
    Json::parser_callback_t cb = [max_depth](int depth, Json::parse_event_t event, Json&) {
      if ((event == Json::parse_event_t::object_start ||
           event == Json::parse_event_t::array_start) &&
          depth >= max_depth) {
        throw TooDeep{};
      }
      return true;
    };
    return Json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const TooDeep&) {
    return fail(Error::invalid_coded("", {"json.too_deep", {{"max", std::to_string(max_depth)}}}));
  } catch (const Json::exception& e) {
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] "; keep the useful part.
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    return fail(Error::invalid_coded("", {"json.not_json", {{"error", what}}}));
  }
}

const Json* JsonReader::get(std::string_view key) const {
  if (!j_.is_object()) return nullptr;
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<void> JsonReader::expect_object() const {
  if (!j_.is_object()) {
    std::string where = path_.empty() ? "body" : path_.substr(0, path_.size() - 1);
    return fail(invalid(where, "json.not_object", {{"type", type_name(j_)}}));
  }
  return ok();
}

Result<void> JsonReader::reject_unknown(std::initializer_list<std::string_view> known) const {
  for (const auto& [k, v] : j_.items()) {
    bool found = false;
    for (auto name : known) found = found || name == k;
    if (!found) return fail(invalid(path_ + k, "json.unknown_field"));
  }
  return ok();
}

Result<std::optional<std::string>> JsonReader::opt_string(std::string_view key,
                                                          std::size_t max_len) const {
  const Json* v = get(key);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) {
    return fail(invalid(field(key), "json.not_string", {{"type", type_name(*v)}}));
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_len) {
    return fail(invalid(field(key), "json.too_long", {{"max", std::to_string(max_len)}}));
  }
  return std::optional<std::string>{s};
}

Result<std::string> JsonReader::string(std::string_view key, std::size_t max_len) const {
  auto v = opt_string(key, max_len);
  if (!v) return fail(v.error());
  if (!*v || (*v)->empty()) {
    return fail(invalid(field(key), "json.required"));
  }
  return std::move(**v);
}

Result<std::optional<int64_t>> JsonReader::opt_int(std::string_view key, int64_t min,
                                                   int64_t max) const {
  const Json* v = get(key);
  if (v == nullptr) return std::optional<int64_t>{};
  int64_t n = 0;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      n = std::numeric_limits<int64_t>::max();
    } else {
      n = v->get<int64_t>();
    }
  } else if (v->is_number_float() && std::isfinite(v->get<double>()) &&
             v->get<double>() == std::floor(v->get<double>()) &&
             std::fabs(v->get<double>()) < 9e18) {
    n = static_cast<int64_t>(v->get<double>());
  } else {
    return fail(invalid(field(key), "json.not_integer", {{"type", type_name(*v)}}));
  }
  if (n < min || n > max) {
    return fail(invalid(field(key), "json.out_of_range",
                        {{"min", std::to_string(min)}, {"max", std::to_string(max)}}));
  }
  return std::optional<int64_t>{n};
}

Result<int64_t> JsonReader::integer(std::string_view key, int64_t min, int64_t max) const {
  auto v = opt_int(key, min, max);
  if (!v) return fail(v.error());
  if (!*v) return fail(invalid(field(key), "json.required"));
  return **v;
}

Result<std::optional<double>> JsonReader::opt_number(std::string_view key, double min,
                                                     double max) const {
  const Json* v = get(key);
  if (v == nullptr) return std::optional<double>{};
  if (!v->is_number()) {
    return fail(invalid(field(key), "json.not_number", {{"type", type_name(*v)}}));
  }
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    return fail(
        invalid(field(key), "json.out_of_range", {{"min", fmt_num(min)}, {"max", fmt_num(max)}}));
  }
  return std::optional<double>{d};
}

Result<double> JsonReader::number(std::string_view key, double min, double max) const {
  auto v = opt_number(key, min, max);
  if (!v) return fail(v.error());
  if (!*v) return fail(invalid(field(key), "json.required"));
  return **v;
}

Result<std::optional<bool>> JsonReader::opt_bool(std::string_view key) const {
  const Json* v = get(key);
  if (v == nullptr) return std::optional<bool>{};
  if (!v->is_boolean()) {
    return fail(invalid(field(key), "json.not_bool"));
  }
  return std::optional<bool>{v->get<bool>()};
}

Result<std::vector<std::string>> JsonReader::string_list(std::string_view key,
                                                         std::size_t max_items,
                                                         std::size_t max_len) const {
  std::vector<std::string> out;
  const Json* v = get(key);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    return fail(invalid(field(key), "json.not_string_list"));
  }
  if (v->size() > max_items) {
    return fail(invalid(field(key), "json.too_many_items", {{"max", std::to_string(max_items)}}));
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& e = (*v)[i];
    const std::string f = field(key) + "[" + std::to_string(i) + "]";
    if (!e.is_string()) return fail(invalid(f, "json.item_not_string"));
    if (e.get_ref<const std::string&>().empty() ||
        e.get_ref<const std::string&>().size() > max_len) {
      return fail(invalid(f, "json.item_length", {{"max", std::to_string(max_len)}}));
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

double round_cny(double v) {
  return std::round(v * 100.0) / 100.0;
}

}  // namespace suanwang
