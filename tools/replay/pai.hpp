// Pai: a reader of the Alibaba PAI GPU cluster trace v2023 ("openb", data/traces/
// alibaba-pai-gpu-v2023-openb: Weng et al., ATC '23) and its mapping onto replay jobs.
//
// Pod list (openb_pod_list_*.csv), one pod a line after the header
//   name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,
//   deletion_time,scheduled_time
// columns found by name; times in seconds from the trace's (undated) start; scheduled_time and
// deletion_time may be empty. Node list (openb_node_list_gpu_node.csv): sn,cpu_milli,
// memory_mib,gpu,model — read for the cluster's installed base of GPU models. A malformed line
// (wrong field count, a number that is not one, a negative size, deletion before creation) is an
// error naming the line and the column.
//
// Mapping onto jobs (to_workload):
//   - Which pods: those scheduled (scheduled_time set: the 897 Pending pods never ran) and ended
//     inside the trace (deletion_time before the trace's last deletion time: the 34 pods still
//     Running at its end are censored), with deletion > scheduled. Failed pods are kept — they
//     held their resources as long as they ran — and run to their recorded end in the sim.
//   - Which week: the trace has no dates; its `days`-day window (whole days from creation 0)
//     holding the most pod creations; arrival = creation_time − window start.
//   - runtime = deletion_time − scheduled_time, at most 7 days (the federation's longest
//     walltime; clipped pods counted); walltime = runtime × U(1.5, 4) (a stable draw per pod, as
//     the generator over-asks small jobs), rounded up to 10 min, at most 7 days. No runtime
//     estimate is given (the trace has none).
//   - CPUs = ceil(cpu_milli / 1000), at least 1; memory = ceil(memory_mib / 1024) GB, at least 1.
//   - Accelerators = num_gpu; a GPU-sharing pod (num_gpu 1, gpu_milli < 1000) takes a whole
//     accelerator: the federation does not share accelerators, so shared pods over-state demand.
//     num_gpu 0 is a CPU-only pod.
//   - Model: the first model of gpu_spec if set, else (the default pod list sets none) one drawn
//     per pod (stable draw on its name) in proportion to the cluster's GPUs by model from the
//     node list (G2 71%, T4 14%, V100 6%, G3 5%, P100 4%). Then pai_gpu_model maps it to ours:
//       G2 (undisclosed, the cluster's bulk)      -> Ascend910B (the federation's bulk part)
//       G1, G3, P100 (other / older training)     -> HygonDCU
//       V100M16, V100M32, V100 (NVIDIA training)  -> A800 (the NVIDIA training part sold in China)
//       T4 (inference)                            -> HygonDCU: the federation's inference parts
//                                                    (H20 192, RTX4090 64) cannot take PAI's 14%
//                                                    T4 share at the federation's scale (H20
//                                                    would be over 100% busy); HygonDCU is its
//                                                    second-largest general-purpose GPU pool
//       A10 (inference, 2 GPUs in the cluster)    -> H20
//       anything else                             -> Ascend910B
//     so PAI's GPU demand lands on Ascend910B 71% / HygonDCU 23% / A800 6% against an installed
//     base of 57% / 29% / 7%.
//   - Submitter: no users in the trace; the pod name's stable draw over the eastern hubs
//     (PAI's users are Alibaba Cloud's, mostly eastern). No inputs or outputs (the trace has no
//     data sizes). job class: training if it asks for accelerators, else trace.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

struct PaiPod {
  std::string name;
  double cpu_milli = 0;
  double memory_mib = 0;
  int num_gpu = 0;
  double gpu_milli = 0;
  std::string gpu_spec;  // '|'-separated allowed models, empty = any
  std::string qos;
  std::string phase;
  double creation_s = 0;
  std::optional<double> deletion_s;
  std::optional<double> scheduled_s;
};

Result<std::vector<PaiPod>> parse_pai_pods(std::string_view text);
// GPUs by PAI model from the node list.
Result<std::map<std::string, int64_t>> parse_pai_gpu_nodes(std::string_view text);

// The federation's model for a PAI GPU model (see above).
std::string pai_gpu_model(std::string_view pai_model);

struct PaiMapping {
  int days = 7;
  std::size_t unscheduled = 0;  // out: never scheduled (Pending)
  std::size_t censored = 0;     // out: still running at the trace's end
  std::size_t outside = 0;      // out: created outside the window
  std::size_t clipped = 0;      // out: runtime clipped to 7 days
  double window_start_s = 0;    // out
};
Workload to_workload(const std::vector<PaiPod>& pods,
                     const std::map<std::string, int64_t>& gpus_by_model, PaiMapping& mapping);

}  // namespace suanwang::replay
