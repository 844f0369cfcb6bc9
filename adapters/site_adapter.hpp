// SiteAdapter: the one interface between the gateway and a compute center (DESIGN §4).
// This header owns the value types that cross the boundary; the gateway maps its own types
// onto them. Nothing under adapters/ includes anything under gateway/.
//
// Threading: an adapter is created on, and only ever called from, the executor in its
// AdapterContext (a strand); implementations need no locks of their own for that state.
// Every call may be abandoned by a caller's timeout (see common/timeout.hpp); an adapter must
// leave its state consistent when a coroutine is destroyed at a suspension point.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

namespace suanwang::adapters {

using TimePoint = std::chrono::system_clock::time_point;

// ---- errors -------------------------------------------------------------------------------

enum class AdapterErrc {
  invalid_config,  // the site's adapter settings are wrong (caught at registration)
  unreachable,     // the site did not answer (connection refused, DNS, TLS)
  timeout,         // the site answered too slowly
  refused,         // the site answered and rejected the request (e.g. job refused)
  not_found,       // the site does not know this job
  bad_response,    // the site answered something we cannot understand
  unsupported,     // this adapter cannot do that
  internal,        // a local failure (disk, fork)
};

const char* adapter_errc_name(AdapterErrc code);

// Named parameters of a coded sentence, as the gateway's i18n::Params (values already written
// out; the site's own words, such as a Slurm error or an HTTP status, go here untranslated).
using TextParams = std::vector<std::pair<std::string, std::string>>;

// One coded part of an error's sentence: a catalog code (schema/i18n/*.json, prefix "adapter.")
// and its parameters.
struct TextPart {
  std::string code;
  TextParams params;
};

struct AdapterError {
  AdapterErrc code = AdapterErrc::internal;
  std::string message;  // never contains credentials
  // The site setting the error is about, as the registration API names it ("endpoint",
  // "credentials.token", "options.partition"), or "" when it is not one setting's fault.
  std::string field = {};
  // `message` as catalog codes, so the gateway can write it in the caller's language (adapters
  // include no gateway header): text_lead's parts (who said it: "slurmrestd at h:6820: "), then
  // text_code with text_params, then text_tail's parts (what it likely means), one after
  // another; their English rendering equals `message`. An empty text_code means the error has
  // no coded form and `message` is shown as it is.
  std::string text_code = {};
  TextParams text_params = {};
  std::vector<TextPart> text_lead = {};
  std::vector<TextPart> text_tail = {};
};

template <class T>
using AdapterResult = std::expected<T, AdapterError>;

inline std::unexpected<AdapterError> adapter_fail(AdapterErrc code, std::string message) {
  return std::unexpected<AdapterError>(AdapterError{code, std::move(message)});
}

// An error with its coded form: `english` is what text_code renders to in English with `params`.
inline AdapterError adapter_error_coded(AdapterErrc code, std::string field, std::string english,
                                        std::string text_code, TextParams params) {
  return AdapterError{code, std::move(english), std::move(field), std::move(text_code),
                      std::move(params)};
}
inline std::unexpected<AdapterError> adapter_fail_coded(AdapterErrc code, std::string field,
                                                        std::string english, std::string text_code,
                                                        TextParams params) {
  return std::unexpected<AdapterError>(adapter_error_coded(
      code, std::move(field), std::move(english), std::move(text_code), std::move(params)));
}

// Puts `english` (coded as `text_code` with `params`) before the error's sentence: who said it.
inline void add_lead(AdapterError& e, std::string english, std::string text_code,
                     TextParams params) {
  e.message = english + e.message;
  e.text_lead.insert(e.text_lead.begin(), TextPart{std::move(text_code), std::move(params)});
}

// Puts `english` (coded as `text_code` with `params`) after the error's sentence.
inline void add_tail(AdapterError& e, std::string english, std::string text_code,
                     TextParams params = {}) {
  e.message += english;
  e.text_tail.push_back(TextPart{std::move(text_code), std::move(params)});
}

// ---- what the gateway sends -----------------------------------------------------------------

struct AcceleratorRequest {
  std::string model;  // e.g. "H100", "Ascend910B"
  int count = 0;
};

// What a site needs to know of a job: no owner, no prices, no placement reasons.
struct JobRequest {
  std::string key;  // the gateway job id; embedded at the site so a retry finds the job
  std::string name;
  std::string command;  // exactly one of command / script is non-empty
  std::string script;
  std::string image;  // optional container image; adapters that cannot run images refuse
  std::map<std::string, std::string> env;
  int cpus = 1;
  double memory_gb = 1;
  std::optional<AcceleratorRequest> accelerators;
  int64_t walltime_s = 3600;
  std::optional<int64_t> expected_runtime_s;  // a hint; emulated sites use it as the runtime
  // The job's files: stage(key, ...) ran before this submit, and collect(key, output_globs, ...)
  // will run after it succeeded. Adapters that stage into a job directory of their own need
  // neither; one that forwards the job (peer) passes them on.
  bool staged_inputs = false;
  std::vector<std::string> output_globs;
};

// ---- what a site reports -------------------------------------------------------------------

struct AcceleratorCount {
  int total = 0;
  int free = 0;
};

struct PoolCapacity {
  std::string name;  // partition / queue / pool
  int cpus_total = 0;
  int cpus_free = 0;
  double memory_gb_total = 0;
  double memory_gb_free = 0;
  std::map<std::string, AcceleratorCount> accelerators;  // by model
  int64_t max_walltime_s = 0;                            // 0 = no limit known
  // The pool's own queue, from adapters whose pools queue strictly in order (sim, and a peer
  // gateway forwarding what its sites report): a new job waits behind it even when it fits the
  // free resources. Left 0 by adapters that report their queue only site-wide or whose
  // scheduler backfills (slurm, local).
  int queued_jobs = 0;
  double queued_work_core_s = 0;
  double est_queue_wait_s = 0;  // the wait of a small job appended now
};

struct Capacity {
  std::vector<PoolCapacity> pools;
  int running_jobs = 0;
  int queued_jobs = 0;
  double queued_work_core_s = 0;  // queued jobs' cpus x runtime still to run, for wait estimates
  double est_queue_wait_s = 0;    // the site's own estimate for a new job, 0 when unknown
  TimePoint observed_at{};
};

struct Description {
  std::string adapter;      // "sim", "local", "slurm", "peer"
  std::string api_version;  // of the site's API, when it has one (as agreed with the site)
  std::string release;      // the site software's release as it reports it ("Slurm 25.05.8"), or ""
  std::vector<std::string> accelerator_models;
  bool supports_images = false;
  std::string container_runtime;  // what runs images: "podman", "apptainer", "pyxis", or ""
  bool supports_staging = false;  // stage() and collect() move real files (or model them)
  bool supports_scripts = true;
  int64_t max_walltime_s = 0;  // 0 = no limit known
};

struct SubmitResult {
  std::string remote_id;
  bool already_existed = false;  // the key was found at the site: nothing new was started
};

enum class RemoteState { queued, running, succeeded, failed, canceled, lost };

const char* remote_state_name(RemoteState s);

struct RemoteStatus {
  std::string remote_id;
  RemoteState state = RemoteState::queued;
  std::optional<int> exit_code;
  std::string reason;  // the site's words for the state (e.g. "TIMEOUT", "walltime exceeded")
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
};

struct LogChunk {
  std::string data;
  int64_t offset = 0;       // where `data` starts
  int64_t next_offset = 0;  // where the next read should start
  bool eof = false;         // no more output will ever come (the job has ended and all was read)
};

struct Health {
  bool reachable = false;
  double rtt_ms = 0;
  std::string detail;
};

// ---- data ------------------------------------------------------------------------------------

// One file to put into a job's directory before the job is submitted.
struct StageFile {
  std::string path;    // relative to the job's directory; checked by the gateway (no "..")
  std::string source;  // a file on this machine holding the bytes (the gateway's blob)
  int64_t size_bytes = 0;
  std::string sha256;  // hex; the copy at the site is checked against it
};

// What a transfer moved and how long it took (for the job's events and the network model).
struct TransferReport {
  int64_t bytes = 0;
  int files = 0;
  double seconds = 0;
  bool modelled = false;  // an emulated site: the time is the link's model, no byte moved
};

// One output file brought back from the site into a local directory.
struct CollectedFile {
  std::string path;        // relative to the job's directory
  std::string local_path;  // where it now is on this machine
  int64_t size_bytes = 0;
  std::string sha256;  // hex, of the local copy
};

struct Collection {
  std::vector<CollectedFile> files;
  TransferReport report;
};

// ---- the interface -------------------------------------------------------------------------

class SiteAdapter {
 public:
  virtual ~SiteAdapter() = default;

