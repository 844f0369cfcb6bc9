// HoldBook: resources reserved at sites for jobs the gateway has placed but whose site has not
// yet reported them in its capacity. Placement subtracts them from the sites' free capacity, so
// a burst of jobs placed between two capacity reports never overfills a site.
//
// A hold ends when the job's site reports capacity observed after it accepted the job (the
// report then includes it), when it is older than the TTL (the report may never show it, e.g. a
// site whose reports lag), or when the job leaves the site (finished, failed over, canceled).
// Pure data; the owner (jobs::Planner) serialises access.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
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
  // `observed_at(site)` already includes.
  template <class ObservedAt>
  void expire(TimePoint now, std::chrono::milliseconds ttl, ObservedAt observed_at) {
    std::vector<std::string> done;
    for (const auto& [job, h] : by_job_) {
      const std::optional<TimePoint> seen = observed_at(h.site_id);
      if (now - h.placed_at > ttl || (h.accepted_at && seen && *seen > *h.accepted_at)) {
        done.push_back(job);
      }
    }
    for (const auto& j : done) release(j);
  }

  // What is held at `site_id`, per pool of `capacity` (parallel to capacity.pools).
  std::vector<Held> held_at(const std::string& site_id, const model::SiteCapacity& capacity) const;
  std::size_t size() const { return by_job_.size(); }
  const Hold* find(const std::string& job_id) const;

 private:
  std::map<std::string, Hold> by_job_;
  std::map<std::string, std::map<std::string, const Hold*>> by_site_;  // site -> job -> hold
};

}  // namespace suanwang::placement
