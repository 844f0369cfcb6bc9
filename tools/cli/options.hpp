// Command-line parsing for the client commands: a small table-driven option parser and the pure
// value parsers (durations, --gpus, --env, numbers). Nothing here does I/O; every error is an
// invalid_argument Error whose field names the option.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"

namespace suanwang::cli {

struct OptionSpec {
  std::string_view name;  // "--cpus"
  char short_name = 0;    // 'f' for -f, 0 when none
  bool takes_value = false;
  bool repeatable = false;
};

// The options given, by long name, in command-line order; flags have one empty value each.
class ParsedArgs {
 public:
  bool has(std::string_view name) const { return values_.contains(std::string(name)); }
  // The value of a single-valued option.
  std::optional<std::string> get(std::string_view name) const;
  // Every value of a repeatable option (empty when not given).
  std::vector<std::string> all(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  void add(std::string_view name, std::string value) {
    values_[std::string(name)].push_back(std::move(value));
  }
  void add_positional(std::string value) { positionals_.push_back(std::move(value)); }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positionals_;
};

// Parses `args` against `specs`. Accepts `--name value`, `--name=value`, `-f value`, and `--`
// (everything after it is positional). A lone `-` is a positional (stdin). A value is taken as
// given even when it starts with '-', so `--command "-x"` works.
Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              std::span<const OptionSpec> specs);

// "3600", "45s", "90m", "2h", "1d", "1h30m" -> seconds (> 0).
Result<int64_t> parse_duration_s(std::string_view text, std::string_view option = "--walltime");

struct GpuRequest {
  std::string model;
  int count = 1;
};

// "H100:8" -> {H100, 8}; "H100" -> {H100, 1}.
Result<GpuRequest> parse_gpus(std::string_view text);

// "K=V" -> {K, V}; V may be empty or contain '='.
Result<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text);

// A whole decimal integer in [min, max].
Result<int64_t> parse_int(std::string_view text, std::string_view option, int64_t min, int64_t max);

// A finite decimal number in (0, max] when `positive`, else [0, max].
Result<double> parse_number(std::string_view text, std::string_view option, double max,
                            bool positive = true);

}  // namespace suanwang::cli
