// What the federation's totals count of a site (see counted_capacity.hpp).
#include "gateway/federation/counted_capacity.hpp"

namespace suanwang::federation {

bool offers_free_capacity(const model::Site& s) {
  return !s.drained && s.status != model::SiteStatus::draining;
}

std::optional<model::SiteCapacity> counted_capacity(const SiteView& v, TimePoint now,
                                                    std::chrono::milliseconds stale_after) {
  if (!v.capacity || v.site.status == model::SiteStatus::offline ||
      v.site.status == model::SiteStatus::checking) {
    return std::nullopt;
  }
  if (now - v.capacity->observed_at > stale_after) return std::nullopt;
  model::SiteCapacity c = *v.capacity;
  if (!offers_free_capacity(v.site)) {
    for (auto& p : c.pools) {
      p.cpus_free = 0;
      p.memory_gb_free = 0;
      for (auto& [model, a] : p.accelerators) a.free = 0;
    }
  }
  return c;
}

}  // namespace suanwang::federation
