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
  // The portal's files; empty = found next to the binary (gateway/app/web_dir.hpp).
  std::filesystem::path web_dir;
  bool demo = false;
  // With demo: a light, seeded background demand from the org `demo-load` on the emulated
  // (sim) sites, so the demo's map, charts and queues move (gateway/app/demo_load.hpp). Never
  // more than demo_load_max_in_flight of its jobs in flight; its finished jobs beyond the newest
  // demo_load_keep_jobs are deleted. No effect without demo.
  bool demo_load = true;
  uint64_t demo_load_seed = 1;
  int demo_load_jobs_per_minute = 3;
  int demo_load_max_in_flight = 10;
  int demo_load_keep_jobs = 200;
  int demo_load_time_scale = 30;  // an hour of the generator's runtime runs 3600/30 s
  int io_threads = 2;
  std::string log_level = "info";
  // Logs (gateway/core/logging.hpp): the terminal (stderr) in "text" (short lines for people;
  // one line per request only at debug) or "json" (every line, one JSON object each); and,
  // when log_file is set, JSON lines to that file, rotated at log_file_max_bytes with
  // log_file_keep older files (PATH.1 … PATH.N).
  std::string log_format = "text";
  std::filesystem::path log_file;
  std::size_t log_file_max_bytes = 10 * 1024 * 1024;
  int log_file_keep = 5;

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
  // Capacity samples kept for GET /api/v1/capacity/history (one per capacity round; in memory).
  std::size_t capacity_history_samples = 1200;
  // How long placed jobs hold resources in placement's view when the site's reports do not
  // show them (see placement/holds.hpp).
  std::chrono::milliseconds hold_ttl{120000};
  // Whether placement times a pool's queue by what the jobs placed there really waited
  // (placement/queue_model.hpp) instead of the site's figures as they are. The planner learns
  // either way. Off: in the replay it made balanced slower at p95 (README, "Placement quality").
  bool learn_queue_waits = false;
  int max_placement_attempts = 5;
  int failures_until_degraded = 2;  // consecutive failed capacity polls
  int failures_until_offline = 5;

  // Security (README "Security model"). The master key sealing secrets at rest comes from
  // SUANWANG_MASTER_KEY, else master_key_file, else <data_dir>/master.key (generated once).
  std::filesystem::path master_key_file;
  // Rotation: values sealed with this older key are re-sealed under the current one at start.
  std::filesystem::path previous_master_key_file;
  std::filesystem::path tls_cert_file;  // both set: serve HTTPS only (TLS 1.2+)
  std::filesystem::path tls_key_file;
  std::chrono::milliseconds session_ttl{12 * 3600 * 1000};
  // Token buckets (requests per second and burst) per API key or session, and per remote
  // address; 0 turns one off. High enough that tests and benchmarks never meet them.
  int rate_limit_key_per_s = 1000;
  int rate_limit_key_burst = 10000;
  int rate_limit_address_per_s = 2000;
  int rate_limit_address_burst = 20000;
  // Login throttling: failed sign-ins allowed per email and per address before 429, refilled
  // one per login_failure_refill.
  int login_failures_burst = 5;
  // Data plane (issue 19): blobs live in <data_dir>/blobs. Each org may store this many bytes
  // of files (an org's own quota wins); one file may be at most max_upload_bytes; an upload
  // that stops for upload_ttl is removed with its partial bytes.
  int64_t storage_quota_bytes = int64_t{10} << 30;
  int64_t max_upload_bytes = int64_t{64} << 30;
  std::chrono::milliseconds upload_ttl{24 * 3600 * 1000};
  // One staging or collection call at a site (copying a job's files), at most.
  std::chrono::milliseconds transfer_timeout{3600 * 1000};
  std::chrono::milliseconds login_failure_refill{60000};
};

// Applies the members of a JSON object (keys as in Config, durations in ms with an "_ms"
// suffix, e.g. "read_timeout_ms") onto `config`.
Result<void> apply_config_json(Config& config, const Json& j);
Result<void> load_config_file(Config& config, const std::filesystem::path& path);
// "ADDR:PORT", "[v6]:PORT" or ":PORT".
Result<void> parse_listen(Config& config, std::string_view value);
Json config_to_json(const Config& c);

}  // namespace suanwang
