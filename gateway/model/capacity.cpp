// Capacity sums and JSON forms.
#include "gateway/model/capacity.hpp"

#include <cmath>

namespace suanwang::model {

int SiteCapacity::cpus_total() const {
  int n = 0;
  for (const auto& p : pools) n += p.cpus_total;
  return n;
}
int SiteCapacity::cpus_free() const {
  int n = 0;
  for (const auto& p : pools) n += p.cpus_free;
  return n;
}
double SiteCapacity::memory_gb_total() const {
  double n = 0;
  for (const auto& p : pools) n += p.memory_gb_total;
  return n;
}
double SiteCapacity::memory_gb_free() const {
  double n = 0;
  for (const auto& p : pools) n += p.memory_gb_free;
  return n;
}
std::map<std::string, AcceleratorCapacity> SiteCapacity::accelerators() const {
  std::map<std::string, AcceleratorCapacity> m;
  for (const auto& p : pools) {
    for (const auto& [model, c] : p.accelerators) {
      m[model].total += c.total;
      m[model].free += c.free;
    }
  }
  return m;
}

void CapacityTotals::add(const SiteCapacity& c) {
  sites += 1;
  cpus_total += c.cpus_total();
  cpus_free += c.cpus_free();
  memory_gb_total += c.memory_gb_total();
  memory_gb_free += c.memory_gb_free();
  for (const auto& [model, a] : c.accelerators()) {
    accelerators[model].total += a.total;
    accelerators[model].free += a.free;
  }
  running_jobs += c.running_jobs;
  queued_jobs += c.queued_jobs;
}

namespace {
// Memory is reported to a tenth of a GB: finer digits are noise from byte counts.
double round_gb(double gb) {
  return std::round(gb * 10.0) / 10.0;
}

Json accel_json(const std::map<std::string, AcceleratorCapacity>& m) {
  Json j = Json::object();
  for (const auto& [model, c] : m) j[model] = {{"total", c.total}, {"free", c.free}};
  return j;
}
}  // namespace

Json to_json(const CapacityTotals& t) {
  return {
      {"sites", t.sites},
      {"cpus", {{"total", t.cpus_total}, {"free", t.cpus_free}}},
      {"memory_gb", {{"total", round_gb(t.memory_gb_total)}, {"free", round_gb(t.memory_gb_free)}}},
      {"accelerators", accel_json(t.accelerators)},
      {"running_jobs", t.running_jobs},
      {"queued_jobs", t.queued_jobs}};
}

Json to_json(const PoolCapacity& p) {
  return {
      {"name", p.name},
      {"cpus", {{"total", p.cpus_total}, {"free", p.cpus_free}}},
      {"memory_gb", {{"total", round_gb(p.memory_gb_total)}, {"free", round_gb(p.memory_gb_free)}}},
      {"accelerators", accel_json(p.accelerators)},
      {"max_walltime_s", p.max_walltime_s},
      {"queued_jobs", p.queued_jobs},
      {"queued_work_core_s", p.queued_work_core_s},
      {"est_queue_wait_s", p.est_queue_wait_s}};
}

}  // namespace suanwang::model
