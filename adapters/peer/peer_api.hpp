// The peer gateway's REST API (/api/v1, schema/openapi.json) as the peer adapter speaks it:
// request bodies and targets built from SiteAdapter values, and answers parsed back. A peer is
// another organisation's server, so every answer is untrusted input: it is validated as
// strictly as a client's request (types, ranges, sizes, states), and an answer that does not
// fit is bad_response naming the field, never a crash or a silently wrong number. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/peer/peer_options.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters::peer {

// What a gateway job id looks like from outside: 1..64 of [A-Za-z0-9_-]. Anything else is
// never sent to the peer (it would be a path injection) and never accepted from it.
bool is_peer_job_id(std::string_view id);

// POST /api/v1/jobs body for a forwarded job: the job as the peer's users would write it, with
// the adapter's policy and region constraint.
nlohmann::json job_body(const JobRequest& job, const PeerOptions& options);

std::string job_target(std::string_view id);     // /api/v1/jobs/{id}
std::string cancel_target(std::string_view id);  // /api/v1/jobs/{id}/cancel
std::string logs_target(std::string_view id, int64_t offset, int64_t max_bytes);
std::string list_target(int page_size, std::string_view page_token);  // /api/v1/jobs?...

// The error an HTTP status means, with the peer's problem `detail` (shortened, control
// characters removed) when it sent one: 401/403 refused (our key), 404 not_found, 429 and 5xx
// unreachable (try later), other 4xx refused, anything else bad_response.
AdapterError status_error(int status, std::string_view body, std::string_view what);

// GET /api/v1/capacity: every pool of every usable site of the peer (fresh, not offline, not
// drained, in options.regions when set) as one pool "<site>/<pool>"; jobs summed; the wait is
// the shortest any usable site reports, since the peer places on the best of them.
AdapterResult<Capacity> parse_capacity(int status, std::string_view body,
                                       const PeerOptions& options, TimePoint now);

// POST /api/v1/jobs: 201 started a job, 200 found the one an earlier submit with the same
// Idempotency-Key started.
AdapterResult<SubmitResult> parse_submit(int status, std::string_view body);

// GET /api/v1/jobs/{id}: the job mapped to a RemoteStatus; 404 is not_found.
AdapterResult<RemoteStatus> parse_job(int status, std::string_view body);

// GET /api/v1/jobs: one page of the caller's jobs and the next page token (nullopt at the end).
struct JobPage {
  std::vector<RemoteStatus> jobs;
  std::optional<std::string> next_page_token;
};
AdapterResult<JobPage> parse_job_page(int status, std::string_view body);

// POST /api/v1/jobs/{id}/cancel: success, including a job that had already ended.
AdapterResult<void> parse_cancel(int status, std::string_view body);

// GET /api/v1/jobs/{id}/logs: a window from `offset`; a job that has not reached a site at the
// peer yet (409) has no output so far, which is an empty chunk, not an error.
AdapterResult<LogChunk> parse_logs(int status, std::string_view body, int64_t offset);

}  // namespace suanwang::adapters::peer
