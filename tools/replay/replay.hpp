// Replay: runs a workload through the gateway's real placement path — runtime::Planner (snapshot,
// placement::decide, holds, in-flight counts) over a federation::SiteDirectory — and the sim
// adapter's SimEngine for every site, on a virtual clock (a ManualClock moved from event to
// event; nothing sleeps).
//
// The live Dispatcher is a coroutine loop over the SQLite store and Asio strands; replaying a
// week through it would be dominated by database writes and timers. So this driver calls the
// same Planner and SimEngine code directly from a discrete-event queue, and every change of a
// job's state goes through the same lifecycle::step as the dispatcher's (with the same limits,
// runtime::Dispatcher::limits, and the same reading of a site's answers, runtime::submit_failed
// and runtime::remote_state), so a refusal, a loss or a silent site means the same here:
//   arrival   -> Planner::place (holds the winner's resources and counts it in flight; a
//                baseline's pick is placed the same way, pinned by constraints.sites); a job no
//                site can run now waits, one no site could ever run is refused (as the API)
//   staged    -> after the decision's transfer_in_s (inputs moved to the site), SimEngine::submit;
//                the lifecycle's effects follow: the hold accepted, or a fail over (block the
//                site, place again), or a retry after a silent site at the next tick
//   tick      -> every `capacity_interval_s`: each site's SimEngine::capacity is recorded in the
//                directory (the capacity aggregator's job: it also ends holds), jobs in flight are
//                reconciled with SimEngine::status through lifecycle::step, and waiting jobs are
//                placed again.
// A job's time to result is from its arrival to its outputs reaching their region (the sim's
// finish time plus the decision's transfer_out_s); its cost is the billed compute of the time it
// really ran at its site's prices plus the decision's egress.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "tools/replay/federation.hpp"
#include "tools/replay/policies.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

struct ReplayOptions {
  double capacity_interval_s = 30;      // how often sites report (and jobs are reconciled)
  double drain_limit_s = 30 * 86400.0;  // after the last arrival, stop waiting for jobs
  uint64_t seed = 1;                    // baselines' randomness and the sim sites' seeded refusals
};

enum class FinalState { succeeded, failed, canceled, refused, unfinished };
const char* final_state_name(FinalState s);

struct JobOutcome {
  FinalState state = FinalState::unfinished;
  std::string site_id;  // where it ran (last placement)
  std::string region;
  double arrival_s = 0;
  double submitted_s = -1;  // handed to the site (after staging)
  double started_s = -1;
  double finished_s = -1;
  double result_s = -1;  // outputs at their region
  double cost_cny = 0;   // billed compute + egress
  double egress_cny = 0;
  // What the seconds it ran drew and emitted at its site (model/energy.hpp, as the usage record)
  double energy_kwh = 0;
  double co2_kg = 0;
  int64_t bytes_moved = 0;  // across regions, inputs and outputs
  double rtt_ms = 0;        // submitter to the site
  int attempts = 0;
  bool residency_violation = false;
  // What the decision the job last ran with forecast, when it was made (placed_s): the runtime
  // the scores assumed (Decision::runtime_s) and the winner's queue wait at the site and time
  // from placement to results at their region (Candidate::queue_wait_s, result_s). The report
  // compares them with runtime_s, started_s - submitted_s and result_s - placed_s.
  double placed_s = -1;
  double forecast_runtime_s = -1;
  double forecast_queue_wait_s = -1;
  double forecast_result_s = -1;
};

struct SiteUsage {
  std::string site_id;
  std::string name;
  std::string region;
  double cpu_core_s = 0;  // CPU-only jobs' core-seconds inside the workload's span
  double accel_s = 0;     // accelerator-seconds inside the span
  int cpu_cores = 0;      // of pools without accelerators
  int accelerators = 0;
  int64_t jobs = 0;
  // Busy share of the site over the span: the mean of its CPU-pool and accelerator shares
  // (of those it has).
  double utilisation(double span_s) const;
};

struct ReplayRun {
  std::string policy;
  std::vector<JobOutcome> jobs;  // parallel to the workload's jobs
  std::vector<SiteUsage> sites;
  int64_t overfill_events = 0;  // capacity reports with free < 0 or free > total (must be 0)
  double end_s = 0;             // virtual time when the last job ended
  double wall_s = 0;            // how long the replay took, in real seconds
  int64_t decisions = 0;
};

Result<ReplayRun> run_replay(const ReplayFederation& federation, const Workload& workload,
                             const PolicySpec& policy, const ReplayOptions& options);

}  // namespace suanwang::replay
