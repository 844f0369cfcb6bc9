// Planner: builds the placement snapshot from the live federation and asks the placement
// engine. It also counts the gateway's jobs in flight per site (the dispatcher refreshes the
// counts every pass; each placement adds one at once so a burst sees its own jobs).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/model/job.hpp"
#include "gateway/placement/placement.hpp"

namespace suanwang::jobs {

class Planner {
 public:
  Planner(federation::SiteDirectory& directory, federation::Geography& geography,
          const Config& config, const Clock& clock)
      : directory_(directory), geography_(geography), config_(config), clock_(clock) {}

  placement::Decision plan(const model::JobSpec& spec, const std::string& org_id,
                           const std::vector<std::string>& blocked_sites,
                           const std::vector<model::Dataset>& datasets);

  void set_in_flight(std::map<std::string, int> counts);
  void add_in_flight(const std::string& site_id, int delta);

  // Checks that the regions, sites and datasets a spec names exist (datasets: among
  // `datasets`, the org's own). Errors name the field.
  Result<void> check_references(const model::JobSpec& spec,
                                const std::vector<model::Dataset>& datasets) const;

 private:
  federation::SiteDirectory& directory_;
  federation::Geography& geography_;
  const Config& config_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, int> in_flight_;  // REQUIRES: mu_ held
};

}  // namespace suanwang::jobs
