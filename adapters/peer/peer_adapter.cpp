// SiteAdapter over a peer gateway's REST API. The peer is the state of record for the jobs we
// forward. Submit is idempotent through the peer's Idempotency-Key (our job id), so a retry
// after a crash between submit and record finds the job the first submit started. Every call
// suspends only in HttpClient requests, each under its own deadline.
//
// Data: stage() makes a dataset of the peer ("suanwang-in-<key>") holding the job's input files,
// PUT one by one, streamed from the gateway's blobs with their SHA-256 for the peer to check,
// and sealed; the forwarded job mounts it at the top of its directory. collect() downloads the
// peer job's collected outputs, streamed to disk, each checked against the peer's size and
// SHA-256. Which dataset and which peer job belong to a key is kept in memory and in the site's
// work_dir (peer_records.hpp), so a restarted gateway finds them again.
#include "adapters/peer/peer_adapter.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "adapters/common/http_client.hpp"
#include "adapters/peer/peer_api.hpp"
#include "adapters/peer/peer_options.hpp"
#include "adapters/peer/peer_records.hpp"
#include "common/glob.hpp"

namespace suanwang::adapters::peer {
namespace {

namespace asio = boost::asio;

// Up to this many ids, one GET per job; above, pages of the job list first.
constexpr size_t kPerJobLookups = 16;
constexpr int kPageSize = 500;
// A file transfer's deadline: the client's timeout plus the file's size at this rate. Slower
// than that, a transfer counts as stuck; the gateway's transfer_timeout_ms bounds the whole
// stage() or collect() call in any case.
constexpr int64_t kMinTransferBytesPerSecond = int64_t{1} << 20;
// Remembered keys kept in memory; beyond, memory is cleared and the records on disk answer.
constexpr size_t kMaxRememberedKeys = 10'000;

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

RemoteStatus unknown(const std::string& remote_id) {
  RemoteStatus s;
  s.remote_id = remote_id;
  s.state = RemoteState::lost;
  s.reason = "unknown to site";
  return s;
}

class PeerAdapter final : public SiteAdapter {
 public:
  PeerAdapter(PeerOptions options, const AdapterContext& context)
      : options_(std::move(options)),
        http_(context.executor, options_.endpoint, options_.http),
        now_(context.now),
        records_(context.work_dir) {}

  Description describe() const override {
    Description d;
    d.adapter = "peer";
    d.api_version = "v1";
    d.supports_images = true;  // the peer refuses what none of its sites can run
    d.supports_scripts = true;
    d.supports_staging = true;  // through the peer's datasets
    d.max_walltime_s = 0;       // per pool, with capacity()
    return d;
  }

  asio::awaitable<AdapterResult<Capacity>> capacity() override;
  asio::awaitable<AdapterResult<SubmitResult>> submit(const JobRequest& job) override;
  asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> status(
      const std::vector<std::string>& remote_ids) override;
  asio::awaitable<AdapterResult<void>> cancel(const std::string& remote_id) override;
  asio::awaitable<AdapterResult<LogChunk>> logs(const std::string& remote_id, int64_t offset,
                                                int64_t max_bytes) override;
  asio::awaitable<AdapterResult<Health>> health() override;
  asio::awaitable<AdapterResult<TransferReport>> stage(
      const std::string& key, const std::vector<StageFile>& files) override;
  asio::awaitable<AdapterResult<Collection>> collect(const std::string& key,
                                                     const std::vector<std::string>& globs,
                                                     const std::string& into_dir) override;

 private:
  // One authenticated exchange. By value: the coroutine may outlive the caller's expression.
  asio::awaitable<AdapterResult<HttpResponse>> call(std::string method, std::string target,
                                                    std::string body, std::string idempotency_key);
  // One authenticated exchange whose request body streams from a file and/or whose 2xx answer
  // streams into one (HttpRequest::body_file / response_file), with a deadline for `bytes`.
  asio::awaitable<AdapterResult<HttpResponse>> transfer(HttpRequest req, int64_t bytes);
  // An exchange's failure says which peer it was with.
  AdapterResult<HttpResponse> at_peer(AdapterResult<HttpResponse> r) const {
    if (r) return r;
    AdapterError e = r.error();
    e.message = "peer gateway at " + options_.endpoint.host + ":" + options_.endpoint.port + ": " +
                e.message;
    return std::unexpected(std::move(e));
  }

