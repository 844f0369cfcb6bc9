// What the slurm adapter knows of a cluster, independent of the slurmrestd API version: nodes,
// partitions, jobs and a job submission as plain values, plus the version-independent rules
// over them (GRES strings, job states, capacity). Each API version (v0_0_38.hpp, ...) maps its
// JSON onto these types; nothing here includes Asio or knows any JSON shape.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::slurm {

struct SlurmNode {
  std::string name;
  std::string state;                     // base state, upper case: IDLE, MIXED, DOWN, ...
  std::vector<std::string> state_flags;  // upper case: DRAIN, NOT_RESPONDING, ...
  std::vector<std::string> partitions;
  int cpus = 0;
  int alloc_cpus = 0;
  int64_t real_memory_mb = 0;
  int64_t alloc_memory_mb = 0;
  std::string gres;       // "gpu:A800:4", "gpu:4", "gpu:a100:2(S:0),gpu:v100:2"
  std::string gres_used;  // "gpu:A800:1(IDX:0)", "gpu:0"
};

struct SlurmPartition {
  std::string name;
  int total_cpus = 0;
  int total_nodes = 0;
  int64_t max_time_s = 0;  // 0 = no limit
  bool up = true;
};

struct SlurmJob {
  int64_t job_id = 0;
  std::string name;
  std::string comment;
  std::string partition;
  std::string state;         // PENDING, RUNNING, COMPLETED, ... (upper case)
  std::string state_reason;  // "None", "Resources", "NonZeroExitCode", ...
  std::string state_description;
  std::optional<int> exit_status;  // a raw wait status (v0.0.40+ exit_code objects map onto it)
  int cpus = 0;
  int64_t time_limit_s = 0;  // 0 = none
  std::optional<TimePoint> start_time;
  std::optional<TimePoint> end_time;
  std::string nodes;            // the allocated nodes ("vm", "n[1-4]"), "" while pending
  std::string standard_output;  // the expanded stdout path, "" when unknown
};

struct SlurmSubmit {
  std::string name;
  std::string comment;
  std::string script;  // the whole batch script, starting with #!
  std::string partition;
  std::string cwd;
  std::string standard_output;  // may hold %j
  std::map<std::string, std::string> environment;
  int64_t time_limit_min = 1;
  int cpus = 1;
  int64_t memory_mb = 1;
  std::string gpu_type;  // "" = any type
  int gpus = 0;
};

// A slurmrestd error entry; the versions spell the number error_code, error_number or errno.
struct SlurmError {
  int64_t code = 0;
  std::string error;
  std::string description;
};

// Slurm error numbers the adapter acts on (slurm_errno.h).
inline constexpr int64_t kInvalidJobId = 2017;                // ESLURM_INVALID_JOB_ID
inline constexpr int64_t kInvalidPartition = 2000;            // ESLURM_INVALID_PARTITION_NAME
inline constexpr int64_t kNodeConfigUnavailable = 2014;       // ESLURM_REQUESTED_NODE_CONFIG_...
inline constexpr int64_t kPartitionConfigUnavailable = 2015;  // ESLURM_REQUESTED_PART_CONFIG_...
inline constexpr int64_t kAlreadyDone = 2021;                 // ESLURM_ALREADY_DONE
inline constexpr int64_t kProtocolZeroBytes = 5005;           // seen with a bad token on submit
inline constexpr int64_t kProtocolAuthError = 1007;           // SLURM_PROTOCOL_AUTHENTICATION_ERROR

// ---- GRES ---------------------------------------------------------------------------------

// GPU counts by type in a GRES string ("gpu:A800:4(S:0-1),gpu:2,mps:100"): only `gpu` entries;
// an untyped entry counts under `untyped_model`. Malformed entries are skipped, counts are
// clamped to [0, 1e6]. Commas inside parentheses ("IDX:0,2") do not split entries.
std::map<std::string, int> parse_gpu_gres(std::string_view gres, std::string_view untyped_model);

// The GRES type as the partition's nodes spell it ("A800" for a job asking "a800"): Slurm
// compares GRES types case-sensitively and refuses a wrong case with error 2014, leaving a
// FAILED job behind. nullopt when no usable node of the partition has a GPU type that matches
// ignoring case.
std::optional<std::string> site_gpu_type(const std::vector<SlurmNode>& nodes,
                                         std::string_view partition, std::string_view wanted);

// ---- nodes and capacity ---------------------------------------------------------------------

// Whether a node can take new work: not DOWN/FUTURE/UNKNOWN/ERROR, and not DRAIN(ING),
// NOT_RESPONDING, FAIL, POWERED_DOWN, POWERING_DOWN or REBOOT_ISSUED.
bool node_usable(const SlurmNode& node);

// The pool for `partition`: usable nodes in it, free = configured minus allocated.
PoolCapacity partition_pool(const std::vector<SlurmNode>& nodes, const SlurmPartition& partition,
                            std::string_view untyped_gpu_model);

// Counts jobs of `partition` into running/queued and the queued core-seconds (walltimes).
void count_jobs(const std::vector<SlurmJob>& jobs, std::string_view partition, Capacity& capacity);

// Why no usable node of the pool could ever run `want` (cpus, memory, gpus of a type), or
// nullopt when one could. Used to refuse a job that Slurm would accept and leave pending forever.
std::optional<std::string> never_fits(const std::vector<SlurmNode>& nodes,
                                      std::string_view partition, const SlurmSubmit& want,
                                      std::string_view untyped_gpu_model);

// ---- job states ----------------------------------------------------------------------------

// A job that a rejected submit left behind: slurmrestd 23.11+ answers an unsatisfiable request
// (error 2014) with no job id yet keeps a FAILED job, reason BadConstraints, under the name and
// comment sent. It never ran: an idempotent retry must not take it for the job it asked for.
bool is_rejected_submit_leftover(const SlurmJob& job);

// Maps a job as Slurm reports it onto the gateway's states, with the exit code and a reason in
// Slurm's words (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, CANCELLED, "exit code 3", ...).
RemoteStatus to_remote_status(const SlurmJob& job);

// The exit code of a raw wait status; nullopt when the job was killed by a signal.
std::optional<int> exit_code_of(int raw_status);
// The signal that ended a job, 0 when none.
int signal_of(int raw_status);

}  // namespace suanwang::adapters::slurm
