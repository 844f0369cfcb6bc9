// CapacityHistory: a bounded in-memory ring of capacity samples, one taken after each capacity
// refresh, for charts of capacity over time (GET /api/v1/capacity/history). A sample holds the
// national totals and the totals per region, each with accelerators by model, counted the way
// GET /api/v1/capacity counts them (counted_capacity.hpp: fresh reports of sites that are
// neither offline nor checking; a drained site's capacity is not free).
//
// It is a view of the recent past, not a record: it starts empty at every start of the gateway
// and keeps the newest `max_samples` samples.
//
// Threading: record() and samples() may be called from any thread; mu_ guards the ring.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/model/capacity.hpp"

namespace suanwang::federation {

struct CapacitySample {
  TimePoint at{};
  model::CapacityTotals national;
  std::map<std::string, model::CapacityTotals> by_region;
};

// Sums the sites' latest reports as of `now` (kept to the millisecond), as counted_capacity()
// counts them (pure).
CapacitySample take_capacity_sample(const std::vector<SiteView>& views, TimePoint now,
                                    std::chrono::milliseconds stale_after);

class CapacityHistory {
 public:
  // REQUIRES: max_samples > 0.
  explicit CapacityHistory(std::size_t max_samples);

  void record(CapacitySample sample);
  // The samples taken after `after`, oldest first, at most the newest `limit` of them.
  std::vector<CapacitySample> samples_after(TimePoint after, std::size_t limit) const;
  std::size_t max_samples() const { return max_samples_; }

 private:
  const std::size_t max_samples_;
  mutable std::mutex mu_;
  std::deque<CapacitySample> ring_;  // oldest first; guarded by mu_
};

}  // namespace suanwang::federation
