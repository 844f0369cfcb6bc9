// Resource arithmetic for adapters that schedule jobs themselves (sim, local): what a job
// needs, what a pool has free, and whether one fits the other. Memory is counted in whole MiB
// so that taking and returning a job's memory never drifts by floating-point error (a pool
// that is empty again must fit what it fitted before).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

struct Demand {
  int cpus = 0;
  int64_t memory_mib = 0;
  std::string accelerator_model;  // empty when the job needs none
  int accelerator_count = 0;
};

struct FreeResources {
  int cpus = 0;
  int64_t memory_mib = 0;
  std::map<std::string, int> accelerators;  // by model
};

// Rounds up, the same way for pools and jobs, so equal figures in GB compare equal in MiB.
int64_t gb_to_mib(double gb);
double mib_to_gb(int64_t mib);

// What `job` asks for; an accelerator request with count 0 counts as none.
Demand demand_of(const JobRequest& job);

bool fits(const FreeResources& free, const Demand& demand);
// REQUIRES: fits(free, demand).
void take(FreeResources& free, const Demand& demand);
void give(FreeResources& free, const Demand& demand);

}  // namespace suanwang::adapters
