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

double compute_cost_cny(const model::Pricing& p, const model::Resources& r, int64_t seconds) {
  return cost_at_rate_cny(p, hourly_rate_cny(p, r), seconds);
}

}  // namespace suanwang::accounting
