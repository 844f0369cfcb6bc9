// slurmrestd OpenAPI v0.0.41 (Slurm 24.05 to 25.05): the data_parser mapping of data_parser.hpp
// with this version's differences. As v0.0.40, except: plain integers are taken silently;
// job_resources is the new shape
// (`nodes` an object with `list` and `allocation`, null while pending); nodes add
// gpu_spec and res_cores_per_gpu. Its specification inlines nearly every schema.
#pragma once

#include <memory>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_41();

}  // namespace suanwang::adapters::slurm
