// The on-disk record of one local job, <work_dir>/<key>/: which files exist there is the
// job's state, so that a gateway restarted over the same work_dir recovers every job.
//   job.json           the request, its queue order and start time (written atomically)
//   job.sh             the script, when the job has one (mode 0700)
//   start.claim        created with O_EXCL just before the spawn: whoever creates it starts
//                      the job, so it starts at most once even if two adapter instances share
//                      the work_dir (a site being reconfigured) or the gateway dies mid-start
//   output.log         stdout and stderr, combined
//   pid                "<pid> <start time in clock ticks>" of the wrapper process
//   exit_code          written by the wrapper itself when the job ends, gateway or not
//   canceled           marker: cancel sent SIGTERM at <unix ms>
//   walltime_exceeded  marker: the walltime kill sent SIGTERM at <unix ms>
//   start_failed       marker: the process could not be started (the reason)
//   ended_at           <unix ms> the adapter first saw the process gone without an exit_code
//   container.env      a container job's environment, for podman --env-file (mode 0600)
//   container_error    why a container job's container could not start (no podman, no image)
#pragma once

#include "adapters/common/small_file.hpp"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::local {

struct JobPaths {
  explicit JobPaths(std::filesystem::path job_dir);
  std::filesystem::path dir, job_json, script, claim, output, pid, exit_code, canceled, walltime,
      start_failed, ended_at, container_env, container_error;
};

// Keys name directories: a key must not be able to point outside the work_dir.
bool is_valid_key(std::string_view key);

struct JobRecord {
  JobRequest request;
  uint64_t seq = 0;  // submission order within one adapter instance (ties of submitted_at)
  TimePoint submitted_at{};
  std::optional<TimePoint> started_at;
};

std::string record_to_text(const JobRecord& record);
AdapterResult<JobRecord> record_from_text(std::string_view text);

struct PidRecord {
  pid_t pid = 0;
  uint64_t start_ticks = 0;  // 0 when unknown
};

std::string pid_to_text(const PidRecord& record);
std::optional<PidRecord> pid_from_text(std::string_view text);

// Writes through a temporary file and rename(2), so a reader, or a gateway restarted after a
// crash, sees either the old file or the complete new one. No fsync: this protects against
// the gateway dying, not the machine.
AdapterResult<void> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                                      mode_t mode = 0644);

// Creates `path` only if it does not exist yet: true when this call created it, false when it
// was already there.
AdapterResult<bool> create_exclusive(const std::filesystem::path& path, std::string_view content);

bool file_exists(const std::filesystem::path& path);
std::optional<TimePoint> file_mtime(const std::filesystem::path& path);

int64_t to_unix_ms(TimePoint t);
TimePoint from_unix_ms(int64_t ms);
// A marker's or ended_at's "<unix ms>" content.
std::optional<TimePoint> time_from_text(std::string_view text);

}  // namespace suanwang::adapters::local
