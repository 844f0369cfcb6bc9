// Placement: for one job over every site, filter with reasons, estimate, score and explain
// (DESIGN §3). Pure: no Asio, no SQLite, no clock of its own — a function of
// (job, snapshot, holds) so it can be tested with tables and measured in microseconds.
//
// Filters, in order (the first that fails is the site's rejection code): blocked (refused or
// lost this job before), draining, offline, site_not_allowed, site_denied, region_not_allowed,
// region_denied, org_not_allowed, no_images, walltime, no_accelerator_model, in_flight_cap,
// capacity_unknown, capacity_stale, too_large (no pool could ever hold the job),
// over_max_price (constraints.max_price_cny), over_budget (the org's remaining budget),
// deadline (results would arrive after constraints.deadline).
//
// Runtimes: the bound is expected_runtime_s when given, else the walltime (what a site
// enforces); the likely runtime is expected_runtime_s, else Request::predicted_runtime_s (the
// org's history, runtime_model.hpp), else the walltime. Costs (shown, held against budgets,
// checked against max_price, scored as price) and deadlines use the bound, so nothing is
// under-held; the time estimates below use the likely runtime, so the user's over-asking does
// not dilute what a queue costs in time.
//
// Estimates per feasible site:
//   compute  = pricing x resources x bound runtime, billed at the site's granularity
//              (accounting/cost)
//   inputs   = for each input, the replica that arrives soonest: RTT + size / bandwidth over the
//              network link; inputs move in parallel; crossing regions costs the link's egress
//   outputs  = transfer to outputs.region, paying the link's and the site's egress
//   pool     = the first pool that could ever hold the job: a site queues a job in one pool
//              (the sim adapter's rule; slurm and local report their one partition)
//   queue    = when the site reports its queue per pool (the pools' queued_jobs add up to the
//              site's; the sim does) and jobs are queued ahead in that pool: the site's forecast
//              for a small job appended to it now, else the pool's queued core-seconds / its
//              cores — even when the job fits the free resources, since such a pool starts jobs
//              in order — plus the job's share of the pool (CPUs or its accelerator model,
//              whichever is larger) x max(that drain time, one runtime): a large job also waits
//              for its share to free once the queue ahead has started; with nothing queued in
//              that pool: 0 when the job fits now (after
//              holds), else one runtime. Without per-pool figures: 0 when the job fits that
//              pool's free capacity now (after holds); else, when another pool has free CPUs
//              (so the site-wide figures describe that pool), the larger of queued core-seconds
//              / the pool's cores and one runtime; else the site's own estimate, else queued
//              core-seconds / total cores, else one runtime. Then, given Request::queue_model,
//              corrected by what the jobs placed in that pool really waited against this same
//              estimate (queue_model.hpp: x a quantile of their ratios, or + a quantile of
//              their residuals when it is near zero); reported_queue_wait_s() is the estimate
//              before the correction, what the correction is learnt against
//   start    = max(inputs in, queue);  result = start + runtime + outputs out
//   (runtime in queue and result: the likely one; a deadline is checked with the bound)
//   latency  = RTT from submitter_region to the site's region (0 when not given)
//   energy   = the likely runtime x the site's power for the job's CPUs and accelerators x its
//              PUE; emissions = energy x the region's grid intensity (model/energy.hpp)
//
// Score. For each criterion c in {price, time, latency, locality, green} and each feasible
// candidate i with raw value x_i (lower is better):
//     norm_c(i) = (x_i - min_c) / max(max_c - min_c, min_c)   (0 when every x is equal)
// so 0 is the best candidate on c and 1 the worst when the worst is at least twice the best;
// closer candidates are told apart by their relative difference (x_i / min_c - 1), so that
// seconds of transfer on an hours-long job do not weigh like a doubling of the time.
// total(i) = sum_c w_c * norm_c(i), with the weights of the routing policy normalised to sum to
// 1. Lowest total wins; ties go to the lower cost, then the earlier result, then the smaller
// site id (deterministic).
//   price    = compute cost + egress cost (CNY)
//   time     = estimated seconds from now to result
//   latency  = RTT from the submitter's region to the site's (ms)
//   locality = input bytes that must cross regions
//   green    = the job's estimated emissions at the site (kg CO2)
// Policies (price / time / latency / locality / green): balanced {0.35, 0.45, 0.10, 0.10, 0},
// cheapest {1,0,0,0,0}, fastest {0,1,0,0,0}, data-local {0.2, 0.2, 0, 0.6, 0}, greenest
// {0.2, 0.45, 0, 0, 0.35} (carbon before price, but time first: carbon is a site's constant,
// so a heavy carbon weight queues every job on the greenest grid — measured in the replay,
// green 0.6 cut CO2 by 11-43% for a p95 time 4-5 times balanced's; 0.35 cuts about 12% for
// about 5% more cost and 10-40% more p95 time), or explicit weights (policy
// "custom"). Green weighs 0 in the older policies, so they place as before. The named
// policies' latency weight holds only for jobs that say they are `interactive` (the rest is
// renormalised over the other criteria): the RTT from the submitter is what a person waiting on
// a session or a service's callers feel, while a batch job's time to result does not depend on
// it. Weighing it for every job pulled batch jobs to nearer, dearer sites for nothing: on the
// Parallel Workloads Archive's CTC week, balanced paid 15% more than cheapest-failover for the
// same p95 time (issue 21). Custom weights are taken as given. Balanced weighs time a
// little over price. That was chosen (in the replay, README) while a job without
// expected_runtime_s was timed by its walltime, to offset the dilution of its queue; the
// weights were deliberately not re-tuned when the learnt runtimes removed most of it.
//
// Cost: one pass over the sites without allocating per site; only the top `max_ranked`
// candidates and the first `max_rejections_listed` rejections become strings.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/enum_names.hpp"
#include "gateway/core/i18n.hpp"
#include "gateway/core/json.hpp"
#include "gateway/model/capacity.hpp"
#include "gateway/model/dataset.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"
#include "gateway/placement/queue_model.hpp"

