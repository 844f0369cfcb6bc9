// Usage records: one per finished job, written in the transaction that records the job's end
// (job_repo's update_job), so usage totals always equal the sum of the jobs' final costs. The
// figures are accounting's (accounting/billing); the store only keeps and sums them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"
#include "gateway/model/usage.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

// What accounting made of a finished job (accounting::usage_record); the store keeps it as given.
using UsageRecord = model::UsageRecord;

// REQUIRES: inside the transaction that moves the job to its terminal state (update_job writes
// it from JobMoney::usage). A second record for the same job is ignored.
Result<void> insert_usage(Db& db, const UsageRecord& usage);

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
  double energy_kwh = 0;
  double co2_kg = 0;
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
  double energy_kwh = 0;
  double co2_kg = 0;
};
Result<std::vector<SettlementRow>> settlement(Db& db, std::string_view site_id,
                                              std::optional<TimePoint> from,
                                              std::optional<TimePoint> to, std::string_view group);

}  // namespace suanwang::store
