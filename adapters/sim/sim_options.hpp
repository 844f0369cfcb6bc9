// The sim adapter's settings (AdapterConfig::options) and their validation, e.g.
//   {"pools": [{"name": "cpu", "cpus": 1024, "memory_gb": 4096},
//              {"name": "gpu", "cpus": 256, "memory_gb": 2048, "accelerators": {"H100": 64},
//               "max_walltime_s": 604800}],
//    "failure_rate": 0.02, "lose_rate": 0.001, "default_runtime_s": 30, "exit_code": 0,
//    "rtt_ms": 23, "fault_injection": false}
// Only "pools" is required. Unknown keys are rejected so a typo fails at registration.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::sim {

struct SimPool {
  std::string name;
  int cpus = 0;
  double memory_gb = 0;
  std::map<std::string, int> accelerators;  // by model; a count may be 0 (model known, none now)
  int64_t max_walltime_s = 0;               // 0 = no limit
};

struct SimOptions {
  std::vector<SimPool> pools;  // non-empty
  double failure_rate = 0;     // probability a submit is refused
  double lose_rate = 0;        // probability a started job is later reported lost
  int64_t default_runtime_s = 30;
  int exit_code = 0;  // of every job that runs to its end
  double rtt_ms = 0;  // what health() reports
  // Tests switch faults on and off at run time by writing <work_dir>/fault (see sim_adapter.hpp).
  bool fault_injection = false;
};

// Every option is checked; the first problem is returned, naming the option by path.
AdapterResult<SimOptions> parse_sim_options(const nlohmann::json& options);

}  // namespace suanwang::adapters::sim
