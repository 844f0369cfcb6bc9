// The demo's background jobs (see demo_demand.hpp).
#include "gateway/app/demo_demand.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "tools/replay/workload.hpp"

namespace suanwang::app {
namespace {

int64_t round_up(double s, int64_t step) {
  return (static_cast<int64_t>(std::ceil(s)) + step - 1) / step * step;
}

// One job's own stream from the load's seed and its number (SplitMix64's finaliser), so that
// a job's shape does not depend on how many numbers the arrivals drew before it.
uint64_t job_seed(uint64_t seed, uint64_t n) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (n + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

DemoDemand::DemoDemand(uint64_t seed, int jobs_per_minute, double time_scale)
    : seed_(seed), per_second_(jobs_per_minute / 60.0), time_scale_(time_scale), rng_(seed) {
  assert(jobs_per_minute > 0 && time_scale >= 1);
}

double DemoDemand::uniform() {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

DemoJob DemoDemand::next() {
  DemoJob out;
  out.after_s = -std::log(1.0 - uniform()) / per_second_;
  const double pick = uniform();
  const double route = uniform();
  const replay::JobClass cls = pick < 0.55   ? replay::JobClass::sme_cpu
                               : pick < 0.85 ? replay::JobClass::inference
                                             : replay::JobClass::training;
  out.kind = cls == replay::JobClass::sme_cpu     ? "cpu-batch"
             : cls == replay::JobClass::inference ? "inference"
                                                  : "training";
  replay::WorkloadJob drawn = replay::draw_job(cls, job_seed(seed_, drawn_++));
  model::JobSpec& s = drawn.spec;
  s.name = "demo-" + out.kind;
  s.command = "demo-load " + out.kind;
  const int64_t runtime_s =
      std::clamp(static_cast<int64_t>(std::llround(static_cast<double>(drawn.runtime_s) /
                                                   time_scale_)),
                 kMinRuntimeS, kMaxRuntimeS);
  s.expected_runtime_s = runtime_s;
  s.resources.walltime_s =
      std::max(round_up(static_cast<double>(s.resources.walltime_s) / time_scale_, 60),
               round_up(static_cast<double>(runtime_s + 60), 60));
  if (auto& acc = s.resources.accelerators; acc && acc->count > kMaxAccelerators) {
    acc->count = kMaxAccelerators;
    s.resources.cpus = 4 * acc->count;
    s.resources.memory_gb = 32.0 * acc->count;
  }
  for (auto& in : s.inputs) {
    in.size_bytes = static_cast<int64_t>(static_cast<double>(in.size_bytes) / time_scale_);
  }
  if (s.outputs) {
    s.outputs->size_bytes =
        static_cast<int64_t>(static_cast<double>(s.outputs->size_bytes) / time_scale_);
  }
  s.routing.policy = route < 0.5    ? model::RoutingPolicy::balanced
                     : route < 0.7  ? model::RoutingPolicy::cheapest
                     : route < 0.85 ? model::RoutingPolicy::fastest
                                    : model::RoutingPolicy::greenest;
  out.spec = std::move(s);
  return out;
}

}  // namespace suanwang::app
