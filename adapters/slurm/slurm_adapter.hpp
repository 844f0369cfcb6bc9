// The slurm adapter: a real Slurm cluster through slurmrestd (JWT auth), with the OpenAPI
// version chosen per site (slurm_api.hpp). Implements SiteAdapter (DESIGN §4).
#pragma once

#include "adapters/registry.hpp"

namespace suanwang::adapters::slurm {

// type "slurm"; its settings are described in slurm_options.hpp.
AdapterFactory factory();

}  // namespace suanwang::adapters::slurm
