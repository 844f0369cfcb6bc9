// The ring of capacity samples (see capacity_history.hpp).
#include "gateway/federation/capacity_history.hpp"

#include <algorithm>
#include <cassert>

#include "gateway/federation/counted_capacity.hpp"

namespace suanwang::federation {

CapacitySample take_capacity_sample(const std::vector<SiteView>& views, TimePoint now,
                                    std::chrono::milliseconds stale_after) {
  CapacitySample s;
  // To the millisecond, as the API shows times, so that `since` = a shown time excludes it.
  s.at = std::chrono::floor<std::chrono::milliseconds>(now);
  for (const auto& v : views) {
    const auto c = counted_capacity(v, now, stale_after);
    if (!c) continue;
    s.national.add(*c);
    s.by_region[v.site.region].add(*c);
  }
  return s;
}

CapacityHistory::CapacityHistory(std::size_t max_samples) : max_samples_(max_samples) {
  assert(max_samples_ > 0);
}

void CapacityHistory::record(CapacitySample sample) {
  std::lock_guard lock(mu_);
  ring_.push_back(std::move(sample));
  while (ring_.size() > max_samples_) ring_.pop_front();
}

std::vector<CapacitySample> CapacityHistory::samples_after(TimePoint after,
                                                           std::size_t limit) const {
  std::lock_guard lock(mu_);
  auto first = std::upper_bound(ring_.begin(), ring_.end(), after,
                                [](TimePoint t, const CapacitySample& s) { return t < s.at; });
  const auto available = static_cast<std::size_t>(ring_.end() - first);
  if (available > limit) first = ring_.end() - static_cast<std::ptrdiff_t>(limit);
  return {first, ring_.end()};
}

}  // namespace suanwang::federation
