// The v0.0.43 mapping (see v0_0_43.hpp).
#include "adapters/slurm/v0_0_43.hpp"

#include "adapters/slurm/data_parser.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_43() {
  return make_data_parser_api({.version = "v0.0.43",
                               .job_resources = JobResourcesShape::nodes_object,
                               .stdout_expanded = true,
                               .delete_status = true,
                               .ping_responding = true,
                               .submit_result = false});
}

}  // namespace suanwang::adapters::slurm
