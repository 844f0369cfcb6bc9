// Config: every tunable of `suanwang serve`, with its default. Sources, later wins: defaults,
// the --config JSON file, command-line flags. Unknown keys are errors, so typos do not pass
// silently.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gateway/core/json.hpp"
#include "gateway/core/result.hpp"

namespace suanwang {

struct Config {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::filesystem::path data_dir = "var";
  std::filesystem::path web_dir;  // empty = the source tree's web/ (build_info)
  bool demo = false;
  int io_threads = 2;
  std::string log_level = "info";

  // HTTP limits (house rule 5).
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  int max_json_depth = 32;
  std::chrono::milliseconds read_timeout{15000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{15000};
  std::chrono::milliseconds shutdown_grace{10000};

  // Federation loop.
  std::chrono::milliseconds capacity_interval{3000};
  std::chrono::milliseconds reconcile_interval{1000};
  std::chrono::milliseconds adapter_timeout{10000};
  std::chrono::milliseconds capacity_stale_after{60000};  // older capacity is not trusted
  // How long placed jobs hold resources in placement's view when the site's reports do not
  // show them (see placement/holds.hpp).
  std::chrono::milliseconds hold_ttl{120000};
  int max_placement_attempts = 5;
  int failures_until_degraded = 2;  // consecutive failed capacity polls
  int failures_until_offline = 5;
};

// Applies the members of a JSON object (keys as in Config, durations in ms with an "_ms"
// suffix, e.g. "read_timeout_ms") onto `config`.
Result<void> apply_config_json(Config& config, const Json& j);
Result<void> load_config_file(Config& config, const std::filesystem::path& path);
// "ADDR:PORT", "[v6]:PORT" or ":PORT".
Result<void> parse_listen(Config& config, std::string_view value);
Json config_to_json(const Config& c);

}  // namespace suanwang
