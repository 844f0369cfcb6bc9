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
// The same with the accelerator's hourly price already looked up (placement's hot path).
double hourly_rate_cny(const model::Pricing& pricing, const model::Resources& resources,
                       double accelerator_hour_price);
// Cost of `seconds` at `hourly_rate`, billed at the pricing's granularity.
double cost_at_rate_cny(const model::Pricing& pricing, double hourly_rate, int64_t seconds);

// Seconds billed for `seconds` used: rounded up to the billing granularity.
int64_t billed_seconds(const model::Pricing& pricing, int64_t seconds);

// Compute cost of `seconds` of the job's resources (egress not included).
double compute_cost_cny(const model::Pricing& pricing, const model::Resources& resources,
                        int64_t seconds);

}  // namespace suanwang::accounting
