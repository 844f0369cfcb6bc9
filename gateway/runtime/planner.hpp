// Planner: builds the placement snapshot from the live federation and asks the placement
// engine. It owns the gateway's view of what it has put on each site: the jobs in flight at
// each site (placed, submitted or running there; a site's `max_in_flight` caps them) and
// resource holds (placement/holds.hpp). place() decides, holds and counts the job in flight
// under one lock, so concurrent placements see each other's jobs at once — before any of them
// is committed — and neither a site's resources nor its in-flight cap is ever exceeded. A
// placement that is not committed after all gives its place back (left_site). It also learns from
// jobs that succeeded how long an org's jobs really run against the walltime they ask
// (placement/runtime_model.hpp), and passes the prediction to placement for scoring. And it
// learns, per site and pool, how long the jobs it placed there really waited against the queue
// wait their placement estimated (placement/queue_model.hpp): place() remembers the winner's
// estimate (before the learnt correction) with the job in flight, accepted() the time the site
// took it, started() compares; later placements' time estimates use the correction when
// Config::learn_queue_waits is set (off by default: queue_model.hpp says why).
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
#include "gateway/placement/queue_model.hpp"
#include "gateway/placement/runtime_model.hpp"

namespace suanwang::runtime {

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
  // The site accepted the job: its hold ends once the site reports after `now`, and its queue
  // wait runs from now.
  void accepted(const std::string& job_id);
  // The job started at its site at `started_at` (the site's time): the wait since the site
  // accepted it is learnt against the queue wait its placement estimated. Once per placement;
  // nothing is learnt for a job this planner did not place and see accepted (e.g. before a
  // restart). Call before left_site() when the job is seen to start and end at once.
  void started(const std::string& job_id, TimePoint started_at);
  std::size_t holds() const;

  // Jobs in flight, by job: idempotent, so a job counted twice (by its placement and by a
  // re-read of the store) is still one job.
  void track(const std::string& job_id, const std::string& site_id, TimePoint since);
  // The store's view of what is in flight, read from `read_started` on: jobs missing from it
  // and counted before then are forgotten (they ended without telling the planner); jobs
  // counted later stay (they were placed while the store was read).
  void sync_in_flight(const std::map<std::string, std::string>& site_by_job,
                      TimePoint read_started);
  int in_flight(const std::string& site_id) const;
  // The job left its site (ended, failed over, canceled, or its placement was not committed):
  // one fewer in flight there, hold released.
  void left_site(const std::string& job_id);
  // A job of `org_id` succeeded after running `runtime_s` at its site: later placements of the
  // org's jobs of the same shape predict their runtime from it (when they give none).
  void finished(const std::string& org_id, const model::JobSpec& spec, int64_t runtime_s);

  // Checks that the regions, sites and datasets a spec names exist (datasets: among
  // `datasets`, the org's own). Errors name the field.
  Result<void> check_references(const model::JobSpec& spec,
                                const std::vector<model::Dataset>& datasets) const;

 private:
  struct Planned {
    placement::Decision decision;
    double reported_queue_s = 0;  // the winner's queue wait before the learnt correction
  };
  Planned decide_locked(const PlanInput& in);  // REQUIRES: mu_ held

  federation::SiteDirectory& directory_;
  federation::Geography& geography_;
  const Config& config_;
  const Clock& clock_;
  mutable std::mutex mu_;
  void untrack_locked(const std::string& job_id);  // REQUIRES: mu_ held
  struct InFlight {
    std::string site_id;
    TimePoint since;
    // What the queue model learns from, for a job this planner placed: where it queues, the
    // queue wait estimated (until started() has learnt it), when the site accepted it.
    std::string pool;
    std::optional<double> queue_estimate_s;
    std::optional<TimePoint> accepted_at;
  };
  std::map<std::string, InFlight> in_flight_jobs_;  // by job id; REQUIRES: mu_ held
  std::map<std::string, int> in_flight_;            // by site id; REQUIRES: mu_ held
  placement::HoldBook holds_;                       // REQUIRES: mu_ held
  placement::RuntimeModel runtimes_;                // REQUIRES: mu_ held
  placement::QueueModel queues_;                    // REQUIRES: mu_ held
  metrics::Histogram* quote_seconds_ = nullptr;
  metrics::Histogram* place_seconds_ = nullptr;
  static void observe_since(metrics::Histogram* h, std::chrono::steady_clock::time_point t0);
};

}  // namespace suanwang::runtime
