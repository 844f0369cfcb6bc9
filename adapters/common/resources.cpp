// Resource arithmetic shared by the self-scheduling adapters.
#include "adapters/common/resources.hpp"

#include <cassert>
#include <cmath>

namespace suanwang::adapters {

int64_t gb_to_mib(double gb) {
  if (!(gb > 0)) return 0;
  return static_cast<int64_t>(std::ceil(gb * 1024.0));
}

double mib_to_gb(int64_t mib) {
  return static_cast<double>(mib) / 1024.0;
}

Demand demand_of(const JobRequest& job) {
  Demand d;
  d.cpus = job.cpus;
  d.memory_mib = gb_to_mib(job.memory_gb);
  if (job.accelerators && job.accelerators->count > 0) {
    d.accelerator_model = job.accelerators->model;
    d.accelerator_count = job.accelerators->count;
  }
  return d;
}

bool fits(const FreeResources& free, const Demand& demand) {
  if (demand.cpus > free.cpus || demand.memory_mib > free.memory_mib) return false;
  if (demand.accelerator_count <= 0) return true;
  auto it = free.accelerators.find(demand.accelerator_model);
  return it != free.accelerators.end() && it->second >= demand.accelerator_count;
}

void take(FreeResources& free, const Demand& demand) {
  assert(fits(free, demand));
  free.cpus -= demand.cpus;
  free.memory_mib -= demand.memory_mib;
  if (demand.accelerator_count > 0) {
    free.accelerators[demand.accelerator_model] -= demand.accelerator_count;
  }
}

void give(FreeResources& free, const Demand& demand) {
  free.cpus += demand.cpus;
  free.memory_mib += demand.memory_mib;
  if (demand.accelerator_count > 0) {
    free.accelerators[demand.accelerator_model] += demand.accelerator_count;
  }
}

}  // namespace suanwang::adapters
