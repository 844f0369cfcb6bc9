// slurmrestd OpenAPI v0.0.44 (Slurm 25.11 and 26.05): the data_parser mapping of data_parser.hpp
// with this version's differences. Read from the specification in Slurm's own test suite (no
// recordings): the fields this mapping sends and reads are those of v0.0.43, and the request body
// is checked against the v0.0.44 schema in tests/unit/adapters/slurm_openapi_test.cpp.
#pragma once

#include <memory>

#include "adapters/slurm/slurm_api.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_44();

}  // namespace suanwang::adapters::slurm
