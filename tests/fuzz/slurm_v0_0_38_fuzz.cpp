// Fuzz target: slurmrestd v0.0.38 answers as the slurm adapter parses them (adapters/slurm/
// v0_0_38). The first byte picks the call and the HTTP status; the rest is the body. A site is
// outside the gateway's trust: any body must map to a value or an AdapterError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/slurm/v0_0_38.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto api = suanwang::adapters::slurm::make_v0_0_38();
  if (size < 1) return 0;
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
