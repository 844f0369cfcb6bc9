// slurmrestd OpenAPI v0.0.38 (Slurm 22.05, Debian 12): the JSON of its requests and answers
// mapped onto slurm_model.hpp. Shapes measured on 22.05.8 (see the README's Slurm section):
// submit takes {"script", "job": {...}} with `environment` a non-empty object, no `argv` (it
// crashes slurmrestd) and no output-only keys such as `tres_per_node` (400 "Unknown key");
// node states are lower case; exit_code is a raw wait status; times are Unix seconds, 0 = unset.
#pragma once

#include <memory>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_38();

}  // namespace suanwang::adapters::slurm
