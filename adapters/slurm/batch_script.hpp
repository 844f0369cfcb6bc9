// The batch script the slurm adapter submits for a gateway job: it runs the job's command or
// script (carried base64-encoded, so no quoting of user text is ever needed) in output_dir and,
// when the job ends on its own, writes its exit code to <output_dir>/<slurm job id>.exit. That
// record outlives slurmctld's memory of the job (MinJobAge) and resolves its final state.
// Pure text building; no I/O.
//
// A job with an `image` runs in a container of the site's runtime, its working directory (where
// the payload is) bound at the same path:
//   apptainer  apptainer exec --bind D:D --pwd D IMAGE /bin/sh PAYLOAD   (the job's environment
//              passes through, as Apptainer does by default; Slurm's cgroup holds the container)
//   pyxis      srun --container-image=IMAGE --container-mounts=D:D --container-workdir=D …
//   podman     podman run (container.hpp) in the background with a trap: Slurm's SIGTERM at a
//              cancel or the time limit stops the container by name, since conmon keeps it
//              outside the job's processes. HOME is the job user's own (rootless storage), the
//              job's variables and SLURM_* pass by name; no --cpus/--memory (rootless Podman
//              on cgroup v1 cannot set them).
// Each checks first what the user needs told in words (the runtime is missing on the node, the
// image does not exist there) and exits 125 saying so in the job's output.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/container.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::slurm {

struct ContainerSetup {
  ContainerRuntime runtime = ContainerRuntime::none;
  std::string containers_conf;  // podman: CONTAINERS_CONF on the nodes, or ""
};

// REQUIRES: exactly one of job.command / job.script is non-empty; output_dir has no quote; an
// image job has passed image_refusal and its site has a runtime.
std::string batch_script(const JobRequest& job, std::string_view output_dir,
                         const ContainerSetup& container = {});

// Where the job's combined stdout+stderr and its exit record go, for a Slurm job id.
std::string output_path(std::string_view output_dir, int64_t job_id);
std::string exit_path(std::string_view output_dir, int64_t job_id);
// Why a container job's container did not start (written by the script; see above).
std::string reason_path(std::string_view output_dir, int64_t job_id);
// The standard_output pattern sent with the job ("%j" is the job id).
std::string output_pattern(std::string_view output_dir);

// Gateway keys name Slurm jobs and files: letters, digits, _ - . : only, at most 128.
bool is_valid_key(std::string_view key);

}  // namespace suanwang::adapters::slurm
