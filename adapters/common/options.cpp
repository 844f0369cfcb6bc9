// Readers for adapter options that name the offending option in their errors.
#include "adapters/common/options.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace suanwang::adapters {

std::string option_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string option_path(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::unexpected<AdapterError> option_error(std::string_view path, std::string_view what,
                                           std::string_view code, TextParams params) {
  std::string message(path);
  message += ' ';
  message += what;
  params.insert(params.begin(), {"path", std::string(path)});
  return adapter_fail_coded(AdapterErrc::invalid_config, std::string(path), std::move(message),
                            std::string(code), std::move(params));
}

MustBe must_be(std::string en, std::string code, TextParams params) {
  return MustBe{std::move(en), std::move(code), std::move(params)};
}

MustBe int_in(int64_t min, int64_t max) {
  const auto a = std::to_string(min);
  const auto b = std::to_string(max);
  return {
      "an integer in [" + a + ", " + b + "]", "adapter.option.int_range", {{"min", a}, {"max", b}}};
}

MustBe number_in(std::string_view min, std::string_view max) {
  std::string a(min);
  std::string b(max);
  return {"a number in [" + a + ", " + b + "]",
          "adapter.option.number_range",
          {{"min", a}, {"max", b}}};
}

std::unexpected<AdapterError> must_be_error(std::string_view path, const MustBe& must) {
  return option_error(path, "must be " + must.en, must.code, must.params);
}

std::unexpected<AdapterError> plain_name_error(std::string_view path, std::string_view kind,
                                               std::string_view en, size_t max) {
  const auto n = std::to_string(max);
  return option_error(path,
                      "must be " + std::string(en) + " (letters, digits, _ - ., at most " + n + ")",
                      "adapter.option.plain_name", {{"kind", std::string(kind)}, {"max", n}});
}

AdapterResult<void> require_object(const nlohmann::json& value, std::string_view path,
                                   std::initializer_list<std::string_view> known) {
  if (value.is_null()) return {};
  if (!value.is_object()) {
    return option_error(path, "must be a JSON object", "adapter.option.not_object");
  }
  for (const auto& [key, unused] : value.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (auto k : known) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      return option_error(option_path(path, key), "is not a known option (known: " + list + ")",
                          "adapter.option.unknown", {{"known", list}});
    }
  }
  return {};
}

AdapterResult<std::optional<int64_t>> optional_int(const nlohmann::json& object,
                                                   std::string_view key, std::string_view parent,
                                                   int64_t min, int64_t max, const MustBe& must) {
  if (!object.is_object()) return std::optional<int64_t>{};
  auto it = object.find(key);
  if (it == object.end()) return std::optional<int64_t>{};
  const auto path = option_path(parent, key);
  const auto fail = [&] { return must_be_error(path, must); };
  int64_t value = 0;
  if (it->is_number_unsigned()) {
    const auto u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return fail();
    value = static_cast<int64_t>(u);
  } else if (it->is_number_integer()) {
    value = it->get<int64_t>();
  } else {
    return fail();
  }
  if (value < min || value > max) return fail();
  return std::optional<int64_t>{value};
}

AdapterResult<std::optional<double>> optional_number(const nlohmann::json& object,
                                                     std::string_view key, std::string_view parent,
                                                     double min, double max, bool min_exclusive,
                                                     const MustBe& must) {
  if (!object.is_object()) return std::optional<double>{};
  auto it = object.find(key);
  if (it == object.end()) return std::optional<double>{};
  const auto path = option_path(parent, key);
  if (!it->is_number()) return must_be_error(path, must);
  const double value = it->get<double>();
  const bool below = min_exclusive ? value <= min : value < min;
  if (!std::isfinite(value) || below || value > max) {
    return must_be_error(path, must);
  }
  return std::optional<double>{value};
}

AdapterResult<std::string> string_option(const nlohmann::json& object, std::string_view key,
                                         std::string_view parent,
                                         std::optional<std::string> fallback) {
  const auto path = option_path(parent, key);
  auto it = object.is_object() ? object.find(key) : object.end();
  if (!object.is_object() || it == object.end()) {
    if (fallback) return *fallback;
    return option_error(path, "is required", "adapter.option.required");
  }
  if (!it->is_string()) return option_error(path, "must be a string", "adapter.option.not_string");
  return it->get<std::string>();
}

AdapterResult<std::string> secret_option(const nlohmann::json& object, std::string_view key,
                                         std::string_view parent, size_t max, const MustBe& must) {
  auto value = string_option(object, key, parent, std::nullopt);
  if (!value) return std::unexpected(value.error());
  const bool ok =
      !value->empty() && value->size() <= max &&
      std::all_of(value->begin(), value->end(), [](char ch) { return ch > 0x20 && ch < 0x7f; });
  if (!ok) return must_be_error(option_path(parent, key), must);
  return value;
}

bool is_plain_name(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

}  // namespace suanwang::adapters
