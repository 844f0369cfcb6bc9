// RuntimeModel: predicts how long a job will really run when its spec gives no
// expected_runtime_s, from how the org's similar jobs that finished compare with the walltime
// they asked for. Users over-ask walltime, often 2-4x, so scoring a job as if it ran for its
// walltime dilutes what a queue means for its time to result (placement.hpp). Like the
// system-generated predictions of Tsafrir, Etsion and Feitelson ("Backfilling using
// system-generated predictions rather than user runtime estimates", IEEE TPDS 2007), the
// prediction comes from the submitter's recent history, not from the user's figure.
//
// Model: per key (org, resource shape: "cpu" or the accelerator model) a window of the last
// `window` ratios actual runtime / requested walltime of jobs that succeeded without an
// expected_runtime_s; the prediction is walltime x the window's median, clamped to
// [min_ratio, 1] x walltime, once the key has `min_samples` ratios. A ratio, not a runtime, is
// learnt because an org's jobs of one shape span orders of magnitude in length while their
// over-asking factor is a habit of the users (and, in a ratio, the walltime still carries what
// the user knows about this job). The median ignores the odd job that crashed at once.
//
// What a prediction is for: scoring (placement's time and price criteria), never a bound — the
// walltime stays what a site enforces and what budgets and max_price are checked against, so a
// wrong prediction costs a worse choice of site, not an under-held budget.
//
// Pure and single-threaded: the owner (runtime::Planner) serialises calls. Memory is bounded by
// orgs x shapes x window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/model/job.hpp"

namespace suanwang::placement {

struct RuntimeModelOptions {
  std::size_t window = 64;      // ratios kept per key (the most recent)
  std::size_t min_samples = 8;  // ratios needed before the key predicts
  double min_ratio = 0.02;      // a prediction is at least this share of the walltime
};

class RuntimeModel {
 public:
  explicit RuntimeModel(RuntimeModelOptions options = {});

  // A job of `org_id` with `spec` succeeded after running `runtime_s`. Ignored when the spec
  // gave expected_runtime_s (that job is predicted by its own figure) or has no walltime.
  void observe(const std::string& org_id, const model::JobSpec& spec, int64_t runtime_s);

  // Predicted runtime in seconds for a job of `org_id` with `spec`, in [1, walltime]; none when
  // the spec gives expected_runtime_s or the key has too few observations.
  std::optional<int64_t> predict(const std::string& org_id, const model::JobSpec& spec) const;

  // The ratios' median for a key, if it predicts (for tests and explanations).
  std::optional<double> ratio(const std::string& org_id, const model::JobSpec& spec) const;

 private:
  struct Window {
    std::vector<double> ratios;  // ring buffer, at most options_.window
    std::size_t next = 0;        // where the next ratio goes once full
    double median = 0;           // of ratios, kept on observe (predictions outnumber endings)
  };
  using Key = std::pair<std::string, std::string>;  // org, shape
  static Key key_of(const std::string& org_id, const model::JobSpec& spec);

  RuntimeModelOptions options_;
  std::map<Key, Window> windows_;
};

}  // namespace suanwang::placement
