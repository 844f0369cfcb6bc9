// Bounded JSON parsing and small typed readers that turn nlohmann::json into Result values with
// the offending field named. Input from outside is expected to be bad; nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/core/result.hpp"

namespace suanwang {

using Json = nlohmann::json;

// Parses `text`, rejecting nesting deeper than `max_depth` and invalid UTF-8.
Result<Json> parse_json(std::string_view text, int max_depth = 32);

// Reads of one member of an object. `path` prefixes the field name in errors ("resources.").
// Missing members yield std::nullopt (optional readers) or an error (required readers).
class JsonReader {
 public:
  JsonReader(const Json& object, std::string path) : j_(object), path_(std::move(path)) {}

  // Fails unless the value is an object; call first.
  Result<void> expect_object() const;
  // Fails naming the first member not in `known`.
  Result<void> reject_unknown(std::initializer_list<std::string_view> known) const;

  Result<std::optional<std::string>> opt_string(std::string_view key,
                                                std::size_t max_len = 256) const;
  Result<std::string> string(std::string_view key, std::size_t max_len = 256) const;
  Result<std::optional<int64_t>> opt_int(std::string_view key, int64_t min, int64_t max) const;
  Result<int64_t> integer(std::string_view key, int64_t min, int64_t max) const;
  Result<std::optional<double>> opt_number(std::string_view key, double min, double max) const;
  Result<double> number(std::string_view key, double min, double max) const;
  Result<std::optional<bool>> opt_bool(std::string_view key) const;
  Result<std::vector<std::string>> string_list(std::string_view key, std::size_t max_items = 256,
                                               std::size_t max_len = 256) const;

  bool has(std::string_view key) const { return j_.is_object() && j_.contains(key); }
  const Json* get(std::string_view key) const;
  std::string field(std::string_view key) const { return path_ + std::string(key); }

 private:
  const Json& j_;
  std::string path_;
};

// Money is shown with two decimals (DESIGN §5): 12.3456 -> 12.35.
double round_cny(double v);

}  // namespace suanwang
