// Billing a job's end: what a finished job costs, what it charges its org, and the usage record
// that says what was used and billed. Pure: the dispatcher and the job service decide when a
// job ends (gateway/lifecycle), these decide the money, and the store writes both at once.
#pragma once

#include <optional>
#include <string>

#include "gateway/model/energy.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"
#include "gateway/model/usage.hpp"

namespace suanwang::accounting {

// Seconds a job used: started to finished, never negative; 0 when it never started.
int64_t used_seconds(const std::optional<TimePoint>& started_at, TimePoint finished_at);

// A job's final cost: what it used, billed at the site's prices, when the lifecycle says its
// end is charged (Outcome::charge); 0 when it is not (a system_error), when it never started, or
// when the site's prices are unknown (`pricing` null: the site is gone).
double final_cost_cny(bool charged, const model::Pricing* pricing,
                      const model::Resources& resources, const std::optional<TimePoint>& started_at,
                      TimePoint finished_at);

// Whether a move from `from` to `to` ends the job: the one write that charges it and records
// its usage.
bool ends_job(model::JobState from, model::JobState to);

// What the ended job's org is charged: its final cost, against the budget (spent) and taken
// from the prepaid balance when there is one. Never negative.
double charge_cny(const model::JobRecord& ended);

// The site a job ran at, as billing sees it: whose it is and its prices when the job ended.
struct BilledSite {
  std::string org_id;
  model::Pricing pricing;
  model::SiteEnergy energy;
  std::optional<model::Region> region;  // with its grid figures, when the region is known
};

// The usage record of a job that has just ended. `site` is null when the job never reached one
// (or its row is gone): no operator, prices 0, no energy. The energy and emissions are the
// seconds used at the site's power, PUE and grid (model/energy.hpp), charged or not: a job that
// failed still drew its power.
model::UsageRecord usage_record(const model::JobRecord& ended, const BilledSite* site);

}  // namespace suanwang::accounting
