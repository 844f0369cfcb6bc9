// Planner: builds the placement snapshot from the live federation and asks the placement
// engine. It owns the gateway's view of what it has put on each site since the site last
// reported: jobs in flight per site (refreshed by the dispatcher every pass) and resource holds
// (placement/holds.hpp). place() decides and holds under one lock, so a burst of placements
// sees its own jobs and never overfills a site. It also learns from jobs that succeeded how
// long an org's jobs really run against the walltime they ask (placement/runtime_model.hpp),
// and passes the prediction to placement for scoring.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/metrics/registry.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/model/job.hpp"
#include "gateway/placement/holds.hpp"
#include "gateway/placement/placement.hpp"
#include "gateway/placement/runtime_model.hpp"

namespace suanwang::jobs {

struct PlanInput {
  const model::JobSpec* spec = nullptr;  // REQUIRES: non-null
  std::string org_id;
  std::vector<std::string> blocked_sites;
  const std::vector<model::Dataset>* datasets = nullptr;  // the org's; REQUIRES: non-null
  std::optional<double> budget_remaining_cny;
};

class Planner {
 public:
  Planner(federation::SiteDirectory& directory, federation::Geography& geography,
          const Config& config, const Clock& clock)
      : directory_(directory), geography_(geography), config_(config), clock_(clock) {}

  // Times quote() and place() into `registry` from now on (call before the loops start).
  void set_metrics(metrics::Registry& registry);

  // A quote: the decision, holding nothing.
  placement::Decision quote(const PlanInput& in);
  // The same for the dispatcher's own look before it places (not timed as a quote).
  placement::Decision probe(const PlanInput& in);
  // Decides for job `job_id` and holds the winner's resources for it (replacing an earlier
  // hold of the same job), atomically with respect to other place() calls.
  placement::Decision place(const std::string& job_id, const PlanInput& in);
  // The site accepted the job: its hold ends once the site reports after `now`.
  void accepted(const std::string& job_id);
  // The job left its site (finished, failed over, canceled): its hold ends now.
  void release(const std::string& job_id);
  std::size_t holds() const;

  void set_in_flight(std::map<std::string, int> counts);
  void add_in_flight(const std::string& site_id, int delta);
  // The job left `site_id` (ended, failed over, canceled): one fewer in flight, hold released.
  void left_site(const std::string& job_id, const std::string& site_id);
  // A job of `org_id` succeeded after running `runtime_s` at its site: later placements of the
  // org's jobs of the same shape predict their runtime from it (when they give none).
  void finished(const std::string& org_id, const model::JobSpec& spec, int64_t runtime_s);

  // Checks that the regions, sites and datasets a spec names exist (datasets: among
  // `datasets`, the org's own). Errors name the field.
  Result<void> check_references(const model::JobSpec& spec,
                                const std::vector<model::Dataset>& datasets) const;

 private:
  placement::Decision decide_locked(const PlanInput& in);  // REQUIRES: mu_ held

  federation::SiteDirectory& directory_;
  federation::Geography& geography_;
  const Config& config_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, int> in_flight_;  // REQUIRES: mu_ held
  placement::HoldBook holds_;             // REQUIRES: mu_ held
  placement::RuntimeModel runtimes_;      // REQUIRES: mu_ held
  metrics::Histogram* quote_seconds_ = nullptr;
  metrics::Histogram* place_seconds_ = nullptr;
  static void observe_since(metrics::Histogram* h, std::chrono::steady_clock::time_point t0);
};

}  // namespace suanwang::jobs
