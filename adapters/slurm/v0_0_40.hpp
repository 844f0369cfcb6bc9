// slurmrestd OpenAPI v0.0.40 (Slurm 23.11 to 25.05): the data_parser mapping of data_parser.hpp
// with this version's differences. The first data_parser version. Measured on 25.05.8: every plain
// integer where the spec has a {set, infinite, number} object draws a warning (the mapping always
// sends objects); job_resources is the old shape (`nodes` a string, `allocated_nodes`, {} while
// pending); the submit answer carries `result` beside `job_id`; DELETE answers 200 with empty
// errors for a running, finished or unknown job alike; ping has no `responding`.
#pragma once

#include <memory>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_40();

}  // namespace suanwang::adapters::slurm
