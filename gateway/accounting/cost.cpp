// Compute-cost arithmetic (see cost.hpp).
#include "gateway/accounting/cost.hpp"

namespace suanwang::accounting {

double hourly_rate_cny(const model::Pricing& p, const model::Resources& r) {
  double rate = r.cpus * p.cpu_core_hour + r.memory_gb * p.memory_gb_hour;
  if (r.accelerators) {
    auto it = p.gpu_hour.find(r.accelerators->model);
    if (it != p.gpu_hour.end()) rate += r.accelerators->count * it->second;
  }
  return rate;
}

int64_t billed_seconds(const model::Pricing& p, int64_t seconds) {
  if (seconds <= 0) return 0;
  const int64_t g = p.billing_granularity_s > 0 ? p.billing_granularity_s : 1;
  return (seconds + g - 1) / g * g;
}

double compute_cost_cny(const model::Pricing& p, const model::Resources& r, int64_t seconds) {
  return hourly_rate_cny(p, r) * static_cast<double>(billed_seconds(p, seconds)) / 3600.0;
}

}  // namespace suanwang::accounting
