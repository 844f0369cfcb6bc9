// SlurmApi: one slurmrestd OpenAPI version's requests and responses, mapped onto the
// version-independent values of slurm_model.hpp. Pure (no I/O): the adapter sends what it
// builds and hands back what arrived. A new version is a new file pair (v0_0_38.{hpp,cpp} for
// Slurm 22.05; v0_0_40 .. v0_0_44 over the shared data_parser.{hpp,cpp} for 23.11 to 26.05) plus
// one line in the table of make_slurm_api().
//
// Every parse_* treats the body as untrusted: wrong types, missing fields, oversized values and
// deep nesting become AdapterErrc::bad_response; slurmrestd's own error answers become the
// matching AdapterErrc (not_found for an unknown job id, refused for a rejected request or
// credentials, unreachable when slurmrestd cannot reach slurmctld) with Slurm's words in the
// message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/slurm/slurm_model.hpp"

namespace suanwang::adapters::slurm {

class SlurmApi {
 public:
  virtual ~SlurmApi() = default;

  virtual std::string_view version() const = 0;

  // Request targets, relative to the endpoint.
  virtual std::string ping_target() const = 0;
  virtual std::string nodes_target() const = 0;
  virtual std::string partitions_target() const = 0;
  virtual std::string jobs_target() const = 0;
  virtual std::string job_target(int64_t job_id) const = 0;  // GET (one job), DELETE (cancel)
  virtual std::string submit_target() const = 0;             // POST
  virtual std::string submit_body(const SlurmSubmit& submit) const = 0;

  // Ok when the controller answers the ping ("UP").
  virtual AdapterResult<void> parse_ping(int status, std::string_view body) const = 0;
  virtual AdapterResult<std::vector<SlurmNode>> parse_nodes(int status,
                                                            std::string_view body) const = 0;
  virtual AdapterResult<std::vector<SlurmPartition>> parse_partitions(
      int status, std::string_view body) const = 0;
  // The jobs list, or one job's answer (an unknown or forgotten id is not_found).
  virtual AdapterResult<std::vector<SlurmJob>> parse_jobs(int status,
                                                          std::string_view body) const = 0;
  // The new job's id. A job id in the answer means submitted, even next to error entries.
  virtual AdapterResult<int64_t> parse_submit(int status, std::string_view body) const = 0;
  // Ok when cancelled or already finished; an id the controller does not know is not_found.
  virtual AdapterResult<void> parse_cancel(int status, std::string_view body) const = 0;
};

// The API for `version` ("v0.0.38"), nullptr when this build does not speak it.
std::unique_ptr<SlurmApi> make_slurm_api(std::string_view version);
// Every version this build speaks, newest first: the order in which the adapter offers them.
std::span<const std::string_view> known_api_versions();
// known_api_versions() as "v0.0.44, v0.0.43, ...", for messages.
std::string known_api_versions_text();

// ---- version agreement (pure parts; the adapter does the asking) -----------------------------

// Whether an answer to a versioned path says "this path is not served here": slurmrestd answers
// a path of a version it does not load with 404 text/plain "Unable find requested URL" (every
// release), while a served path answers JSON (a 404 for an unknown job carries error 2017).
bool path_not_served(int status, std::string_view body);

// The slurmrestd API versions a GET /openapi/v3 document lists ("/slurm/v0.0.43/ping" ...),
// newest first, without duplicates; empty when the body is not such a document.
std::vector<std::string> versions_in_openapi(std::string_view body);

// The Slurm release an answer's meta names ("25.05.8"; v0.0.38 spells the key "Slurm"), "" when
// it names none.
std::string slurm_release_of(std::string_view body);

// ---- helpers shared by the version files ----------------------------------------------------

// Parses an untrusted body: size and nesting depth bounded, must be a JSON object.
AdapterResult<nlohmann::json> parse_body(std::string_view body, std::string_view what);

// The entries of a top-level "errors" array; each entry's number may be spelled error_code,
// error_number or errno. Non-object entries and oversized strings are ignored or cut.
std::vector<SlurmError> read_errors(const nlohmann::json& body);

// The error for a non-2xx answer (or a 2xx one whose payload is missing): classified by HTTP
// status and Slurm error number, with Slurm's words. `what` names the call ("submit", ...).
// 401, 511 and error 1007 are the credentials (refused); 502 and errors 1000-1999 are slurmctld
// out of reach (unreachable); 504 is a timeout; a 404 is not_found with error 2017 (v0.0.40+)
// and `unsupported` for a path not served. `vague_auth_errors`: slurmrestd 22.05 answers a bad
// token with a 500 and error -1 or 5005, so those get a hint about the token; 23.11+ answer 511
// and use -1 for other failures.
AdapterError answer_error(std::string_view what, int status, std::string_view body,
                          bool vague_auth_errors = true);

// Bounds on what an answer may hold, shared by the version mappings.
inline constexpr size_t kMaxItems = 100'000;     // nodes, partitions or jobs in one answer
inline constexpr int64_t kMaxCpus = 10'000'000;  // per node or job
inline constexpr int64_t kMaxMemoryMb = int64_t{1} << 40;

inline bool is_success(int status) {
  return status >= 200 && status < 300;
}

// `v` clamped to [0, max]; 0 when absent.
int64_t bounded(std::optional<int64_t> v, int64_t max);
// Unix seconds as a time; nullopt for 0 ("not set"), negative or beyond the year 9999.
std::optional<TimePoint> unix_seconds(std::optional<int64_t> t);

// The array under `key` of a parsed answer, at most kMaxItems long. When it is missing, the
// answer's own error (answer_error: its error entries say why) names `what`.
AdapterResult<const nlohmann::json*> answer_items(const nlohmann::json& body, std::string_view key,
                                                  std::string_view what, int status,
                                                  std::string_view raw, bool vague_auth_errors);

// A node's name, partitions, CPUs, memory and GRES: the same keys and plain integers in every
// version (v0.0.38 to v0.0.44). The state is left to the version's mapping.
SlurmNode node_resources(const nlohmann::json& node);

// Bounded field readers: nullopt when the field is absent, null or of the wrong type.
std::optional<int64_t> get_int(const nlohmann::json& object, std::string_view key);
std::optional<std::string> get_string(const nlohmann::json& object, std::string_view key,
                                      size_t max_bytes = 4096);
std::vector<std::string> get_strings(const nlohmann::json& object, std::string_view key,
                                     size_t max_items = 256);

}  // namespace suanwang::adapters::slurm
