// Philly: a reader of the Microsoft Philly multi-GPU training jobs (data/traces/
// philly-multigpu-subset: Jeon et al., ATC '19; completed jobs of >= 4 GPUs that ran >= 10 min)
// and its mapping onto replay jobs.
//
// The CSV, one job a line after the header, columns found by name:
//   job_id,submit_time,num_gpus,runtime_min,first_start,last_end,n_attempts,queue_s
// submit_time is local "YYYY-MM-DD HH:MM:SS"; runtime_min the run time in minutes summed over
// attempts. The reader needs job_id, submit_time, num_gpus and runtime_min; a malformed line
// (wrong field count, a bad number or time, num_gpus < 1, runtime_min <= 0) is an error naming
// the line and the column.
//
// Mapping onto jobs (to_workload):
//   - Which week: the `days`-day window starting on a Monday 00:00 (local) that holds the most
//     submissions — so the trace's Monday is the replay's Monday (t = 0 is Monday 00:00 CST);
//     arrival = submit time − that Monday.
//   - runtime = runtime_min x 60 s, at most 7 days (the federation's longest walltime; clipped
//     jobs counted; Philly has jobs of up to 26 days); walltime = runtime x U(1.2, 2) (a stable
//     draw per job, as the generator asks for training), rounded up to the hour, at most 7 days.
//     No runtime estimate (the trace has none).
//   - Accelerators = num_gpus, of a model drawn per job (stable draw on job_id) in proportion
//     to the federation's training base as the generator draws training: Ascend910B 55%,
//     HygonDCU 25%, A800 10%, H100 5%, H20 5%; a job larger than half the federation's stock of
//     a scarce model (H100 > 32, A800 or H20 > 64) goes to Ascend910B instead (its size kept).
//     4 CPUs and 32 GB per accelerator, as the generator's training (Philly gives neither).
//   - Submitter: the job id's stable draw over the eastern hubs (the trace's users are dropped).
//     No inputs or outputs (no data sizes in the trace). job class: training.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

struct PhillyJob {
  std::string id;
  int64_t submit_s = 0;  // civil seconds (csv.hpp's parse_civil_time), local time
  int gpus = 0;
  double runtime_s = 0;
};

Result<std::vector<PhillyJob>> parse_philly(std::string_view text);

// The federation's accelerator model for a Philly job of `gpus` GPUs (see above).
std::string philly_gpu_model(std::string_view job_id, int gpus);

struct PhillyMapping {
  int days = 7;
  std::size_t outside = 0;     // out: submitted outside the window
  std::size_t clipped = 0;     // out: runtime clipped to 7 days
  int64_t window_start_s = 0;  // out: the window's Monday, civil seconds
};
Workload to_workload(const std::vector<PhillyJob>& jobs, PhillyMapping& mapping);

}  // namespace suanwang::replay
