// The v0.0.42 mapping (see v0_0_42.hpp).
#include "adapters/slurm/v0_0_42.hpp"

#include "adapters/slurm/data_parser.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_42() {
  return make_data_parser_api({.version = "v0.0.42",
                               .job_resources = JobResourcesShape::nodes_object,
                               .stdout_expanded = false,
                               .delete_status = true,
                               .ping_responding = true,
                               .submit_result = false});
}

}  // namespace suanwang::adapters::slurm
