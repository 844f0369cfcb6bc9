// TraceWeeks: the real-trace weeks the replay runs — each trace alone, scaled to the federation,
// and the composite national week — read from the project's copies in data/traces (see
// data/traces/README.md; never from outside the repository).
//
//   ctc, kth   the Parallel Workloads Archive weeks (swf.hpp), scaled so their CPU core-seconds
//              equal the generator's week's CPU-only jobs' (sme_cpu + data_heavy) for the same
//              seed, days and --scale
//   pai        the Alibaba PAI pods' busiest week (pai.hpp), scaled so their accelerator-seconds
//              equal the generator's accelerator jobs' (training + inference), or less if their
//              accelerator jobs' CPU-seconds would exceed the generator's (scaling.hpp's
//              accelerator_factor: PAI's pods ask ~9.5 CPUs per GPU, the pools have 4.6)
//   philly     the Philly jobs' busiest Monday-to-Sunday week (philly.hpp), scaled likewise
//   composite  a national week (composite_week below):
//     - small jobs and inference from the generator (seeded): its sme_cpu jobs, a stable 75% of
//       them (the other quarter's core-seconds go to HPC), all its inference and data_heavy
//       jobs (which keep the dataset catalogue, residency and data movement in the week);
//     - HPC demand: the CTC and KTH weeks, each scaled to half of the dropped quarter of sme_cpu
//       core-seconds, at their own arrival times (trace time 0 = Monday 00:00);
//     - AI training: the PAI and Philly weeks, each scaled to half of the generator's training
//       accelerator-seconds (the generator's training class is dropped; capped as above by its
//       CPU-seconds), their jobs then given
//       arrival times drawn from the Helios weekly profile (helios.hpp), seeded, in the order
//       they arrived in their traces.
//     So the composite offers the federation the work of the generator's week, about a third
//     busy on average, with real sizes and runtimes in its HPC and AI parts.
// The scaling is scaling.hpp's; every factor used is in TraceWeek::notes (the command prints
// them) and in the workload's source line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "tools/replay/helios.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

// The trace weeks by name, for the command's help and checks.
const std::vector<std::string>& trace_week_names();

struct TraceWeek {
  Workload workload;
  std::vector<std::string> notes;  // the factors used and what was skipped
};

// Reads the trace(s) under `dir` (data/traces) and builds the named week for `options`' days,
// seed and scale.
Result<TraceWeek> trace_week(std::string_view name, const std::string& dir,
                             const WorkloadOptions& options);

// The composite from its parts, already mapped (unscaled) onto jobs: pure, for tests.
struct CompositeParts {
  Workload ctc, kth, pai, philly;
  WeekProfile helios{};
};
TraceWeek composite_week(const CompositeParts& parts, const WorkloadOptions& options);

}  // namespace suanwang::replay
