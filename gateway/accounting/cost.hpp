// Cost of running a job at a site: pure arithmetic over the site's pricing, shared by the
// placement estimate and the final charge so that both use one formula.
#pragma once

#include <cstdint>

#include "gateway/model/job.hpp"
#include "gateway/model/site.hpp"

namespace suanwang::accounting {

// CNY per hour of the job's resources at this pricing; the accelerator price is that of the
// requested model (0 when the site does not price it: placement filters such sites out).
double hourly_rate_cny(const model::Pricing& pricing, const model::Resources& resources);

// The same with the accelerator's hourly price already looked up. Inline, with the two below:
// placement evaluates them for every feasible site of every decision.
inline double hourly_rate_cny(const model::Pricing& p, const model::Resources& r,
                              double accelerator_hour_price) {
  double rate = r.cpus * p.cpu_core_hour + r.memory_gb * p.memory_gb_hour;
  if (r.accelerators) rate += r.accelerators->count * accelerator_hour_price;
  return rate;
}

// Seconds billed for `seconds` used: rounded up to the billing granularity.
inline int64_t billed_seconds(const model::Pricing& p, int64_t seconds) {
  if (seconds <= 0) return 0;
  const int64_t g = p.billing_granularity_s;
  if (g <= 1) return seconds;  // per-second billing: no division
  return (seconds + g - 1) / g * g;
}

// Cost of `seconds` at `hourly_rate`, billed at the pricing's granularity.
inline double cost_at_rate_cny(const model::Pricing& p, double hourly_rate, int64_t seconds) {
  return hourly_rate * static_cast<double>(billed_seconds(p, seconds)) / 3600.0;
}

// Compute cost of `seconds` of the job's resources (egress not included).
double compute_cost_cny(const model::Pricing& pricing, const model::Resources& resources,
                        int64_t seconds);

}  // namespace suanwang::accounting
