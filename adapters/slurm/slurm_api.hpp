// SlurmApi: one slurmrestd OpenAPI version's requests and responses, mapped onto the
// version-independent values of slurm_model.hpp. Pure (no I/O): the adapter sends what it
// builds and hands back what arrived. A new version is a new file pair (v0_0_38.{hpp,cpp} is the
// first) plus one line in the table of make_slurm_api().
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
std::span<const std::string_view> known_api_versions();

// ---- helpers shared by the version files ----------------------------------------------------

// Parses an untrusted body: size and nesting depth bounded, must be a JSON object.
AdapterResult<nlohmann::json> parse_body(std::string_view body, std::string_view what);

// The entries of a top-level "errors" array; each entry's number may be spelled error_code,
// error_number or errno. Non-object entries and oversized strings are ignored or cut.
std::vector<SlurmError> read_errors(const nlohmann::json& body);

// The error for a non-2xx answer (or a 2xx one whose payload is missing): classified by HTTP
// status and Slurm error number, with Slurm's words. `what` names the call ("submit", ...).
AdapterError answer_error(std::string_view what, int status, std::string_view body);

// Bounded field readers: nullopt when the field is absent, null or of the wrong type.
std::optional<int64_t> get_int(const nlohmann::json& object, std::string_view key);
std::optional<std::string> get_string(const nlohmann::json& object, std::string_view key,
                                      size_t max_bytes = 4096);
std::vector<std::string> get_strings(const nlohmann::json& object, std::string_view key,
                                     size_t max_items = 256);

}  // namespace suanwang::adapters::slurm
