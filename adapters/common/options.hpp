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

// An error naming `path`: "<path> <what>", coded as `code` (whose English template is
// "{path} <what>") with the parameter path and `params`.
std::unexpected<AdapterError> option_error(std::string_view path, std::string_view what,
                                           std::string_view code, TextParams params = {});

// What a value must be: `en` completes "<path> must be ..."; `code` is the catalog code whose
// English template is "{path} must be <en>" with `params`.
struct MustBe {
  std::string en;
  std::string code;
  TextParams params = {};
};
// "an integer in [min, max]" and "a number in [min, max]".
MustBe int_in(int64_t min, int64_t max);
MustBe number_in(std::string_view min, std::string_view max);
MustBe must_be(std::string en, std::string code, TextParams params = {});
// "<path> must be ..." as an error.
std::unexpected<AdapterError> must_be_error(std::string_view path, const MustBe& must);

// `options` must be a JSON object (null counts as empty) with no keys outside `known`;
// a typo in a setting should fail at registration rather than be silently ignored.
AdapterResult<void> require_object(const nlohmann::json& value, std::string_view path,
                                   std::initializer_list<std::string_view> known);

// An integer in [min, max]; absent gives nullopt. `must` completes "<path> must be ...".
AdapterResult<std::optional<int64_t>> optional_int(const nlohmann::json& object,
                                                   std::string_view key, std::string_view parent,
                                                   int64_t min, int64_t max, const MustBe& must);

// A finite number in [min, max] (or (min, max] when `min_exclusive`); absent gives nullopt.
AdapterResult<std::optional<double>> optional_number(const nlohmann::json& object,
                                                     std::string_view key, std::string_view parent,
                                                     double min, double max, bool min_exclusive,
                                                     const MustBe& must);

// A string option: absent gives `fallback` (nullopt = required).
AdapterResult<std::string> string_option(const nlohmann::json& object, std::string_view key,
                                         std::string_view parent,
                                         std::optional<std::string> fallback);

// A required secret string (a token, an API key): 1..max printable ASCII characters without
// spaces. The error names the option and says what it `must` be, never echoing the value.
AdapterResult<std::string> secret_option(const nlohmann::json& object, std::string_view key,
                                         std::string_view parent, size_t max, const MustBe& must);

// A plain name: 1..max characters from letters, digits, '_', '-' and '.'.
bool is_plain_name(std::string_view s, size_t max);
// "<path> must be <a kind of name> (letters, digits, _ - ., at most <max>)": `kind` is one of
// region, partition, user, gpu_model (the catalog's adapter.name.*), `en` its English words.
std::unexpected<AdapterError> plain_name_error(std::string_view path, std::string_view kind,
                                               std::string_view en, size_t max);

}  // namespace suanwang::adapters
