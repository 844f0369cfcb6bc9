// The local adapter's settings (AdapterConfig::options) and their validation, e.g.
//   {"cpus": 8, "memory_gb": 16, "max_walltime_s": 86400,
//    "container_runtime": "podman", "containers_conf": "/etc/suanwang/containers.conf"}
// All optional; unknown keys are rejected so a typo fails at registration.
#pragma once

#include <cstdint>
#include <optional>

#include "adapters/common/container.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::local {

struct LocalOptions {
  std::optional<int> cpus;          // default: std::thread::hardware_concurrency()
  std::optional<double> memory_gb;  // default: MemTotal from /proc/meminfo
  int64_t max_walltime_s = 0;       // 0 = no limit
  // Jobs with an `image` run in a container of this runtime (Podman only here); none refuses
  // them, and placement then sends them elsewhere.
  ContainerRuntime container_runtime = ContainerRuntime::none;
  // Podman's configuration file (CONTAINERS_CONF), for a machine whose defaults do not work:
  // e.g. runc instead of crun on a hybrid cgroup hierarchy, no default ulimits in a sandbox
  // without CAP_SYS_RESOURCE. Empty: Podman's own lookup.
  std::string containers_conf;
  // "rtt_ms" is accepted (sites share one settings shape) and ignored: this machine is local.
};

// Checks every option without side effects; the error names the offending option.
AdapterResult<LocalOptions> parse_local_options(const nlohmann::json& options);

}  // namespace suanwang::adapters::local
