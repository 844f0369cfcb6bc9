// HoldBook (see holds.hpp).
#include "gateway/placement/holds.hpp"

namespace suanwang::placement {

void HoldBook::add(Hold hold) {
  release(hold.job_id);
  const std::string job = hold.job_id;
  auto [it, inserted] = by_job_.emplace(job, std::move(hold));
  by_site_[it->second.site_id][job] = &it->second;
}

void HoldBook::accepted(const std::string& job_id, TimePoint at) {
  if (auto it = by_job_.find(job_id); it != by_job_.end()) it->second.accepted_at = at;
}

void HoldBook::release(const std::string& job_id) {
  auto it = by_job_.find(job_id);
  if (it == by_job_.end()) return;
  auto site = by_site_.find(it->second.site_id);
  if (site != by_site_.end()) {
    site->second.erase(job_id);
    if (site->second.empty()) by_site_.erase(site);
  }
  by_job_.erase(it);
}

const Hold* HoldBook::find(const std::string& job_id) const {
  auto it = by_job_.find(job_id);
  return it == by_job_.end() ? nullptr : &it->second;
}

std::vector<Held> HoldBook::held_at(const std::string& site_id,
                                    const model::SiteCapacity& capacity) const {
  auto site = by_site_.find(site_id);
  if (site == by_site_.end()) return {};
  std::vector<Held> out(capacity.pools.size());
  for (const auto& [job, h] : site->second) {
    for (std::size_t i = 0; i < capacity.pools.size(); ++i) {
      if (capacity.pools[i].name != h->pool) continue;
      Held& x = out[i];
      x.cpus += h->resources.cpus;
      x.memory_gb += h->resources.memory_gb;
      if (h->resources.accelerators) {
        x.accelerators[h->resources.accelerators->model] += h->resources.accelerators->count;
      }
      ++x.jobs;
      break;
    }
  }
  return out;
}

}  // namespace suanwang::placement