namespace suanwang::placement {

enum class Criterion { price = 0, time = 1, latency = 2, locality = 3, green = 4 };
inline constexpr std::size_t kCriterionCount = 5;
inline constexpr std::array<Criterion, kCriterionCount> kCriteria = {
    Criterion::price, Criterion::time, Criterion::latency, Criterion::locality, Criterion::green};
inline constexpr EnumNames<Criterion, kCriterionCount> kCriterionNames(
    {{{Criterion::price, "price"},
      {Criterion::time, "time"},
      {Criterion::latency, "latency"},
      {Criterion::locality, "locality"},
      {Criterion::green, "green"}}});
using PerCriterion = std::array<double, kCriterionCount>;
inline const char* criterion_name(Criterion c) {
  return kCriterionNames.name(c);
}

enum class RejectCode {
  blocked,
  draining,
  offline,
  site_not_allowed,
  site_denied,
  region_not_allowed,
  region_denied,
  org_not_allowed,
  no_images,
  no_staging,
  walltime,
  no_accelerator_model,
  in_flight_cap,
  capacity_unknown,
  capacity_stale,
  too_large,
  over_max_price,
  over_budget,
  deadline,
};
inline constexpr std::size_t kRejectCodes = static_cast<std::size_t>(RejectCode::deadline) + 1;
inline constexpr EnumNames<RejectCode, kRejectCodes> kRejectCodeNames(
    {{{RejectCode::blocked, "blocked"},
      {RejectCode::draining, "draining"},
      {RejectCode::offline, "offline"},
      {RejectCode::site_not_allowed, "site_not_allowed"},
      {RejectCode::site_denied, "site_denied"},
      {RejectCode::region_not_allowed, "region_not_allowed"},
      {RejectCode::region_denied, "region_denied"},
      {RejectCode::org_not_allowed, "org_not_allowed"},
      {RejectCode::no_images, "no_images"},
      {RejectCode::no_staging, "no_staging"},
      {RejectCode::walltime, "walltime"},
      {RejectCode::no_accelerator_model, "no_accelerator_model"},
      {RejectCode::in_flight_cap, "in_flight_cap"},
      {RejectCode::capacity_unknown, "capacity_unknown"},
      {RejectCode::capacity_stale, "capacity_stale"},
      {RejectCode::too_large, "too_large"},
      {RejectCode::over_max_price, "over_max_price"},
      {RejectCode::over_budget, "over_budget"},
      {RejectCode::deadline, "deadline"}}});
inline const char* reject_code_name(RejectCode c) {
  return kRejectCodeNames.name(c);
}
// Codes that may clear by themselves (a site comes back, reports, or frees a slot): a job
// rejected everywhere, and by some site only for such a reason, waits instead of failing.
// decide() checks them last, so a site carries one only when it passed every other filter.
bool is_transient(RejectCode c);

// Resources held in one pool of a site for jobs placed but not yet in the site's reports.
struct Held {
  int cpus = 0;
  double memory_gb = 0;
  std::map<std::string, int> accelerators;  // by model
  int jobs = 0;
};

// One site as placement sees it at an instant.
struct SiteState {
  const model::Site* site = nullptr;            // REQUIRES: outlives the decide() call
  std::optional<model::SiteCapacity> capacity;  // none until the first report
  double capacity_age_s = 0;
  int in_flight = 0;  // gateway jobs placed/submitted/running here
  bool supports_images = true;
  bool supports_staging = true;  // can take a job's files in and out
  std::vector<Held> held;  // parallel to capacity->pools; empty when nothing is held
};

struct Snapshot {
  std::vector<SiteState> sites;
  const model::Network* network = nullptr;                // REQUIRES: non-null
  // The regions with their grid figures, for energy and carbon; null or missing regions use
  // the national figures (model/energy.hpp).
  const std::vector<model::Region>* regions = nullptr;
  std::map<std::string, const model::Dataset*> datasets;  // the submitting org's, by id
  double capacity_stale_after_s = 60;
  TimePoint now{};  // the instant of the snapshot, for deadlines
};

struct Request {
  const model::JobSpec* spec = nullptr;  // REQUIRES: non-null
  std::string org_id;
  std::vector<std::string> blocked_sites;
  std::optional<double> budget_remaining_cny;  // none = the org has no budget
  // How long the job will likely run when its spec gives no expected_runtime_s, learnt from the
  // org's finished jobs (RuntimeModel); none = unknown (the walltime stands in). Scoring only:
  // costs shown, budgets, max_price and deadlines keep the walltime bound.
  std::optional<int64_t> predicted_runtime_s;
  // Learnt corrections of the queue wait per site and pool (QueueModel, from the waits of the
  // jobs placed there; the planner passes it when Config::learn_queue_waits is set); none =
  // the sites' figures as they are. Time estimates only (queue,
  // start, result, the deadline filter): never a cost or a hold. REQUIRES: outlives decide().
  const QueueModel* queue_model = nullptr;
  std::size_t max_ranked = 10;             // candidates returned with figures
  std::size_t max_rejections_listed = 50;  // rejections returned with sentences
};

struct Rejection {
  std::string site_id;
  std::string site_name;
  std::string site_name_zh;  // empty when the site has no Chinese name
  RejectCode code = RejectCode::blocked;
  std::string message;  // a sentence, in English
  i18n::Message text;   // the same as a catalog code and parameters (rendered per caller)
};

struct Candidate {
  std::size_t site_index = 0;  // into Snapshot::sites
  std::string site_id;
  std::string site_name;
  std::string site_name_zh;  // empty when the site has no Chinese name
  std::string region;
  std::string pool;  // where the job fits (now if it can)
  double compute_cost_cny = 0;
  double egress_cost_cny = 0;
  double total_cost_cny = 0;
  int64_t bytes_moved = 0;  // input bytes crossing regions + output bytes crossing regions
  double transfer_in_s = 0;
  double transfer_out_s = 0;
  double queue_wait_s = 0;
  // The job fits its pool's reported free capacity now, after holds — whatever the pool has
  // queued (queue_wait_s may still be positive behind a queue that starts jobs in order).
  bool fits_free_now = false;
  double start_s = 0;   // from now until the job can start
  double result_s = 0;  // from now until results are at the output region
  double rtt_ms = 0;
  // Energy the job will likely use here (its likely runtime at the site's power and PUE) and
  // what that emits on the region's grid (model/energy.hpp).
  double energy_kwh = 0;
  double co2_kg = 0;
  PerCriterion raw{};         // by Criterion
  PerCriterion normalized{};  // by Criterion, 0 best .. 1 worst
  double score = 0;
  double raw_of(Criterion c) const { return raw[static_cast<std::size_t>(c)]; }
  double normalized_of(Criterion c) const { return normalized[static_cast<std::size_t>(c)]; }
};

struct Decision {
  std::string policy;
  model::Weights weights;
  std::vector<Candidate> ranked;  // best first, at most Request::max_ranked
  std::size_t feasible_sites = 0;
  std::vector<Rejection> rejected;  // at most Request::max_rejections_listed
  std::array<int, kRejectCodes> rejected_by_code{};
  std::size_t rejected_sites = 0;
  // The cheapest estimate among sites refused only for the budget (for "over by how much").
  std::optional<double> cheapest_over_budget_cny;
  std::string summary;  // one line for humans, in English
  // The summary as coded parts, written one after another (i18n::render of the parts in en is
  // `summary`); the API renders them in the caller's language.
  std::vector<i18n::Message> summary_parts;
  // The runtime the scores assumed and where it came from: "expected_runtime_s" (the spec),
  // "predicted" (Request::predicted_runtime_s) or "walltime".
  int64_t runtime_s = 0;
  std::string runtime_basis;
  bool feasible() const { return !ranked.empty(); }
  int rejected_count(RejectCode c) const { return rejected_by_code[static_cast<std::size_t>(c)]; }
  // Whether some site was refused only for a reason that clears by itself (is_transient): an
  // infeasible job may wait for that site instead of failing.
  bool may_clear() const;
};

// The policy's weights, normalised to sum to 1. A named policy's latency weight holds only for an
// interactive job (JobSpec::interactive); custom weights are taken as given.
model::Weights weights_for(const model::Routing& routing, bool interactive);
Decision decide(const Request& request, const Snapshot& snapshot);
// The queue wait the site's own figures give `candidate` (a decision's, against `snapshot`)
// for a job of `resources` timed at `runtime_s` (Decision::runtime_s): the queue estimate
// before Request::queue_model's correction, which is what that correction learns against.
double reported_queue_wait_s(const Snapshot& snapshot, const Candidate& candidate,
                             const model::Resources& resources, int64_t runtime_s);
// Records in the snapshot that `resources` are now held in `pool` of site `site_index`, so that
// later decisions against the same snapshot see them (batch placement).
void hold_in_snapshot(Snapshot& snapshot, std::size_t site_index, const std::string& pool,
                      const model::Resources& resources);
Json to_json(const Decision& d);
// The same document as JSON text, written without a tree (what a submission stores), and one
// ranked candidate as the document writes it.
std::string to_json_text(const Decision& d);
std::string to_json_text(const Candidate& c);
// The decision's "chosen", "summary" and "summary_parts" members only: what reads of a job carry.
Json brief_json(const Decision& d);
// Rewrites a decision document (or its brief form) in `lang`: "summary" from "summary_parts"
// and each rejection's "reason" from "reason_code" and "reason_params". Documents written
// before they carried codes keep their English.
void localize_decision(Json& decision, i18n::Lang lang);

}  // namespace suanwang::placement
