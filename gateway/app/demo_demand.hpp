// DemoDemand: the jobs of the demo's background load (issue 22 item 9), drawn from a seed.
// Pure: no clock, no I/O; the same seed and rate give the same jobs, in the same order.
//
// Arrivals: a Poisson process at jobs_per_minute (exponential gaps).
// Classes: CPU batch 55%, interactive inference 30%, GPU/NPU training 15%. Each job's shape is
// the replay generator's for its class (tools/replay/workload.hpp, draw_job: submitter region,
// sizes, runtime, walltime, data sizes), then fitted to a demo that moves in minutes:
//   runtime      the drawn runtime / time_scale (30: an hour runs two minutes), clamped to
//                [kMinRuntimeS, kMaxRuntimeS]; given as expected_runtime_s, which is how long the
//                sim adapter runs a job
//   walltime     the drawn walltime / time_scale rounded up to a minute, and at least the
//                runtime plus a minute
//   accelerators at most kMaxAccelerators (with 4 CPUs and 32 GB each, as drawn), so that the
//                load alone never fills a center's pool and the demo user's jobs still start
//   data         the drawn input and output sizes / time_scale, as anonymous blobs in their
//                regions (placement weighs moving them; nothing is copied)
//   routing      balanced 50%, cheapest 20%, fastest 15%, greenest 15%
// Which sites a job may use is the caller's (the emulated ones only: demo_load.hpp).
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "gateway/model/job.hpp"

namespace suanwang::app {

struct DemoJob {
  double after_s = 0;  // since the previous job's arrival (or the start)
  std::string kind;    // "cpu-batch", "inference" or "training"
  model::JobSpec spec;
};

class DemoDemand {
 public:
  static constexpr int64_t kMinRuntimeS = 5;
  static constexpr int64_t kMaxRuntimeS = 600;
  static constexpr int kMaxAccelerators = 16;

  // REQUIRES: jobs_per_minute > 0, time_scale >= 1.
  DemoDemand(uint64_t seed, int jobs_per_minute, double time_scale = 30);

  DemoJob next();

 private:
  double uniform();  // [0, 1), the same on every platform (std distributions are not)

  uint64_t seed_;
  double per_second_;
  double time_scale_;
  uint64_t drawn_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace suanwang::app
