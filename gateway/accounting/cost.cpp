// Compute-cost arithmetic (see cost.hpp).
#include "gateway/accounting/cost.hpp"

namespace suanwang::accounting {

double hourly_rate_cny(const model::Pricing& p, const model::Resources& r) {
  double accelerator_price = 0;
  if (r.accelerators) {
    auto it = p.gpu_hour.find(r.accelerators->model);
    if (it != p.gpu_hour.end()) accelerator_price = it->second;
  }
  return hourly_rate_cny(p, r, accelerator_price);
}

double hourly_rate_cny(const model::Pricing& p, const model::Resources& r,
                       double accelerator_hour_price) {
  double rate = r.cpus * p.cpu_core_hour + r.memory_gb * p.memory_gb_hour;
  if (r.accelerators) rate += r.accelerators->count * accelerator_hour_price;
  return rate;
}

double cost_at_rate_cny(const model::Pricing& p, double hourly_rate, int64_t seconds) {
  return hourly_rate * static_cast<double>(billed_seconds(p, seconds)) / 3600.0;
}

int64_t billed_seconds(const model::Pricing& p, int64_t seconds) {
  if (seconds <= 0) return 0;
  const int64_t g = p.billing_granularity_s > 0 ? p.billing_granularity_s : 1;
  return (seconds + g - 1) / g * g;
}

double compute_cost_cny(const model::Pricing& p, const model::Resources& r, int64_t seconds) {
  return cost_at_rate_cny(p, hourly_rate_cny(p, r), seconds);
}

}  // namespace suanwang::accounting
