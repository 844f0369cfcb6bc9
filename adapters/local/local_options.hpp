// The local adapter's settings (AdapterConfig::options) and their validation, e.g.
//   {"cpus": 8, "memory_gb": 16, "max_walltime_s": 86400}
// All optional; unknown keys are rejected so a typo fails at registration.
#pragma once

#include <cstdint>
#include <optional>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::local {

struct LocalOptions {
  std::optional<int> cpus;          // default: std::thread::hardware_concurrency()
  std::optional<double> memory_gb;  // default: MemTotal from /proc/meminfo
  int64_t max_walltime_s = 0;       // 0 = no limit
  // "rtt_ms" is accepted (sites share one settings shape) and ignored: this machine is local.
};

// Checks every option without side effects; the error names the offending option.
AdapterResult<LocalOptions> parse_local_options(const nlohmann::json& options);

}  // namespace suanwang::adapters::local
