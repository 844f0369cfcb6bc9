// HoldBook (see holds.hpp).
#include "gateway/placement/holds.hpp"

namespace suanwang::placement {

namespace {
void add_to(Held& sum, const model::Resources& r, int sign) {
  sum.cpus += sign * r.cpus;
  sum.memory_gb += sign * r.memory_gb;
  if (r.accelerators) {
    int& n = sum.accelerators[r.accelerators->model];
    n += sign * r.accelerators->count;
    if (n == 0) sum.accelerators.erase(r.accelerators->model);
  }
  sum.jobs += sign;
}
}  // namespace

void HoldBook::add(Hold hold) {
  release(hold.job_id);
  const std::string job = hold.job_id;
  auto [it, inserted] = by_job_.emplace(job, std::move(hold));
  const Hold& h = it->second;
  SiteHolds& site = by_site_[h.site_id];
  add_to(site.by_pool[h.pool], h.resources, +1);
  site.holds += 1;
  if (h.accepted_at) site.accepted.emplace(*h.accepted_at, job);
  by_time_.emplace(h.placed_at, job);
}

void HoldBook::accepted(const std::string& job_id, TimePoint at) {
  auto it = by_job_.find(job_id);
  if (it == by_job_.end()) return;
  Hold& h = it->second;
  SiteHolds& site = by_site_[h.site_id];
  if (h.accepted_at) site.accepted.erase({*h.accepted_at, job_id});
  h.accepted_at = at;
  site.accepted.emplace(at, job_id);
}

void HoldBook::release(const std::string& job_id) {
  auto it = by_job_.find(job_id);
  if (it == by_job_.end()) return;
  const Hold& h = it->second;
  if (auto site = by_site_.find(h.site_id); site != by_site_.end()) {
    SiteHolds& s = site->second;
    if (auto pool = s.by_pool.find(h.pool); pool != s.by_pool.end()) {
      add_to(pool->second, h.resources, -1);
      // The last hold of a pool takes its sum with it (no floating-point residue stays).
      if (pool->second.jobs == 0) s.by_pool.erase(pool);
    }
    if (h.accepted_at) s.accepted.erase({*h.accepted_at, job_id});
    if (--s.holds == 0) by_site_.erase(site);
  }
  by_time_.erase({h.placed_at, job_id});
  by_job_.erase(it);
}

std::vector<Held> HoldBook::held_at(const std::string& site_id,
                                    const model::SiteCapacity& capacity) const {
  auto site = by_site_.find(site_id);
  if (site == by_site_.end()) return {};
  std::vector<Held> out(capacity.pools.size());
  for (std::size_t i = 0; i < capacity.pools.size(); ++i) {
    auto pool = site->second.by_pool.find(capacity.pools[i].name);
    if (pool != site->second.by_pool.end()) out[i] = pool->second;
  }
  return out;
}

const Hold* HoldBook::find(const std::string& job_id) const {
  auto it = by_job_.find(job_id);
  return it == by_job_.end() ? nullptr : &it->second;
}

}  // namespace suanwang::placement
