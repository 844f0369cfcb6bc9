// Scaling: what the trace readers share to map a trace onto the demo federation — stable
// per-key draws (the same job id always gets the same draw, whatever else is in the trace), the
// submitter region of a key, the busiest window of a trace, the work a workload offers, and
// arrival scaling.
//
// Arrival scaling (scale_arrivals): a trace was recorded on one cluster (CTC-SP2 had 338
// processors, KTH-SP2 100, Philly's multi-GPU jobs a share of ~2,500 GPUs); the federation has
// 43,008 CPU cores in its CPU pools and 4,864 accelerators. A trace's week is therefore replayed
// `factor` times over: copy 0 is the trace as it is, copies 1..floor(factor)-1 repeat every job
// with its arrival shifted by a stable draw in [0, 10 min) and its submitter region drawn again
// from its id and copy number (so a copy is another user of the same kind), and the last,
// fractional copy keeps each job with probability factor - floor(factor) (a stable draw). A
// factor below 1 keeps that share of the jobs. The shape of the week (its days, hours and
// bursts) and the jobs' sizes and runtimes are kept; only the arrival rate grows. The factor
// is chosen so the trace offers the federation the work the generator's week offers of the same
// kind (core-seconds of CPU-only jobs, accelerator-seconds of accelerator jobs), which keeps it
// about a third busy on average (see workload.hpp); the replay prints it. For accelerator jobs
// it is also capped so that the CPU-seconds they hold in the accelerator pools are no more than
// the generator's accelerator jobs hold (accelerator_factor): the pools have 4.6 CPUs per
// accelerator and the generator asks 4, but PAI's GPU pods ask 9.5 per GPU (weighted by
// runtime), so scaled on accelerators alone they would fill the pools' CPUs while the
// accelerators were half idle, and queue every pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/replay/workload.hpp"

namespace suanwang::replay {

inline constexpr double kSecondsPerDay = 86400;
// The longest walltime the demo federation's sites accept (their max_walltime_s): trace jobs
// longer than this are clipped to it.
inline constexpr int64_t kTraceMaxWalltimeS = 7 * 86400;
// A trace job's runtime in whole seconds (at least 1), clipped to kTraceMaxWalltimeS; a clip is
// counted in `clipped`.
int64_t trace_runtime_s(double seconds, std::size_t& clipped);

// A 64-bit hash of key and salt (FNV-1a, then splitmix64's finaliser); stable across runs and
// platforms.
uint64_t stable_hash(std::string_view key, uint64_t salt = 0);
// A stable draw in [0, 1) from key and salt.
double stable_uniform(std::string_view key, uint64_t salt = 0);

// The submitter region of a key: one of the three eastern hubs (Shanghai, Shaoguan,
// Zhangjiakou), evenly, as swf.hpp maps users.
const std::string& east_region_of(std::string_view key, uint64_t salt = 0);

// The start, among origin, origin + step, origin + 2 step, ..., of the window of `window_s` that
// holds the most of `times` (the earliest on ties). times need not be sorted.
double busiest_window(const std::vector<double>& times, double window_s, double step_s,
                      double origin);

struct OfferedWork {
  double cpu_core_s = 0;   // CPU-only jobs: CPUs x runtime
  double accel_s = 0;      // accelerator jobs: accelerators x runtime
  double accel_cpu_s = 0;  // accelerator jobs: CPUs x runtime (held in the accelerator pools)
};
OfferedWork offered_work(const Workload& w);

// target / offered, or 1 when nothing is offered.
double load_factor(double target, double offered);
// The factor that brings an accelerator trace's accelerator-seconds to `target`'s, unless its
// accelerator jobs' CPU-seconds would then exceed `target`'s: the smaller of the two.
double accelerator_factor(const OfferedWork& target, const OfferedWork& offered);

// The workload replayed `factor` times over (see above); ids are renumbered "<prefix>_NNNNNNN"
// in arrival order.
Workload scale_arrivals(const Workload& w, double factor, const std::string& prefix);

}  // namespace suanwang::replay
