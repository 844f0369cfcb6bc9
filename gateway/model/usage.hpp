// UsageRecord: what one finished job used and was billed, as the usage and settlement reports
// show it. Accounting makes it when the job ends (accounting/billing); the store keeps it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"

namespace suanwang::model {

struct UsageRecord {
  std::string job_id;
  std::string job_name;  // read with the record (the job's spec), not stored in it
  std::string org_id;
  std::string site_id;      // "" when the job ended before reaching a site
  std::string site_org_id;  // the operator paid for it
  std::string state;
  double cpus = 0;
  double memory_gb = 0;
  std::string accelerator_model;
  int64_t accelerator_count = 0;
  std::optional<TimePoint> started_at;
  TimePoint finished_at{};
  int64_t seconds = 0;         // used: started to finished
  int64_t billed_seconds = 0;  // at the site's billing granularity
  Json prices;                 // the unit prices applied (CNY per hour; granularity)
  double cost_cny = 0;         // the job's final cost
  // Estimated from the seconds used at the site's power, PUE and grid (model/energy.hpp);
  // 0 for a job that never ran, and for records written before the estimate existed.
  double energy_kwh = 0;
  double co2_kg = 0;
};

}  // namespace suanwang::model
