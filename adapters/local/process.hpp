// Starting, observing and signalling local job processes. A job runs under a small /bin/sh
// wrapper that is the leader of its own session and process group, and that writes the job's
// exit status to <dir>/exit_code itself, so the status survives the gateway.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "adapters/local/job_dir.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::local {

struct SpawnRequest {
  std::filesystem::path dir;      // working directory; receives exit_code
  std::filesystem::path output;   // stdout and stderr, appended
  std::vector<std::string> argv;  // the job itself, e.g. {"/bin/sh", "-c", command}
  std::vector<std::string> env;   // "NAME=value", the whole environment
};

// posix_spawn (safe in a multithreaded process) with POSIX_SPAWN_SETSID, stdin from
// /dev/null, no inherited descriptors beyond 0-2, default signal dispositions and an empty
// signal mask whatever the gateway set for itself.
AdapterResult<PidRecord> spawn_job(const SpawnRequest& request);

// Is the process recorded in `record` still running? A zombie counts as gone (and is reaped
// when it is a child of this process); a different start time means the pid was reused.
bool process_alive(const PidRecord& record);

// Starts a short helper command (e.g. `podman kill`) in its own session, output discarded,
// without waiting for it: the caller reaps it later with reap_child.
AdapterResult<pid_t> spawn_helper(const std::vector<std::string>& argv,
                                  const std::vector<std::string>& env);

// Reaps `pid` when it is a child of this process that has ended; true if it was reaped.
bool reap_child(pid_t pid);

// Whether any process is left in the process group.
bool group_exists(pid_t pgid);
void signal_group(pid_t pgid, int signal);

}  // namespace suanwang::adapters::local