  virtual Description describe() const = 0;
  virtual boost::asio::awaitable<AdapterResult<Capacity>> capacity() = 0;
  // Idempotent by job.key: when the site already has a job with this key, returns its id with
  // already_existed = true and starts nothing.
  virtual boost::asio::awaitable<AdapterResult<SubmitResult>> submit(const JobRequest& job) = 0;
  // One entry per id the site knows; ids it does not know come back with state `lost`.
  virtual boost::asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> status(
      const std::vector<std::string>& remote_ids) = 0;
  // Idempotent: cancelling a finished job succeeds.
  virtual boost::asio::awaitable<AdapterResult<void>> cancel(const std::string& remote_id) = 0;
  // The job's combined stdout+stderr from byte `offset`, at most `max_bytes`.
  virtual boost::asio::awaitable<AdapterResult<LogChunk>> logs(const std::string& remote_id,
                                                               int64_t offset,
                                                               int64_t max_bytes) = 0;
  virtual boost::asio::awaitable<AdapterResult<Health>> health() = 0;
  // The check an operator's registration (or change of settings) runs before the site joins:
  // an error here is the settings' fault (a wrong address, token or partition), named by its
  // `field`, and the site is refused. Later, the same faults only make the site unhealthy.
  // Adapters without such settings check nothing.
  virtual boost::asio::awaitable<AdapterResult<void>> check_connection() {
    co_return AdapterResult<void>{};
  }

