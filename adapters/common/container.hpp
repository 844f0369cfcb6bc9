// Container runtimes a site can run a job's `image` with, and the command lines they take.
// Pure text and argument building, shared by the local adapter (Podman run as an argv) and the
// slurm adapter (the same arguments quoted into its batch script). No I/O.
//
//   podman     `podman run` of a local image (`--pull=never`: images are built or loaded at
//              the site, as no registry may be reachable), the job's directory bind-mounted at
//              the same path and used as the working directory, catatonit as PID 1 (`--init`) so
//              a SIGTERM reaches the job, and `--timeout` as a backstop for the walltime.
//   apptainer  `apptainer exec` of a SIF file or any image reference Apptainer takes, the job's
//              directory bound at the same path (common in Chinese HPC centers).
//   pyxis      `srun --container-image=…` (NVIDIA Pyxis + enroot, a Slurm SPANK plugin).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

enum class ContainerRuntime { none, podman, apptainer, pyxis };

const char* container_runtime_name(ContainerRuntime r);  // "" for none

// Parses options.container_runtime: absent or "none" gives none; anything but one of
// `allowed` is an invalid_config error naming the option and the runtimes this adapter takes.
AdapterResult<ContainerRuntime> parse_container_runtime(
    const nlohmann::json& options, std::string_view parent,
    std::initializer_list<ContainerRuntime> allowed);

// An image reference as a site takes it ("localhost/name:tag", "docker://repo/name@sha256:…",
// "/shared/images/x.sif"): 1..512 of letters, digits and . _ - / : @ +, not starting with '-'
// (so it can never be read as an option). Returns why not, or nullopt.
std::optional<std::string> image_refusal(std::string_view image);

// The container's name for a job: podman names are global per host, so the name carries the
// job's key (made safe) and a short hash of its directory, unique across gateways and sites
// sharing a machine.
std::string container_name(std::string_view key, std::string_view job_dir);

// One `podman run` of a job.
struct PodmanRun {
  std::string image;
  std::string name;       // container_name()
  std::string job_dir;    // absolute; mounted at the same path and the working directory
  std::string env_file;   // optional: NAME=value lines (podman_env_file)
  int cpus = 0;           // 0: no limit set (e.g. rootless Podman on cgroup v1 cannot limit)
  int64_t memory_mib = 0; // 0: no limit set
  int64_t timeout_s = 0;  // 0: none; otherwise conmon kills the container after this long
  std::string network = "none";
  std::vector<std::string> command;  // what runs in the container
};

// The arguments after "podman": {"--log-level=error", "run", "--rm", …, image, command…}.
// REQUIRES: job_dir absolute without ','; image passed image_refusal.
std::vector<std::string> podman_run_args(const PodmanRun& run);

// The env file of a container job: one NAME=value per line. Values cannot hold a newline in
// this format; env_file_refusal says which variable does.
std::string podman_env_file(const std::vector<std::pair<std::string, std::string>>& env);
std::optional<std::string> env_file_refusal(const std::map<std::string, std::string>& env);

// The job's command inside a container: a command under /bin/sh -c, a script with "#!" run
// as itself, any other script under /bin/sh.
std::vector<std::string> container_command(const JobRequest& job, std::string_view script_path);

// Quotes one word for a POSIX shell ('…' with ' as '\'').
std::string shell_quote(std::string_view word);

}  // namespace suanwang::adapters
