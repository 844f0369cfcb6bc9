// Fuzz target: a JSON body as POST /api/v1/jobs, /api/v1/quotes and /api/v1/sites read it —
// bounded parsing, then job and site validation. A job that validates must survive its stored
// form (to_json, parsed again, gives the same JSON), since that is what a restart reads.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/core/json.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/site.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = suanwang::parse_json(std::string_view(reinterpret_cast<const char*>(data), size), 32);
  if (!body) return 0;
  if (auto spec = suanwang::model::parse_job_spec(*body)) {
    const auto stored = suanwang::model::to_json(*spec);
    auto again = suanwang::model::parse_job_spec(stored);
    if (!again || suanwang::model::to_json(*again) != stored) __builtin_trap();
    (void)suanwang::model::to_redacted_json(*spec);
  }
  if (auto site = suanwang::model::parse_site(*body)) {
    (void)suanwang::model::site_to_json(*site, true);
    (void)suanwang::model::site_to_stored_json(*site);
  }
  return 0;
}
