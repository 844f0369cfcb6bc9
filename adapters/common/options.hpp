// Readers for an adapter's `options` JSON: each returns the value or an invalid_config error
// whose message names the offending option by its full path ("options.pools[0].cpus ...").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

// "options" + ".cpus" or "options.pools" + "[0]": how option paths are spelled in messages.
std::string option_path(std::string_view parent, std::string_view key);
std::string option_path(std::string_view parent, size_t index);

// An error naming `path`: "<path> <what>".
std::unexpected<AdapterError> option_error(std::string_view path, std::string_view what);

// `options` must be a JSON object (null counts as empty) with no keys outside `known`;
// a typo in a setting should fail at registration rather than be silently ignored.
AdapterResult<void> require_object(const nlohmann::json& value, std::string_view path,
                                   std::initializer_list<std::string_view> known);

// An integer in [min, max]; absent gives nullopt. `must_be` completes "<path> must be ...".
AdapterResult<std::optional<int64_t>> optional_int(const nlohmann::json& object,
                                                   std::string_view key, std::string_view parent,
                                                   int64_t min, int64_t max,
                                                   std::string_view must_be);

// A finite number in [min, max] (or (min, max] when `min_exclusive`); absent gives nullopt.
AdapterResult<std::optional<double>> optional_number(const nlohmann::json& object,
                                                     std::string_view key, std::string_view parent,
                                                     double min, double max, bool min_exclusive,
                                                     std::string_view must_be);

// A string option: absent gives `fallback` (nullopt = required).
AdapterResult<std::string> string_option(const nlohmann::json& object, std::string_view key,
                                         std::string_view parent,
                                         std::optional<std::string> fallback);

// A required secret string (a token, an API key): 1..max printable ASCII characters without
// spaces. The error names the option and says what it `must_be`, never echoing the value.
AdapterResult<std::string> secret_option(const nlohmann::json& object, std::string_view key,
                                         std::string_view parent, size_t max,
                                         std::string_view must_be);

// A plain name: 1..max characters from letters, digits, '_', '-' and '.'.
bool is_plain_name(std::string_view s, size_t max);

}  // namespace suanwang::adapters
