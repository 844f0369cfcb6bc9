// slurmrestd OpenAPI v0.0.43 (Slurm 25.05 and 25.11): the data_parser mapping of data_parser.hpp
// with this version's differences. As v0.0.42, except: standard_output is the raw pattern
// (".../x-%j.out") and standard_error / standard_input are "" when unset; the expanded paths are in
// stdout_expanded, stderr_expanded and stdin_expanded. Adds licenses_allocated,
// segment_size, POST /reservations and node topology.
#pragma once

#include <memory>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_43();

}  // namespace suanwang::adapters::slurm
