// SiteAdapter over a peer gateway's REST API. The peer is the state of record for the jobs we
// forward; the adapter keeps no files. Submit is idempotent through the peer's Idempotency-Key
// (our job id), so a retry after a crash between submit and record finds the job the first
// submit started. Every call suspends only in HttpClient requests, each under its own deadline.
#include "adapters/peer/peer_adapter.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "adapters/common/http_client.hpp"
#include "adapters/peer/peer_api.hpp"
#include "adapters/peer/peer_options.hpp"

namespace suanwang::adapters::peer {
namespace {

namespace asio = boost::asio;

// Up to this many ids, one GET per job; above, pages of the job list first.
constexpr size_t kPerJobLookups = 16;
constexpr int kPageSize = 500;

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
        now_(context.now) {}

  Description describe() const override {
    Description d;
    d.adapter = "peer";
    d.api_version = "v1";
    d.supports_images = true;  // the peer refuses what none of its sites can run
    d.supports_scripts = true;
    d.max_walltime_s = 0;  // per pool, with capacity()
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

 private:
  // One authenticated exchange. By value: the coroutine may outlive the caller's expression.
  asio::awaitable<AdapterResult<HttpResponse>> call(std::string method, std::string target,
                                                    std::string body, std::string idempotency_key);

  PeerOptions options_;
  HttpClient http_;
  std::function<TimePoint()> now_;
};

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
  auto r = co_await http_.request(std::move(req));
  if (!r) {
    AdapterError e = r.error();
    e.message = "peer gateway at " + options_.endpoint.host + ":" + options_.endpoint.port + ": " +
                e.message;
    co_return std::unexpected(std::move(e));
  }
  co_return r;
}

asio::awaitable<AdapterResult<Capacity>> PeerAdapter::capacity() {
  auto r = co_await call("GET", "/api/v1/capacity", "", "");
  if (!r) co_return std::unexpected(r.error());
  co_return parse_capacity(r->status, r->body, options_, now_());
}

asio::awaitable<AdapterResult<SubmitResult>> PeerAdapter::submit(const JobRequest& job) {
  if (job.key.empty() || job.key.size() > 128) {
    co_return adapter_fail(AdapterErrc::refused, "peer: the job key must be 1 to 128 characters");
  }
  const std::string key = job.key;
  std::string body =
      job_body(job, options_).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto r = co_await call("POST", "/api/v1/jobs", std::move(body), key);
  if (!r) co_return std::unexpected(r.error());
  co_return parse_submit(r->status, r->body);
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
