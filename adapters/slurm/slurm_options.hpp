// The slurm adapter's settings and their validation. A site registers as
//   {"type": "slurm", "endpoint": "http://127.0.0.1:6820",
//    "options": {"partition": "debug", "output_dir": "/shared/suanwang/jobs",
//                "api_version": "auto", "timeout_ms": 5000, "max_response_mb": 32,
//                "untyped_gpu_model": "GPU", "ca_file": "/etc/suanwang/center-ca.pem",
//                "container_runtime": "apptainer"},
//    "credentials": {"user": "nobody", "token": "<JWT from scontrol token>"}}
// partition and output_dir are required; unknown keys are rejected so a typo fails at
// registration. api_version "auto" (the default) agrees on the newest version both the site and
// this build speak (slurm_adapter.cpp); a version such as "v0.0.42" pins it. output_dir must be
// writable by the jobs' user on the cluster and readable by the gateway (one node, or a shared file
// system): job output and exit records live there. container_runtime (apptainer, pyxis,
// podman; default none) runs jobs' images (batch_script.hpp); containers_conf is Podman's
// CONTAINERS_CONF on the nodes. staging_dir (optional) is where jobs' files are staged and
// collected; the jobs then run in <staging_dir>/<job id>.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "adapters/common/http_client.hpp"
#include "adapters/slurm/batch_script.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::slurm {

inline constexpr std::string_view kAutoApiVersion = "auto";

struct SlurmOptions {
  HttpUrl endpoint;
  std::string api_version = "auto";  // or a pinned version of known_api_versions()
  std::string partition;
  std::string output_dir;  // absolute
  // Optional: jobs' working directories, <staging_dir>/<job id>, on the file system the cluster
  // shares with the gateway. Inputs are staged there before the submit and outputs collected
  // from there after the job; without it the site takes no jobs with files (no_staging).
  std::string staging_dir;
  std::string user;        // X-SLURM-USER-NAME
  std::string token;       // X-SLURM-USER-TOKEN; secret, never in a message
  HttpClientOptions http;  // timeout_ms, max_response_mb, ca_file (see parse_client_options)
  std::string untyped_gpu_model = "GPU";  // the model name of GPUs declared without a type
  ContainerSetup container;               // how jobs' images run (none: image jobs refused)
};

// Checks endpoint, options and credentials without side effects; the error names the field.
AdapterResult<SlurmOptions> parse_slurm_options(const AdapterConfig& config);

}  // namespace suanwang::adapters::slurm
