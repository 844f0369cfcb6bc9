// The JSON mapping shared by slurmrestd's data_parser versions v0.0.40 to v0.0.44 (Slurm 23.11
// to 26.05), which differ from each other in a handful of places only; each version's file pair
// (v0_0_40.hpp ...) names its differences in a DataParserDialect. Measured on Slurm 25.05.8 (the
// recordings under tests/data/slurm-25.05) and read from the v0.0.44 specification. Compared with
// v0.0.38 (22.05): job and node states are arrays, exit codes are objects, numbers are
// {set, infinite, number} objects, the environment is a list of "K=V", GPUs are asked for with
// tres_per_node ("gres/gpu:A800:2"; gpus_per_node is silently ignored), unknown keys are ignored
// with a warning instead of refused, an unknown job id is a 404 and a bad token a 511.
// Pure: no I/O.
#pragma once

#include <memory>
#include <string_view>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

// Where a job's allocated nodes are: v0.0.40 `job_resources.nodes` is a string ({} while
// pending); v0.0.41+ `job_resources.nodes` is an object with `list` (null while pending).
enum class JobResourcesShape { nodes_string, nodes_object };

struct DataParserDialect {
  std::string_view version;  // "v0.0.43": the path prefix /slurm/<version>/
  JobResourcesShape job_resources = JobResourcesShape::nodes_object;
  // v0.0.43+: standard_output is the raw pattern (".../x-%j.out"); the path is stdout_expanded.
  bool stdout_expanded = false;
  // v0.0.42+: DELETE /job/<id> answers 200 with per-job results in `status` (2017 unknown job,
  // 2021 already finished); older versions answer 200 with nothing to tell them apart.
  bool delete_status = false;
  // v0.0.42+: a ping carries `responding`; every version also says pinged "UP" or "DOWN".
  bool ping_responding = false;
  // v0.0.40/41: the submit answer repeats its job id under `result`; v0.0.42+ drop `result`.
  bool submit_result = false;
};

std::unique_ptr<SlurmApi> make_data_parser_api(const DataParserDialect& dialect);

}  // namespace suanwang::adapters::slurm
