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
// the adapter's policy and region constraint. `inputs_dataset`, when not empty, is the peer's
// dataset holding the job's staged files, mounted at the top of the job's directory (the files
// keep their relative paths); the job's output globs become outputs.paths.
nlohmann::json job_body(const JobRequest& job, const PeerOptions& options,
                        std::string_view inputs_dataset = {});

std::string job_target(std::string_view id);     // /api/v1/jobs/{id}
std::string cancel_target(std::string_view id);  // /api/v1/jobs/{id}/cancel
std::string logs_target(std::string_view id, int64_t offset, int64_t max_bytes);
std::string list_target(int page_size, std::string_view page_token);  // /api/v1/jobs?...

// ---- data: datasets at the peer (staging) and the outputs of its jobs (collection) ----------

// A relative file path as the gateway's datasets take it: not empty, at most 1024 bytes, '/'
// separated segments of 1..255 bytes, none "." or "..", no leading, trailing or doubled '/', no
// backslash, NUL or control character. What we send and what we accept from the peer.
bool is_safe_relative_path(std::string_view path);

// The name of the dataset holding a job's staged files at the peer: one per key, so a retry or
// a restarted gateway finds the one an earlier stage() made. nullopt when the key is not a job
// id (it would not make a name the peer takes).
std::optional<std::string> inputs_dataset_name(std::string_view key);

// Targets; ids must satisfy is_peer_job_id and paths is_safe_relative_path (REQUIRES).
std::string datasets_target(int page_size, std::string_view page_token);  // GET list
std::string dataset_target(std::string_view id);                          // /api/v1/datasets/{id}
std::string seal_target(std::string_view id);
std::string files_target(std::string_view id, int page_size, std::string_view page_token);
std::string file_target(std::string_view id, std::string_view path);  // percent-encoded path
std::string outputs_target(std::string_view job_id);                  // /api/v1/jobs/{id}/outputs

// The Repr-Digest header (RFC 9530) of a file whose SHA-256 is `sha256_hex`, for the peer to
// check the bytes of a PUT against; nullopt when the hex is not a SHA-256.
std::optional<std::string> repr_digest(std::string_view sha256_hex);

struct PeerDataset {
  std::string id;
  std::string name;
  bool sealed = false;
  int64_t file_count = 0;
};

struct PeerFile {
  std::string path;
  int64_t size_bytes = 0;
  std::string sha256;  // 64 lower-case hex digits
};

// POST /api/v1/datasets (201), GET /api/v1/datasets/{id} and POST .../seal (200).
AdapterResult<PeerDataset> parse_dataset(int status, std::string_view body, std::string_view what);

struct DatasetPage {
  std::vector<PeerDataset> datasets;
  std::optional<std::string> next_page_token;
};
// GET /api/v1/datasets: one page of the org's datasets.
AdapterResult<DatasetPage> parse_dataset_page(int status, std::string_view body);

struct FilePage {
  std::vector<PeerFile> files;
  std::optional<std::string> next_page_token;
};
// GET /api/v1/datasets/{id}/files: one page of a dataset's files.
AdapterResult<FilePage> parse_file_page(int status, std::string_view body);

// PUT /api/v1/datasets/{id}/files/{path}: 201 with the file as the peer measured it.
AdapterResult<PeerFile> parse_put_file(int status, std::string_view body);

// GET /api/v1/jobs/{id}/outputs: the sealed dataset of the job's outputs and all its files; a
// file whose path is not safe is bad_response (it could write outside the collection).
struct JobOutputs {
  PeerDataset dataset;
  std::vector<PeerFile> files;
};
AdapterResult<JobOutputs> parse_outputs(int status, std::string_view body);

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
