// The batch script the slurm adapter submits for a gateway job: it runs the job's command or
// script (carried base64-encoded, so no quoting of user text is ever needed) in output_dir and,
// when the job ends on its own, writes its exit code to <output_dir>/<slurm job id>.exit. That
// record outlives slurmctld's memory of the job (MinJobAge) and resolves its final state.
// Pure text building; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::slurm {

// REQUIRES: exactly one of job.command / job.script is non-empty; output_dir has no quote.
std::string batch_script(const JobRequest& job, std::string_view output_dir);

// Where the job's combined stdout+stderr and its exit record go, for a Slurm job id.
std::string output_path(std::string_view output_dir, int64_t job_id);
std::string exit_path(std::string_view output_dir, int64_t job_id);
// The standard_output pattern sent with the job ("%j" is the job id).
std::string output_pattern(std::string_view output_dir);

// Gateway keys name Slurm jobs and files: letters, digits, _ - . : only, at most 128.
bool is_valid_key(std::string_view key);

}  // namespace suanwang::adapters::slurm
