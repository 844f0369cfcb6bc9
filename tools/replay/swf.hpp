// SWF: a reader of the Standard Workload Format of the Parallel Workloads Archive
// (https://www.cs.huji.ac.il/labs/parallel/workload/swf.html), so real traces can be replayed.
//
// A trace is text: lines starting with ';' are header comments, blank lines are skipped, and
// every other line is one job of 18 whitespace-separated numbers, -1 meaning "unknown":
//   1 job number · 2 submit time (s) · 3 wait time · 4 run time · 5 allocated processors ·
//   6 average CPU time · 7 used memory (KB/proc) · 8 requested processors · 9 requested time ·
//   10 requested memory (KB/proc) · 11 status · 12 user · 13 group · 14 executable ·
//   15 queue · 16 partition · 17 preceding job · 18 think time
// A malformed line (wrong field count, not a number, a negative value other than -1, a submit
// time before the previous job's) is an error naming the line and the field.
//
// Mapping onto jobs (to_workload): arrival = submit time minus the first job's; runtime = run
// time; CPUs = requested processors (else allocated); walltime = requested time (else run time),
// at least the run time, at least 60 s; memory = requested memory per processor x CPUs (else
// used memory, else 2 GB per CPU), at least 1 GB; the submitter's region is drawn from the
// user number over the three eastern hubs (Shanghai, Shaoguan, Zhangjiakou), so one user
// always submits from one place. Jobs with run time <= 0 (cancelled before they ran, unknown)
// are skipped and counted. Only the first `days` days of arrivals are kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "tools/replay/workload.hpp"

namespace suanwang::replay {

struct SwfJob {
  int64_t number = 0;
  double submit_s = 0;
  double wait_s = -1;
  double run_s = -1;
  int64_t allocated_procs = -1;
  int64_t requested_procs = -1;
  double requested_time_s = -1;
  double requested_memory_kb = -1;  // per processor
  double used_memory_kb = -1;       // per processor
  int64_t status = -1;
  int64_t user = -1;
  int64_t queue = -1;
  int64_t partition = -1;
};

struct SwfTrace {
  std::vector<std::string> header;  // the ';' comment lines, without the ';'
  std::vector<SwfJob> jobs;
};

// Parses a whole trace; at most `max_jobs` jobs (more is an error: every read is bounded).
Result<SwfTrace> parse_swf(std::string_view text, std::size_t max_jobs = 5'000'000);
// Reads and parses a file (at most `max_bytes`).
Result<SwfTrace> read_swf_file(const std::string& path, std::size_t max_bytes = 1ull << 30);

struct SwfMapping {
  int days = 7;             // keep arrivals in the first `days` days
  std::size_t skipped = 0;  // out: jobs that never ran or arrived later
};
Workload to_workload(const SwfTrace& trace, SwfMapping& mapping);

}  // namespace suanwang::replay