  // The dataset holding the key's staged inputs at the peer, when there is one: the one
  // remembered, or, when a gateway may have stopped between making it and writing down its id,
  // the one of its name (sealed ones first). nullopt when the peer has none.
  asio::awaitable<AdapterResult<std::optional<PeerDataset>>> find_inputs(std::string key);
  asio::awaitable<AdapterResult<std::optional<PeerDataset>>> find_by_name(std::string name);
  // Every file of a dataset at the peer, by path.
  asio::awaitable<AdapterResult<std::map<std::string, PeerFile>>> list_files(std::string id);
  // Downloads one output file into `dst` (through dst.part) and checks it against `f`.
  asio::awaitable<AdapterResult<void>> download(std::string dataset, PeerFile f, fs::path dst);

  std::optional<KeyRecord> record_of(const std::string& key) const;
  AdapterResult<void> remember(const std::string& key, const KeyRecord& record);

  PeerOptions options_;
  HttpClient http_;
  std::function<TimePoint()> now_;
  PeerRecords records_;
  std::map<std::string, KeyRecord> remembered_;  // by key; the records on disk are the truth
};

std::optional<KeyRecord> PeerAdapter::record_of(const std::string& key) const {
  auto it = remembered_.find(key);
  if (it != remembered_.end()) return it->second;
  return records_.find(key);
}

AdapterResult<void> PeerAdapter::remember(const std::string& key, const KeyRecord& record) {
  if (remembered_.size() >= kMaxRememberedKeys && !remembered_.contains(key)) {
    remembered_.clear();
  }
  remembered_[key] = record;
  return records_.save(key, record);
}

asio::awaitable<AdapterResult<HttpResponse>> PeerAdapter::call(std::string method,
                                                               std::string target, std::string body,
                                                               std::string idempotency_key) {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.body = std::move(body);
  req.content_type = "application/json";
  req.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  req.headers.emplace_back("Accept", "application/json");
  if (!idempotency_key.empty()) {
    req.headers.emplace_back("Idempotency-Key", std::move(idempotency_key));
    // Safe to send again: the peer answers a repeat with the job the first one started.
    req.replayable = true;
  }
  co_return at_peer(co_await http_.request(std::move(req)));
}

asio::awaitable<AdapterResult<Capacity>> PeerAdapter::capacity() {
  auto r = co_await call("GET", "/api/v1/capacity", "", "");
  if (!r) co_return std::unexpected(r.error());
  co_return parse_capacity(r->status, r->body, options_, now_());
}

asio::awaitable<AdapterResult<SubmitResult>> PeerAdapter::submit(const JobRequest& job_in) {
  const JobRequest job = job_in;  // the caller's value may not outlive the first suspension
  if (job.key.empty() || job.key.size() > 128) {
    co_return adapter_fail(AdapterErrc::refused, "peer: the job key must be 1 to 128 characters");
  }
  const std::string key = job.key;
  std::string inputs;
  if (job.staged_inputs) {
    // The dataset stage() made; the same one on every retry, so the peer sees the same body
    // under the same Idempotency-Key.
    auto found = co_await find_inputs(key);
    if (!found) co_return std::unexpected(found.error());
    if (!*found || !(*found)->sealed) {
      co_return adapter_fail(AdapterErrc::not_found,
                             "peer: the inputs of job " + key + " are not staged at the peer");
    }
    inputs = (*found)->id;
  }
  std::string body = job_body(job, options_, inputs)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto r = co_await call("POST", "/api/v1/jobs", std::move(body), key);
  if (!r) co_return std::unexpected(r.error());
  auto submitted = parse_submit(r->status, r->body);
  if (!submitted) co_return submitted;
  if (is_peer_job_id(key)) {
    // collect() is given the key only: write down which peer job it is. Should this fail, the
    // error makes the gateway submit again, and the Idempotency-Key finds the same job.
    KeyRecord rec = record_of(key).value_or(KeyRecord{});
    if (rec.remote_id != submitted->remote_id) {
      rec.remote_id = submitted->remote_id;
      if (auto w = remember(key, rec); !w) co_return std::unexpected(w.error());
    }
  }
  co_return submitted;
}

asio::awaitable<AdapterResult<HttpResponse>> PeerAdapter::transfer(HttpRequest req, int64_t bytes) {
  req.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  req.headers.emplace_back("Accept", "*/*");
  req.replayable = true;  // a PUT of the same bytes or a GET: safe to send again
  req.timeout =
      options_.http.timeout +
      std::chrono::milliseconds(std::max<int64_t>(0, bytes) * 1000 / kMinTransferBytesPerSecond);
  co_return at_peer(co_await http_.request(std::move(req)));
}

asio::awaitable<AdapterResult<std::optional<PeerDataset>>> PeerAdapter::find_by_name(
    std::string name) {
  std::optional<PeerDataset> best;
  std::string token;
  // Every page: the org's datasets in the order of their ids, ours somewhere among them.
  for (;;) {
    auto r = co_await call("GET", datasets_target(kPageSize, token), "", "");
    if (!r) co_return std::unexpected(r.error());
    auto page = parse_dataset_page(r->status, r->body);
    if (!page) co_return std::unexpected(page.error());
    for (auto& d : page->datasets) {
      if (d.name != name) continue;
      if (!best || (d.sealed && !best->sealed)) best = std::move(d);
    }
    if (!page->next_page_token || (best && best->sealed)) break;
    token = *page->next_page_token;
  }
  co_return best;
}

asio::awaitable<AdapterResult<std::optional<PeerDataset>>> PeerAdapter::find_inputs(
    std::string key) {
  const auto name = inputs_dataset_name(key);
  if (!name) co_return adapter_fail(AdapterErrc::refused, "peer: the job key is not a job id");
  const auto rec = record_of(key);
  if (rec && !rec->inputs.empty()) {
    auto r = co_await call("GET", dataset_target(rec->inputs), "", "");
    if (!r) co_return std::unexpected(r.error());
    if (r->status == 404) co_return std::optional<PeerDataset>{};  // deleted at the peer
    auto d = parse_dataset(r->status, r->body, "dataset");
    if (!d) co_return std::unexpected(d.error());
    co_return std::optional<PeerDataset>{std::move(*d)};
  }
  // Nothing written down: either nothing was made, or we cannot tell (a dataset being made
  // when the gateway stopped, or no records kept on disk): the peer's list answers.
  const bool certainly_none = rec ? !rec->creating : records_.kept();
  if (certainly_none) co_return std::optional<PeerDataset>{};
  co_return co_await find_by_name(*name);
}

asio::awaitable<AdapterResult<std::map<std::string, PeerFile>>> PeerAdapter::list_files(
    std::string id) {
  std::map<std::string, PeerFile> out;
  std::string token;
  for (;;) {
    auto r = co_await call("GET", files_target(id, kPageSize, token), "", "");
    if (!r) co_return std::unexpected(r.error());
    auto page = parse_file_page(r->status, r->body);
    if (!page) co_return std::unexpected(page.error());
    for (auto& f : page->files) {
      const std::string path = f.path;
      out.insert_or_assign(path, std::move(f));
    }
    if (!page->next_page_token) break;
    token = *page->next_page_token;
  }
  co_return out;
}

asio::awaitable<AdapterResult<TransferReport>> PeerAdapter::stage(
    const std::string& key_in, const std::vector<StageFile>& files_in) {
  const std::string key = key_in;  // the caller's values may not outlive us
  const std::vector<StageFile> files = files_in;
  const auto started = Steady::now();
  const auto name = inputs_dataset_name(key);
  if (!name) {
    co_return adapter_fail(AdapterErrc::refused,
                           "peer: job key '" + key.substr(0, 64) + "' is not a job id");
  }
  std::map<std::string, const StageFile*> wanted;
  for (const auto& f : files) {
    if (!is_safe_relative_path(f.path) || !repr_digest(f.sha256) || f.size_bytes < 0) {
      co_return adapter_fail(AdapterErrc::refused,
                             "peer: cannot stage '" + f.path.substr(0, 200) +
                                 "': not a safe relative path with a SHA-256");
    }
    wanted[f.path] = &f;
  }
  TransferReport report;
  if (files.empty()) co_return report;

  auto found = co_await find_inputs(key);
  if (!found) co_return std::unexpected(found.error());
  PeerDataset ds;
  if (*found) {
    ds = std::move(**found);
  } else {
    // Written down first: a gateway that stops before it learns the id finds it by name.
    KeyRecord rec = record_of(key).value_or(KeyRecord{});
    rec.inputs.clear();
    rec.creating = true;
    if (auto w = remember(key, rec); !w) co_return std::unexpected(w.error());
    const nlohmann::json body = {{"name", *name}};
    auto r = co_await call("POST", "/api/v1/datasets", body.dump(), "");
    if (!r) co_return std::unexpected(r.error());
    auto made = parse_dataset(r->status, r->body, "dataset creation");
    if (!made) co_return std::unexpected(made.error());
    ds = std::move(*made);
  }
  {
    KeyRecord rec = record_of(key).value_or(KeyRecord{});
    if (rec.inputs != ds.id || rec.creating) {
      rec.inputs = ds.id;
      rec.creating = false;
      if (auto w = remember(key, rec); !w) co_return std::unexpected(w.error());
    }
  }

  auto have = co_await list_files(ds.id);
  if (!have) co_return std::unexpected(have.error());
  for (const auto& [path, f] : *have) {
    if (!wanted.contains(path)) {
      co_return adapter_fail(AdapterErrc::refused, "peer: dataset " + ds.id + " of job " + key +
                                                       " holds " + path.substr(0, 200) +
                                                       ", which is not one of its inputs");
    }
  }
  for (const auto& [path, f] : wanted) {
    auto there = have->find(path);
    const bool whole = there != have->end() && there->second.sha256 == f->sha256 &&
                       there->second.size_bytes == f->size_bytes;
    if (whole) {
      ++report.files;  // already at the peer and checked there
      continue;
    }
    if (ds.sealed) {
      co_return adapter_fail(AdapterErrc::refused, "peer: dataset " + ds.id + " of job " + key +
                                                       " was sealed without " +
                                                       path.substr(0, 200));
    }
    HttpRequest req;
    req.method = "PUT";
    req.target = file_target(ds.id, path);
    req.body_file = f->source;
    req.content_type = "application/octet-stream";
    req.headers.emplace_back("Repr-Digest", *repr_digest(f->sha256));
    auto r = co_await transfer(std::move(req), f->size_bytes);
    if (!r) co_return std::unexpected(r.error());
    auto put = parse_put_file(r->status, r->body);
    if (!put) co_return std::unexpected(put.error());
    if (put->path != path || put->sha256 != f->sha256 || put->size_bytes != f->size_bytes) {
      co_return adapter_fail(AdapterErrc::bad_response,
                             "peer: " + path.substr(0, 200) + " arrived as " +
                                 std::to_string(put->size_bytes) + " bytes with SHA-256 " +
                                 put->sha256 + ", not " + std::to_string(f->size_bytes) +
                                 " bytes with " + f->sha256);
    }
    report.bytes += f->size_bytes;
    ++report.files;
  }
  if (!ds.sealed) {
    auto r = co_await call("POST", seal_target(ds.id), "{}", "");
    if (!r) co_return std::unexpected(r.error());
    auto sealed = parse_dataset(r->status, r->body, "seal");
    if (!sealed) co_return std::unexpected(sealed.error());
    if (!sealed->sealed || sealed->id != ds.id) {
      co_return adapter_fail(AdapterErrc::bad_response,
                             "peer: dataset " + ds.id + " is not sealed after the seal");
    }
  }
  report.seconds = seconds_since(started);
  co_return report;
}

asio::awaitable<AdapterResult<void>> PeerAdapter::download(std::string dataset, PeerFile f,
                                                           fs::path dst) {
  std::error_code ec;
  fs::create_directories(dst.parent_path(), ec);
  if (ec) {
    co_return adapter_fail(AdapterErrc::internal,
                           "cannot create " + dst.parent_path().string() + ": " + ec.message());
  }
  const fs::path part = dst.string() + ".part";
  // Twice at most: a copy that does not match is fetched once more, then the call fails.
  AdapterError last{AdapterErrc::internal, "not downloaded"};
  for (int attempt = 0; attempt < 2; ++attempt) {
    HttpRequest req;
    req.method = "GET";
    req.target = file_target(dataset, f.path);
    req.response_file = part.string();
    req.max_body_bytes = static_cast<uint64_t>(std::max<int64_t>(f.size_bytes, 1));
    auto r = co_await transfer(std::move(req), f.size_bytes);
    if (!r) {
      fs::remove(part, ec);
      co_return std::unexpected(r.error());
    }
    if (r->status != 200) {
      fs::remove(part, ec);
      co_return std::unexpected(
          status_error(r->status, r->body, "output " + f.path.substr(0, 200)));
    }
    // Hashed as it was written: the file is not read again.
    if (r->file_sha256 == f.sha256 && r->file_bytes == static_cast<uint64_t>(f.size_bytes)) {
      fs::rename(part, dst, ec);
      if (ec) {
        co_return adapter_fail(AdapterErrc::internal,
                               "cannot rename " + part.string() + ": " + ec.message());
      }
      co_return AdapterResult<void>{};
    }
    fs::remove(part, ec);
    last = AdapterError{AdapterErrc::bad_response,
                        "peer: output " + f.path.substr(0, 200) + " arrived as " +
                            std::to_string(r->file_bytes) + " bytes with SHA-256 " +
                            r->file_sha256 + ", not the " + std::to_string(f.size_bytes) +
                            " bytes with " + f.sha256 + " the peer lists"};
  }
  co_return std::unexpected(std::move(last));
}

asio::awaitable<AdapterResult<Collection>> PeerAdapter::collect(
    const std::string& key_in, const std::vector<std::string>& globs_in,
    const std::string& into_dir_in) {
  const std::string key = key_in;  // the caller's values may not outlive us
  const std::vector<std::string> globs = globs_in;
  const fs::path into = into_dir_in;
  const auto started = Steady::now();
  const auto rec = is_peer_job_id(key) ? record_of(key) : std::nullopt;
  if (!rec || rec->remote_id.empty()) {
    co_return adapter_fail(AdapterErrc::not_found,
                           "peer: no job at the peer is known for " + key.substr(0, 64));
  }
  auto r = co_await call("GET", outputs_target(rec->remote_id), "", "");
  if (!r) co_return std::unexpected(r.error());
  auto outputs = parse_outputs(r->status, r->body);
  if (!outputs) co_return std::unexpected(outputs.error());
  if (!outputs->dataset.sealed) {
    co_return adapter_fail(AdapterErrc::bad_response,
                           "peer: the outputs of job " + rec->remote_id + " are not sealed");
  }
  std::error_code ec;
  fs::create_directories(into, ec);
  if (ec) {
    co_return adapter_fail(AdapterErrc::internal,
                           "cannot create " + into.string() + ": " + ec.message());
  }
  Collection c;
  for (const auto& f : outputs->files) {
    // The peer filtered by the same globs; what it lists beyond them is not ours to take.
    const bool wanted = std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
      return common::glob_match(g, f.path);
    });
    if (!wanted) continue;
    const fs::path dst = into / f.path;  // a safe relative path: parse_outputs checked it
    auto got = co_await download(outputs->dataset.id, f, dst);
    if (!got) co_return std::unexpected(got.error());
    c.files.push_back({f.path, dst.string(), f.size_bytes, f.sha256});
    c.report.bytes += f.size_bytes;
    ++c.report.files;
  }
  c.report.seconds = seconds_since(started);
  co_return c;
}

asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> PeerAdapter::status(
    const std::vector<std::string>& remote_ids) {
  const std::vector<std::string> ids = remote_ids;  // the caller's vector may not outlive us
  std::map<std::string, RemoteStatus> known;
  std::set<std::string> wanted;
  for (const auto& id : ids) {
    if (is_peer_job_id(id)) wanted.insert(id);
  }
  if (wanted.size() > kPerJobLookups) {
    // Our jobs at the peer, newest first: enough pages to cover every id once, then stop;
    // ids not met by then (old ones) are asked for one by one below.
    const size_t max_pages = wanted.size() / kPageSize + 2;
    std::string token;
    for (size_t page = 0; page < max_pages; ++page) {
      auto r = co_await call("GET", list_target(kPageSize, token), "", "");
      if (!r) co_return std::unexpected(r.error());
      auto p = parse_job_page(r->status, r->body);
      if (!p) co_return std::unexpected(p.error());
      for (auto& j : p->jobs) {
        if (wanted.contains(j.remote_id)) known.emplace(j.remote_id, std::move(j));
      }
      if (!p->next_page_token || known.size() == wanted.size()) break;
      token = *p->next_page_token;
    }
  }
  for (const auto& id : wanted) {
    if (known.contains(id)) continue;
    auto r = co_await call("GET", job_target(id), "", "");
    if (!r) co_return std::unexpected(r.error());
    if (r->status == 404) continue;
    auto j = parse_job(r->status, r->body);
    if (!j) co_return std::unexpected(j.error());
    if (j->remote_id != id) {
      co_return adapter_fail(AdapterErrc::bad_response,
                             "peer answer: job " + id + " came back as " + j->remote_id);
    }
    known.emplace(id, std::move(*j));
  }
  std::vector<RemoteStatus> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto it = known.find(id);
    out.push_back(it != known.end() ? it->second : unknown(id));
  }
  co_return out;
}

