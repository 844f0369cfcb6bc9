// slurmrestd OpenAPI v0.0.42 (Slurm 24.11 and 25.05): the data_parser mapping of data_parser.hpp
// with this version's differences. As v0.0.41, except: the submit answer drops `result`; DELETE
// answers per-job results in `status` (2021 already finished, 2017 unknown job); ping adds
// `responding` and `primary`; job info drops exclusive, oversubscribe, minimum_switches and
// show_flags; update_time takes epoch values (the adapter never sends it).
#pragma once

#include <memory>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_42();

}  // namespace suanwang::adapters::slurm
