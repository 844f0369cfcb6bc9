// Fuzz target: slurmrestd answers as the slurm adapter parses them: v0.0.38 (adapters/slurm/
// v0_0_38) and the data_parser mapping of v0.0.40+ in its dialects (v0.0.40, v0.0.41, v0.0.43).
// The first byte picks the version, the call and the HTTP status; the rest is the body. A site is
// outside the gateway's trust: any body must map to a value or an AdapterError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/slurm/slurm_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using suanwang::adapters::slurm::make_slurm_api;
  static const std::unique_ptr<suanwang::adapters::slurm::SlurmApi> kApis[] = {
      make_slurm_api("v0.0.38"), make_slurm_api("v0.0.40"), make_slurm_api("v0.0.41"),
      make_slurm_api("v0.0.43")};
  if (size < 1) return 0;
  const auto& api = kApis[(data[0] >> 6) & 3];
  static constexpr int kStatus[] = {200, 200, 200, 201, 400, 401, 404, 500};
  const int status = kStatus[(data[0] >> 3) & 7];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] & 7) {
    case 0:
      (void)api->parse_ping(status, body);
      break;
    case 1:
      (void)api->parse_nodes(status, body);
      break;
    case 2:
      (void)api->parse_partitions(status, body);
      break;
    case 3:
    case 4:
      (void)api->parse_jobs(status, body);
      break;
    case 5:
      (void)api->parse_submit(status, body);
      break;
    default:
      (void)api->parse_cancel(status, body);
      break;
  }
  return 0;
}