asio::awaitable<AdapterResult<void>> PeerAdapter::cancel(const std::string& remote_id) {
  const std::string id = remote_id;
  if (!is_peer_job_id(id)) {
    co_return adapter_fail(AdapterErrc::not_found, "peer: no job " + id.substr(0, 64));
  }
  auto r = co_await call("POST", cancel_target(id), "", "");
  if (!r) co_return std::unexpected(r.error());
  co_return parse_cancel(r->status, r->body);
}

asio::awaitable<AdapterResult<LogChunk>> PeerAdapter::logs(const std::string& remote_id,
                                                           int64_t offset, int64_t max_bytes) {
  const std::string id = remote_id;
  if (!is_peer_job_id(id)) {
    co_return adapter_fail(AdapterErrc::not_found, "peer: no job " + id.substr(0, 64));
  }
  // The peer serves at most 1 MiB per call.
  const int64_t window = std::clamp<int64_t>(max_bytes, 1, int64_t{1} << 20);
  const int64_t from = std::max<int64_t>(0, offset);
  auto r = co_await call("GET", logs_target(id, from, window), "", "");
  if (!r) co_return std::unexpected(r.error());
  co_return parse_logs(r->status, r->body, from);
}

asio::awaitable<AdapterResult<Health>> PeerAdapter::health() {
  Health h;
  auto r = co_await call("GET", "/readyz", "", "");
  if (!r) {
    h.reachable = false;
    h.detail = r.error().message;
    co_return h;
  }
  h.rtt_ms = r->elapsed_ms;
  h.reachable = r->status == 200;
  h.detail =
      h.reachable ? "peer gateway ready" : status_error(r->status, r->body, "readiness").message;
  co_return h;
}

AdapterResult<void> validate(const AdapterConfig& config) {
  auto options = parse_peer_options(config);
  if (!options) return std::unexpected(options.error());
  return {};
}

AdapterResult<std::unique_ptr<SiteAdapter>> create(const AdapterConfig& config,
                                                   const AdapterContext& context) {
  auto options = parse_peer_options(config);
  if (!options) return std::unexpected(options.error());
  if (!context.now) {
    return adapter_fail(AdapterErrc::internal, "peer adapter needs a clock (context.now)");
  }
  return std::make_unique<PeerAdapter>(std::move(*options), context);
}

}  // namespace

AdapterFactory factory() {
  return AdapterFactory{"peer", "another suanwang gateway, through its REST API (API key)",
                        &validate, &create};
}

}  // namespace suanwang::adapters::peer
