// QueueModel: corrects the queue wait placement estimates from a site's figures (placement.hpp,
// "queue") by how long the jobs placed in the same pool of the same site then really waited —
// the way RuntimeModel corrects the user's walltime by what the org's jobs really ran.
//
// Why: the estimate blends what a site reports (its forecast for a small job appended now, its
// queued work) with the job's share of the pool, and it is wrong in ways that belong to a pool:
// a site's forecast ignores the jobs the gateway sends it between two reports (a pool that wins
// many placements in a row is under-forecast for every one of them), a pool's mix of job sizes
// makes the share term too long or too short, a "fits now" is beaten to the free cores. Learning
// the error per pool from what happened corrects each pool by its own record.
//
// Model: per key (site id, pool name), windows of the last `window` observations of a job
// placed there: the estimate it was placed with (from the site's figures, before any
// correction) and the wait it then had (started - accepted by the site).
//   - estimate >= near_zero_s: the ratio actual / estimate, one window per band of the
//     estimate's length (kQueueRatioBandEdges); the corrected wait is estimate x the band's
//     ratios' `quantile`, clamped to [min_factor, max_factor]. A ratio, because a pool's waits
//     span orders of magnitude over a day while its forecast's bias is relative.
//   - estimate < near_zero_s ("fits now", or a short queue): a ratio of near-zero estimates is
//     meaningless (a 2 s estimate and a 3 min wait is x90), so the residual actual - estimate;
//     the corrected wait is estimate + the residuals' `quantile`, at least 0.
// Each window corrects once it has `min_samples` observations; until then the estimate stands.
//
// Why a quantile and not a mean: waits are heavy-tailed (most jobs start at once, a few wait
// hours behind a training job), so a mean is pulled by the few and describes no job, and it
// would move with each outlier. Why p75 (kQueueQuantile) and not the median: the time
// criterion is there for the time to result, whose tail (p95) is made by the jobs that met a
// longer queue than forecast; an under-estimated wait sends the next jobs into that queue too,
// an over-estimated one costs a somewhat dearer or farther site. A quantile above the median
// leans to the safe side without chasing the worst cases (measured in the replay: README).
//
// What a correction is for: the time estimates (queue, start, result: the time criterion, and
// the deadline filter) — never a price, a hold or a budget.
//
// Off by default (Config::learn_queue_waits; the planner learns either way). Measured in the
// replay (two days, seeds 1 and 2; README): the sim's sites forecast with the jobs' true
// runtimes, so their forecasts are already right (ratio p50 1.00, p75 1.02) and the correction
// changes nothing that matters (balanced's cost and p95 within 0.1%). With sites that forecast
// from walltimes, as slurm and local do, the raw estimate is about 5x too long and the
// correction cuts its mean absolute error from 60-97 min to 11-18 min, yet balanced became
// 8-9% slower at p95 for 0.3-1.0% less cost (one ratio per pool, before the bands: 9-18%):
// with queues no longer over-estimated, balanced's weights trade time for price and send more
// jobs into queues, where the errors left (an inference job behind a training job) hurt most.
// The correction is worth turning on with weights tuned against it, not under today's.
//
// Pure and deterministic: no clock (the caller gives both times' difference), no randomness.
// Single-threaded: the owner (runtime::Planner) serialises calls under its mutex. corrected()
// is the hot path (once per feasible candidate of every decision): one hash lookup by site id,
// a scan of the site's few pools by name, no allocation, and nothing at all until some pool
// corrects. Memory is bounded by sites x pools x (bands + 1) x window floats.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace suanwang::placement {

// The quantile of a pool's observed errors that its estimates are corrected by (see above).
inline constexpr double kQueueQuantile = 0.75;
// Ratios are kept apart by the estimate's length, at these edges (seconds): a pool's long
// forecasts are made of its long jobs' walltimes and its short ones of its short jobs', and how
// much users over-ask differs between them (inference asks hours for minutes, training less),
// so one ratio per pool would mis-correct one kind with the other's habit.
inline constexpr std::array<double, 3> kQueueRatioBandEdges = {600, 3600, 4 * 3600};
inline constexpr std::size_t kQueueRatioBands = kQueueRatioBandEdges.size() + 1;

struct QueueModelOptions {
  std::size_t window = 200;      // observations kept per pool and regime (the most recent)
  std::size_t min_samples = 20;  // observations a regime needs before it corrects
  double quantile = kQueueQuantile;
  // Estimates below this many seconds are corrected by adding a residual, not by a ratio.
  double near_zero_s = 60;
  // Bounds of a ratio correction: a pool whose record says x20 is more likely to have changed
  // (a burst passed, a site recovered) than to be that wrong for the next job.
  double min_factor = 0.125;
  double max_factor = 8;
};

class QueueModel {
 public:
  explicit QueueModel(QueueModelOptions options = {});

  // A job placed in `pool` of `site_id` with an estimated queue wait of `estimate_s` (from the
  // site's figures, before correction) waited `actual_s` from the site's acceptance to its
  // start. Negative or non-finite figures are ignored.
  void observe(std::string_view site_id, std::string_view pool, double estimate_s, double actual_s);

  // The corrected queue wait for a job in `pool` of `site_id` estimated at `estimate_s`; the
  // estimate itself until the pool's regime for it has min_samples observations.
  double corrected(std::string_view site_id, std::string_view pool, double estimate_s) const;

  // The learnt quantiles of one pool, when that regime corrects (for tests and explanations):
  // the ratio applied to estimates >= near_zero_s in the band of `estimate_s` (clamped), and
  // the residual in seconds added to smaller ones.
  std::optional<double> ratio(std::string_view site_id, std::string_view pool,
                              double estimate_s) const;
  std::optional<double> residual_s(std::string_view site_id, std::string_view pool) const;

  // Observations kept for a pool (both regimes), for tests.
  std::size_t samples(std::string_view site_id, std::string_view pool) const;

 private:
  struct Window {
    std::vector<float> values;  // ring buffer, at most options_.window
    std::size_t next = 0;       // where the next value goes once full
    double quantile = 0;        // of values, kept on observe (corrections outnumber starts)
    bool ready = false;         // values.size() >= min_samples
  };
  struct Pool {
    std::string name;
    std::array<Window, kQueueRatioBands> ratio;  // actual / estimate, by band of the estimate
    Window residual;                             // actual - estimate, estimates < near_zero_s
  };
  static std::size_t band_of(double estimate_s);
  struct SiteHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using Sites = std::unordered_map<std::string, std::vector<Pool>, SiteHash, std::equal_to<>>;

  const Pool* find(std::string_view site_id, std::string_view pool) const;
  void add(Window& w, double value);

  QueueModelOptions options_;
  Sites sites_;
  std::size_t ready_ = 0;       // windows that correct: corrected() does nothing while 0
  std::vector<float> scratch_;  // for the quantile, reused so observe allocates once
};

}  // namespace suanwang::placement
