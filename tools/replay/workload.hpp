// Workload: the jobs a replay feeds the gateway — a seeded generator of a simulated week of
// national demand over the demo federation's ten hub regions, or a trace read from SWF
// (replay/swf.hpp). Pure: no clock, no I/O; the same options and seed give the same jobs.
//
// The generator's model (all times in China Standard Time; t = 0 is a Monday 00:00):
//
// Arrivals: each class is a non-homogeneous Poisson process (drawn by thinning) whose rate is
// the class's peak rate times a time-of-day factor, on weekends times 0.35:
//     00-07h 0.15 · 07-09h 0.5 · 09-12h 1.0 · 12-14h 0.7 · 14-18h 1.0 · 18-21h 0.5 · 21-24h 0.3
// plus business-hour bursts: on each weekday two 45-minute bursts starting uniformly in
// [09:00, 17:00) triple the rate of SME and inference jobs (a release, a quarter close).
// Training arrivals are flatter (factor 0.5 + 0.5 x the above): long jobs are queued at any hour.
//
// Classes (peak rate at scale 1; sizes drawn independently per job):
//   sme_cpu     1400/h  small CPU batch jobs of eastern SMEs. Submitters: Shanghai 45%, Shaoguan
//                       (Greater Bay Area) 30%, Zhangjiakou (Beijing) 25%. CPUs 1/2/4/8/16/32/64
//                       with weights 10/10/20/20/20/12/8 %, 2-8 GB per CPU. Runtime lognormal,
//                       median 45 min, sigma 1.1, clipped to [1 min, 12 h]; walltime = runtime x
//                       U(1.5, 4) rounded up to 10 min (users overask); no runtime estimate given.
//                       60% read one blob (lognormal, median 2 GB, sigma 1.2, [10 MB, 200 GB]) in
//                       the submitter's region; half of those write 10% of it back there. 8% are
//                       bound to the submitter's region (data residency: finance, health).
//   training    14/h    GPU/NPU training, in proportion to the installed base (domestic
//                       accelerators dominate; NVIDIA parts are scarce): Ascend910B 55%, HygonDCU
//                       25%, A800 10%, H100 5%, H20 5%; 8 x 2^k accelerators, k = 0..6 with
//                       weights 35/25/15/12/8/4/1 % (at most half the federation's stock of the
//                       scarce models: H100 32, A800/H20 64), 4
//                       CPUs and 32 GB per accelerator. Runtime lognormal, median 3 h, sigma 0.9,
//                       [20 min, 48 h]; walltime = runtime x U(1.2, 2) rounded up to the hour;
//                       expected_runtime_s = runtime x U(0.8, 1.25) (epochs are known). 70% read
//                       a catalogue dataset, else a 50-500 GB blob in the submitter's region;
//                       checkpoints of 5-100 GB go back to the submitter's region. Submitters:
//                       east 60%, Zhengzhou 10%, west 30%.
//   inference   250/h   latency-sensitive inference and interactive sessions from the east:
//                       1/2/4/8 accelerators (50/20/20/10 %) of H20 35%, Ascend910B 30%, A800
//                       20%, RTX4090 15%; runtime lognormal median 8 min, sigma 0.8, [1 min,
//                       2 h]; walltime 2 h; half load model weights (lognormal median 15 GB,
//                       [2, 60] GB) from the submitter's region; 100 MB of results back.
//   data_heavy  40/h    analytics over catalogue datasets: 16/32/64/128 CPUs (30/30/25/15 %), 4
//                       GB per CPU; runtime lognormal median 90 min, sigma 0.8, [10 min, 24 h];
//                       walltime x U(1.5, 3); one dataset (20%: two); results 1-5% of the input
//                       to the submitter's region. Jobs on a resident dataset are bound to the
//                       regions holding its replicas.
// Dataset catalogue: 40 datasets, lognormal median 300 GB, sigma 1.0, [20 GB, 5 TB]; the first
// replica where data is produced (Shanghai 25, Shaoguan 20, Zhangjiakou 15, Zhengzhou 10,
// Gui'an 10, Chengdu 10, Helingeer 5, Qingyang 5 %), a second one in a western hub for 30%
// (east-data-west-compute mirrors); 25% are resident (personal or financial data).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/model/dataset.hpp"
#include "gateway/model/job.hpp"

namespace suanwang::replay {

enum class JobClass { sme_cpu, training, inference, data_heavy, trace };
inline constexpr int kJobClasses = 5;
const char* job_class_name(JobClass c);

struct WorkloadJob {
  std::string id;
  JobClass job_class = JobClass::sme_cpu;
  double arrival_s = 0;   // since the workload's start
  model::JobSpec spec;    // what the user submits (routing is set by the replay)
  int64_t runtime_s = 0;  // how long it really runs, at any site
};

struct Workload {
  std::vector<WorkloadJob> jobs;  // by arrival
  std::vector<model::Dataset> datasets;
  double span_s = 0;   // arrivals lie in [0, span_s)
  std::string source;  // "generator seed=N days=D scale=S" or "swf FILE"
};

struct WorkloadOptions {
  int days = 7;
  uint64_t seed = 1;
  double scale = 1.0;  // multiplies every class's rate
};

// The ten hub regions the generator places submitters and data in (the demo federation's).
const std::vector<std::string>& hub_regions();

Workload generate_workload(const WorkloadOptions& options);

// One job of class `c` drawn from `seed` with the generator's distributions for its class
// (submitter region, resources, runtime_s, walltime, expected runtime, inputs and outputs as
// sizes), without an arrival time; a training job reads a blob, never a catalogue dataset. For
// callers that make their own arrivals (the demo's background load, gateway/app/demo_load.hpp).
// REQUIRES: c is sme_cpu, training or inference.
WorkloadJob draw_job(JobClass c, uint64_t seed);

}  // namespace suanwang::replay
