// The v0.0.40 mapping (see v0_0_40.hpp).
#include "adapters/slurm/v0_0_40.hpp"

#include "adapters/slurm/data_parser.hpp"

namespace suanwang::adapters::slurm {

std::unique_ptr<SlurmApi> make_v0_0_40() {
  return make_data_parser_api({.version = "v0.0.40",
                               .job_resources = JobResourcesShape::nodes_string,
                               .stdout_expanded = false,
                               .delete_status = false,
                               .ping_responding = false,
                               .submit_result = true});
}

}  // namespace suanwang::adapters::slurm
