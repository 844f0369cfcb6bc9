// Report: what a replay found, per policy — total cost, mean and p95 time to result, mean queue
// wait, bytes moved between regions, residency violations, jobs refused, utilisation per site and
// its spread — with the goal check of `balanced` against every baseline, as a terminal table, a
// JSON document and an SVG chart of cost against p95 time to result (drawn here, no tools).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/json.hpp"
#include "tools/replay/replay.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

struct PolicyReport {
  std::string policy;
  std::string summary;  // what the policy is
  bool baseline = false;
  int64_t jobs = 0, succeeded = 0, failed = 0, canceled = 0, refused = 0, unfinished = 0;
  double total_cost_cny = 0;
  double energy_mwh = 0, co2_t = 0;  // estimated, of the jobs that ran (model/energy.hpp)
  double ttr_mean_s = 0, ttr_p95_s = 0;  // time to result of the jobs that ran
  double queue_wait_mean_s = 0;          // at the site, from submission to start
  int64_t bytes_moved = 0;
  int64_t residency_violations = 0;
  int64_t overfill_events = 0;
  double inference_rtt_ms = 0;  // mean RTT from submitter to site of inference jobs
  struct ClassFigures {
    int64_t jobs = 0;
    double cost_cny = 0, ttr_mean_s = 0, ttr_p95_s = 0, queue_wait_mean_s = 0;
  };
  std::array<ClassFigures, kJobClasses> by_class{};         // by JobClass
  std::vector<std::pair<std::string, double>> utilisation;  // by site name
  double utilisation_mean = 0, utilisation_spread = 0;      // spread: standard deviation
  // How wrong the placement's forecasts were, over the jobs that ran: the absolute error of the
  // decision's runtime (vs the true runtime), of the winner's queue wait (vs started - submitted
  // at the site) and of its time to result (vs result - placement), in seconds.
  struct ForecastError {
    int64_t jobs = 0;
    double mae_s = 0, p90_s = 0;
  };
  ForecastError runtime_error, queue_wait_error, result_error;
  double wall_s = 0;
  int64_t decisions = 0;
  // The invariants every replay must keep.
  bool invariants_hold() const {
    return residency_violations == 0 && overfill_events == 0 && unfinished == 0;
  }
};

PolicyReport summarise(const ReplayRun& run, const Workload& workload, const PolicySpec& spec);

// Mean and p90 (nearest rank) of the absolute differences forecast - actual.
PolicyReport::ForecastError forecast_error(const std::vector<double>& abs_errors);

// `balanced` against one baseline. Gains are relative to the baseline (positive: balanced is
// better): (baseline - balanced) / baseline.
struct GoalCheck {
  std::string baseline;
  double cost_gain = 0;
  double p95_gain = 0;
  bool dominated = false;  // the baseline is at least as good on both and better on one
  bool met = false;        // >= 15% better on one, <= 5% worse on the other, not dominated
};
std::vector<GoalCheck> check_goal(const std::vector<PolicyReport>& reports);

// `greenest` against `balanced`, when both ran: how much each costs, takes and emits more or less.
struct GreenCheck {
  double cost_change = 0, p95_change = 0, co2_change = 0;  // (greenest - balanced) / balanced
};
std::optional<GreenCheck> check_green(const std::vector<PolicyReport>& reports);

std::string table(const std::vector<PolicyReport>& reports, const std::vector<GoalCheck>& goal);
Json to_json(const Workload& workload, const std::vector<PolicyReport>& reports,
             const std::vector<GoalCheck>& goal);
std::string svg_chart(const std::vector<PolicyReport>& reports, const std::string& title);

}  // namespace suanwang::replay
