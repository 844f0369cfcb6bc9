// The v0.0.41 mapping (see v0_0_41.hpp).
#include "adapters/slurm/v0_0_41.hpp"

#include "adapters/slurm/data_parser.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_41() {
  return make_data_parser_api({.version = "v0.0.41",
                               .job_resources = JobResourcesShape::nodes_object,
                               .stdout_expanded = false,
                               .delete_status = false,
                               .ping_responding = false,
                               .submit_result = true});
}

}  // namespace suanwang::adapters::slurm