  // Puts the files into the job's directory at the site, before submit(job with this key);
  // each copy is checked against its SHA-256 (a copy that does not match is made again, then
  // the call fails). Idempotent: files already there and whole are not copied again.
  virtual boost::asio::awaitable<AdapterResult<TransferReport>> stage(
      const std::string& key, const std::vector<StageFile>& files) {
    (void)key;
    (void)files;
    co_return adapter_fail(AdapterErrc::unsupported, "this site cannot stage files");
  }
  // Copies the files of the ended job's directory that match `globs` into `into_dir` (a fresh
  // local directory), keeping their relative paths, with their SHA-256. Idempotent.
  virtual boost::asio::awaitable<AdapterResult<Collection>> collect(
      const std::string& key, const std::vector<std::string>& globs, const std::string& into_dir) {
    (void)key;
    (void)globs;
    (void)into_dir;
    co_return adapter_fail(AdapterErrc::unsupported, "this site cannot collect outputs");
  }
};

// ---- construction --------------------------------------------------------------------------

// Everything an adapter may use from its host, handed to its factory.
struct AdapterContext {
  boost::asio::any_io_executor executor;  // a strand: the adapter's calls all run here
  std::function<TimePoint()> now;         // injectable clock
  std::string work_dir;                   // a directory this site may own (logs, job dirs)
  uint64_t seed = 0;                      // for adapters with randomness (sim)
};

// How a site's adapter is configured: `type` picks the factory; the rest is its business.
struct AdapterConfig {
  std::string type;
  std::string endpoint;
  nlohmann::json options = nlohmann::json::object();
  nlohmann::json credentials = nlohmann::json::object();  // secret: never logged or returned
};

}  // namespace suanwang::adapters
