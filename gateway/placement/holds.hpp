// HoldBook: resources reserved at sites for jobs the gateway has placed but whose site has not
// yet reported them in its capacity. Placement subtracts them from the sites' free capacity, so
// a burst of jobs placed between two capacity reports never overfills a site.
//
// A hold ends when the job's site reports capacity observed after it accepted the job (the
// report then includes it), when it is older than the TTL (the report may never show it, e.g. a
// site whose reports lag), or when the job leaves the site (finished, failed over, canceled).
// Pure data; the owner (runtime::Planner) serialises access.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/model/capacity.hpp"
#include "gateway/model/job.hpp"
#include "gateway/placement/placement.hpp"

namespace suanwang::placement {

struct Hold {
  std::string job_id;
  std::string site_id;
  std::string pool;
  model::Resources resources;
  TimePoint placed_at{};
  std::optional<TimePoint> accepted_at;  // when the site accepted the job
};

class HoldBook {
 public:
  // Adds or replaces the hold of hold.job_id (a job holds at one site at a time).
  void add(Hold hold);
  void accepted(const std::string& job_id, TimePoint at);
  void release(const std::string& job_id);
  // Ends holds older than `ttl` at `now`, and holds that the site's report observed at
  // `observed_at(site)` already includes. Costs what it ends plus one observed_at call per site
  // with accepted holds, not a walk over every hold.
  template <class ObservedAt>
  void expire(TimePoint now, std::chrono::milliseconds ttl, ObservedAt observed_at) {
    std::vector<std::string> done;
    for (const auto& [placed_at, job] : by_time_) {
      if (now - placed_at <= ttl) break;
      done.push_back(job);
    }
    for (const auto& [site_id, site] : by_site_) {
      if (site.accepted.empty()) continue;
      const std::optional<TimePoint> seen = observed_at(site_id);
      if (!seen) continue;
      for (const auto& [accepted_at, job] : site.accepted) {
        if (!(*seen > accepted_at)) break;
        done.push_back(job);
      }
    }
    for (const auto& j : done) release(j);
  }

  // What is held at `site_id`, per pool of `capacity` (parallel to capacity.pools): kept as
  // running totals, so this costs the pools, not the holds.
  std::vector<Held> held_at(const std::string& site_id, const model::SiteCapacity& capacity) const;
  std::size_t size() const { return by_job_.size(); }
  const Hold* find(const std::string& job_id) const;

 private:
  struct SiteHolds {
    std::map<std::string, Held> by_pool;                   // the sums of the site's holds
    std::set<std::pair<TimePoint, std::string>> accepted;  // (accepted_at, job), oldest first
    std::size_t holds = 0;
  };
  std::map<std::string, Hold> by_job_;
  std::map<std::string, SiteHolds> by_site_;
  std::set<std::pair<TimePoint, std::string>> by_time_;  // (placed_at, job), oldest first
};

}  // namespace suanwang::placement
