// Fuzz target: a peer gateway's answers as the peer adapter parses them (adapters/peer/peer_api).
// A peer is another organisation's server: the first byte picks the call and the HTTP status,
// the rest is the body; every body must map to a value or an AdapterError, never a crash.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/peer/peer_api.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace peer = suanwang::adapters::peer;
  if (size < 1) return 0;
  static constexpr int kStatus[] = {200, 200, 201, 404, 409, 429, 401, 500};
  const int status = kStatus[(data[0] >> 3) & 7];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  peer::PeerOptions options;
  if (data[0] & 0x40) options.regions = {"cn-gz-guian", "cn-csj-shanghai"};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  switch (data[0] & 7) {
    case 0:
    case 1:
      (void)peer::parse_capacity(status, body, options, now);
      break;
    case 2:
      (void)peer::parse_submit(status, body);
      break;
    case 3:
      (void)peer::parse_job(status, body);
      break;
    case 4:
      (void)peer::parse_job_page(status, body);
      break;
    case 5:
      (void)peer::parse_cancel(status, body);
      break;
    case 6:
      (void)peer::parse_logs(status, body, (data[0] & 0x80) ? 4096 : 0);
      break;
    default:
      // The data answers: datasets, their files, a job's outputs.
      if (data[0] & 0x80) {
        (void)peer::parse_outputs(status, body);
        (void)peer::parse_put_file(status, body);
      } else {
        (void)peer::parse_dataset(status, body, "dataset");
        (void)peer::parse_dataset_page(status, body);
        (void)peer::parse_file_page(status, body);
      }
      break;
  }
  return 0;
}
