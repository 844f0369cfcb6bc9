// Usage records: one per finished job, written in the transaction that records the job's end
// (job_repo's update_job), so usage totals always equal the sum of the jobs' final costs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"
#include "gateway/model/job.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

struct UsageRecord {
  std::string job_id;
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
};

// REQUIRES: inside the transaction that moves `job` to its terminal state.
Result<void> record_usage(Db& db, const model::JobRecord& job);

struct UsageFilter {
  std::optional<std::string> org_id;
  std::optional<std::string> site_id;
  std::optional<std::string> accelerator_model;
  std::optional<TimePoint> from;  // finished_at >= from
  std::optional<TimePoint> to;    // finished_at < to
  int limit = 1000;
};
Result<std::vector<UsageRecord>> list_usage(Db& db, const UsageFilter& f);
struct UsageTotals {
  int64_t jobs = 0;
  int64_t seconds = 0;
  int64_t billed_seconds = 0;
  double cost_cny = 0;
};
// Over every matching record (not only the first `limit`).
Result<UsageTotals> usage_totals(Db& db, const UsageFilter& f);

// A site's earnings by customer org and period ("" = the whole range, "day" or "month").
struct SettlementRow {
  std::string org_id;
  std::string org_name;
  std::string period;  // "2026-11", "2026-11-21" or ""
  int64_t jobs = 0;
  int64_t seconds = 0;
  double cost_cny = 0;
};
Result<std::vector<SettlementRow>> settlement(Db& db, std::string_view site_id,
                                              std::optional<TimePoint> from,
                                              std::optional<TimePoint> to, std::string_view group);

}  // namespace suanwang::store
