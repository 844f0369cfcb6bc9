// SiteAdapter over slurmrestd. The cluster is the state of record; the adapter adds two things
// Slurm does not keep: which gateway key a job belongs to (for an idempotent submit, also found
// at the site by the job's name and comment) and the final state of jobs slurmctld has already
// forgotten (MinJobAge), from its own records or the exit record the batch script leaves in
// output_dir. Job output is read from output_dir directly, so the gateway must see that
// directory (one node, or a shared file system): a documented limitation.
//
// The API version is agreed, not guessed: with api_version "auto" the adapter pings each version
// it knows, newest first, and takes the first the site serves (a version slurmrestd does not load
// answers 404 text/plain); a pinned api_version is checked the same way. It agrees before its
// first call, again on every health(), every kRecheckEvery and whenever a path stops being served
// (an upgraded Slurm). Each capacity() (the gateway's periodic check) pings the agreed version
// first: a version that is gone is noticed at once, and a stopped slurmctld fails the poll at once
// (its ping says DOWN immediately; other calls wait for slurmctld's MessageTimeout, 10 s, before
// answering 502). A site serving none is an invalid_config error naming what it offers (its
// GET /openapi/v3), which the gateway turns into a 400 at registration.
//
// Every call suspends only in HttpClient requests, each under its own deadline; records are
// written after the answer arrived, so a call abandoned by a caller's timeout changes nothing.
#include "adapters/slurm/slurm_adapter.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "adapters/common/file_staging.hpp"
#include "adapters/common/http_client.hpp"
#include "adapters/common/log_chunk.hpp"
#include "adapters/common/resources.hpp"
#include "adapters/slurm/batch_script.hpp"
#include "adapters/slurm/job_records.hpp"
#include "adapters/slurm/slurm_api.hpp"
#include "adapters/slurm/slurm_options.hpp"

namespace suanwang::adapters::slurm {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

// Above this many ids, one GET of the whole job list is cheaper than one GET per job.
constexpr size_t kPerJobLookups = 16;
// Nodes and partitions are re-read for a submit's feasibility check when older than this.
constexpr auto kTopologyMaxAge = std::chrono::seconds(5);
// How long an agreed API version is used before the site is asked again which it serves.
constexpr auto kRecheckEvery = std::chrono::minutes(10);

std::optional<int64_t> job_id_of(std::string_view remote_id) {
  if (remote_id.empty() || remote_id.size() > 18) return std::nullopt;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(remote_id.data(), remote_id.data() + remote_id.size(), id);
  if (ec != std::errc() || end != remote_id.data() + remote_id.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

bool valid_env_name(const std::string& name) {
  if (name.empty() || name.size() > 256) return false;
  if (name.front() >= '0' && name.front() <= '9') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string comment_for(const std::string& key) {
  return "suanwang:" + key;
}

bool is_final(RemoteState s) {
  return s != RemoteState::queued && s != RemoteState::running;
}

std::optional<TimePoint> file_mtime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return TimePoint{std::chrono::seconds(st.st_mtim.tv_sec) +
                   std::chrono::duration_cast<TimePoint::duration>(
                       std::chrono::nanoseconds(st.st_mtim.tv_nsec))};
}

RemoteStatus unknown(const std::string& remote_id) {
  RemoteStatus s;
  s.remote_id = remote_id;
  s.state = RemoteState::lost;
  s.reason = "unknown to site";
  return s;
}

class SlurmAdapter final : public SiteAdapter {
 public:
  SlurmAdapter(SlurmOptions options, const AdapterContext& context)
      : options_(std::move(options)),
        http_(context.executor, options_.endpoint, options_.http),
        records_(fs::path(context.work_dir)),
        now_(context.now) {}

  AdapterResult<void> init() const { return records_.init(); }

  Description describe() const override {
    Description d;
    d.adapter = "slurm";
    // "auto" until the first exchange with the site has agreed on a version.
    d.api_version = api_ ? std::string(api_->version()) : options_.api_version;
    d.release = release_.empty() ? std::string() : "Slurm " + release_;
    d.supports_images = options_.container.runtime != ContainerRuntime::none;
    d.container_runtime = container_runtime_name(options_.container.runtime);
    d.supports_scripts = true;
    d.supports_staging = !options_.staging_dir.empty();
    d.max_walltime_s = 0;  // the partition's limit arrives with capacity()
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
  asio::awaitable<AdapterResult<void>> check_connection() override;

  // Jobs' files go through the file system the cluster shares with the gateway: a job's
  // working directory <staging_dir>/<key> receives its inputs and is where its outputs are
  // collected from, as at a center whose users share data through the parallel file system.
  asio::awaitable<AdapterResult<TransferReport>> stage(
      const std::string& key, const std::vector<StageFile>& files) override {
    auto dir = job_dir(key);
    if (!dir) co_return std::unexpected(dir.error());
    co_return stage_into(*dir, files);
  }
  asio::awaitable<AdapterResult<Collection>> collect(const std::string& key,
                                                     const std::vector<std::string>& globs,
                                                     const std::string& into_dir) override {
    auto dir = job_dir(key);
    if (!dir) co_return std::unexpected(dir.error());
    co_return collect_from(*dir, globs, into_dir, {});
  }

 private:
  // One authenticated exchange with slurmrestd. By value: it outlives the caller's expression.
  asio::awaitable<AdapterResult<HttpResponse>> call(std::string method, std::string target,
                                                    std::string body);
  // Agrees on the API version (see the top of this file); the agreed version's ping answer.
  asio::awaitable<AdapterResult<HttpResponse>> agree();
  // Whether the agreement is to be made again before the next call.
  bool agreement_due() const;
  // The periodic check: the agreed version's ping (after agree() when due or no longer served),
  // ok when slurmctld is up.
  asio::awaitable<AdapterResult<void>> check_in();
  // The agreed API, after agree() when none is agreed yet or the agreement is due for a check.
  // Callers hold the pointer across their awaits: another call may agree anew meanwhile.
  asio::awaitable<AdapterResult<std::shared_ptr<const SlurmApi>>> agreed();
  asio::awaitable<AdapterResult<std::vector<SlurmJob>>> all_jobs();
  // The job, nullopt when slurmctld does not know it (never did, or forgot it).
  asio::awaitable<AdapterResult<std::optional<SlurmJob>>> one_job(int64_t id);
  asio::awaitable<AdapterResult<void>> refresh_topology();
  asio::awaitable<AdapterResult<std::optional<int64_t>>> find_at_site(std::string key);

  void explain_container(int64_t id, RemoteStatus& s) const;
  // <staging_dir>/<key>, made when missing and open to the jobs' user (mode 0777: the gateway
  // and the jobs' user differ; the operator restricts staging_dir itself to both).
  AdapterResult<std::string> job_dir(const std::string& key) const;
  RemoteStatus seen(const SlurmJob& job);
  RemoteStatus resolve_missing(const std::string& remote_id, int64_t id);
  std::optional<std::string> refusal(const JobRequest& job) const;
  AdapterResult<SlurmSubmit> to_submit(const JobRequest& job) const;

  SlurmOptions options_;
  std::shared_ptr<const SlurmApi> api_;  // null until a version is agreed
  std::string release_;                  // the site's Slurm release ("25.05.8"), "" when not said
  std::optional<TimePoint> agreed_at_;
  bool recheck_ = false;  // a path answered "not served": agree again before the next call
  HttpClient http_;
  JobRecords records_;
  std::function<TimePoint()> now_;
  std::vector<SlurmNode> nodes_;
  std::vector<SlurmPartition> partitions_;
  std::optional<std::chrono::steady_clock::time_point> topology_at_;
};

asio::awaitable<AdapterResult<HttpResponse>> SlurmAdapter::call(std::string method,
                                                                std::string target,
                                                                std::string body) {
  HttpRequest req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.body = std::move(body);
  req.content_type = "application/json";
  req.headers.emplace_back("X-SLURM-USER-NAME", options_.user);
  req.headers.emplace_back("X-SLURM-USER-TOKEN", options_.token);
  auto r = co_await http_.request(std::move(req));
  if (!r) {
    AdapterError e = r.error();
    const std::string where = options_.endpoint.host + ":" + options_.endpoint.port;
    add_lead(e, "slurmrestd at " + where + ": ", "adapter.slurm.at", {{"where", where}});
    co_return std::unexpected(std::move(e));
  }
  if (path_not_served(r->status, r->body)) recheck_ = true;
  co_return r;
}

asio::awaitable<AdapterResult<HttpResponse>> SlurmAdapter::agree() {
  std::vector<std::string> candidates;
  const bool pinned = options_.api_version != kAutoApiVersion;
  if (pinned) {
    candidates.push_back(options_.api_version);
  } else {
    for (auto v : known_api_versions()) candidates.emplace_back(v);
  }
  for (const auto& version : candidates) {
    std::shared_ptr<const SlurmApi> api = make_slurm_api(version);
    auto r = co_await call("GET", api->ping_target(), "");
    if (!r) co_return std::unexpected(r.error());
    // slurmrestd authenticates before it routes: a 401 says nothing of the version.
    if (r->status == 401 || r->status == 403) {
      co_return std::unexpected(answer_error("ping", r->status, r->body));
    }
    if (path_not_served(r->status, r->body)) continue;
    // Served: the ping answers 200 even when slurmctld is down or the token is bad, which
    // parse_ping tells apart; the version is agreed either way.
    api_ = api;
    if (auto release = slurm_release_of(r->body); !release.empty()) release_ = std::move(release);
    agreed_at_ = now_();
    recheck_ = false;
    co_return r;
  }
  api_.reset();
  agreed_at_.reset();
  // Nothing in common: what the site offers, from its OpenAPI document, for the operator.
  std::string offered;
  auto doc = co_await call("GET", "/openapi/v3", "");
  if (doc && doc->status == 200) {
    for (const auto& v : versions_in_openapi(doc->body))
      offered += (offered.empty() ? "" : ", ") + v;
  }
  const std::string where = options_.endpoint.host + ":" + options_.endpoint.port;
  // What the site offers: its versions, or (coded apart) none it names.
  const bool none = offered.empty();
  const std::string offers = none ? "no version it names (GET /openapi/v3 listed none)" : offered;
  if (pinned) {
    co_return adapter_fail_coded(
        AdapterErrc::invalid_config, "options.api_version",
        "options.api_version: slurmrestd at " + where + " does not serve " + options_.api_version +
            "; it offers " + offers + " (use \"auto\" or one of those)",
        none ? "adapter.slurm.version_not_served_none" : "adapter.slurm.version_not_served",
        {{"where", where}, {"version", options_.api_version}, {"offered", offered}});
  }
  co_return adapter_fail_coded(
      AdapterErrc::invalid_config, "options.api_version",
      "options.api_version: slurmrestd at " + where + " offers " + offers +
          "; this gateway speaks " + known_api_versions_text(),
      none ? "adapter.slurm.no_common_version_none" : "adapter.slurm.no_common_version",
      {{"where", where}, {"offered", offered}, {"known", known_api_versions_text()}});
}

bool SlurmAdapter::agreement_due() const {
  return !api_ || recheck_ || !agreed_at_ || now_() - *agreed_at_ > kRecheckEvery ||
         now_() < *agreed_at_;
}

asio::awaitable<AdapterResult<void>> SlurmAdapter::check_in() {
  std::shared_ptr<const SlurmApi> api = api_;
  std::optional<HttpResponse> ping;
  if (!agreement_due()) {
    auto r = co_await call("GET", api->ping_target(), "");
    if (!r) co_return std::unexpected(r.error());
    if (!path_not_served(r->status, r->body)) ping = std::move(*r);
  }
  if (!ping) {
    auto r = co_await agree();
    if (!r) co_return std::unexpected(r.error());
    ping = std::move(*r);
    api = api_;  // what agree() just set
  }
  co_return api->parse_ping(ping->status, ping->body);
}

asio::awaitable<AdapterResult<std::shared_ptr<const SlurmApi>>> SlurmAdapter::agreed() {
  if (agreement_due()) {
    auto r = co_await agree();
    if (!r) co_return std::unexpected(r.error());
  }
  co_return api_;
}

asio::awaitable<AdapterResult<std::vector<SlurmJob>>> SlurmAdapter::all_jobs() {
  auto api = co_await agreed();
  if (!api) co_return std::unexpected(api.error());
  auto r = co_await call("GET", (*api)->jobs_target(), "");
  if (!r) co_return std::unexpected(r.error());
  co_return (*api)->parse_jobs(r->status, r->body);
}

asio::awaitable<AdapterResult<std::optional<SlurmJob>>> SlurmAdapter::one_job(int64_t id) {
  auto api = co_await agreed();
  if (!api) co_return std::unexpected(api.error());
  auto r = co_await call("GET", (*api)->job_target(id), "");
  if (!r) co_return std::unexpected(r.error());
  auto jobs = (*api)->parse_jobs(r->status, r->body);
  if (!jobs) {
    if (jobs.error().code == AdapterErrc::not_found) co_return std::optional<SlurmJob>{};
    co_return std::unexpected(jobs.error());
  }
  for (auto& j : *jobs) {
    if (j.job_id == id) co_return std::optional<SlurmJob>(std::move(j));
  }
  co_return std::optional<SlurmJob>{};
}

asio::awaitable<AdapterResult<void>> SlurmAdapter::refresh_topology() {
  auto api = co_await agreed();
  if (!api) co_return std::unexpected(api.error());
  auto parts = co_await call("GET", (*api)->partitions_target(), "");
  if (!parts) co_return std::unexpected(parts.error());
  auto partitions = (*api)->parse_partitions(parts->status, parts->body);
  if (!partitions) co_return std::unexpected(partitions.error());
  auto nodes_answer = co_await call("GET", (*api)->nodes_target(), "");
  if (!nodes_answer) co_return std::unexpected(nodes_answer.error());
  auto nodes = (*api)->parse_nodes(nodes_answer->status, nodes_answer->body);
  if (!nodes) co_return std::unexpected(nodes.error());
  partitions_ = std::move(*partitions);
  nodes_ = std::move(*nodes);
  topology_at_ = std::chrono::steady_clock::now();
  co_return AdapterResult<void>{};
}

asio::awaitable<AdapterResult<Capacity>> SlurmAdapter::capacity() {
  if (auto up = co_await check_in(); !up) co_return std::unexpected(up.error());
  auto topo = co_await refresh_topology();
  if (!topo) co_return std::unexpected(topo.error());
  auto jobs = co_await all_jobs();
  if (!jobs) co_return std::unexpected(jobs.error());
  const auto part =
      std::find_if(partitions_.begin(), partitions_.end(),
                   [&](const SlurmPartition& p) { return p.name == options_.partition; });
  if (part == partitions_.end()) {
    std::string names;
    for (const auto& p : partitions_) names += (names.empty() ? "" : ", ") + p.name;
    co_return adapter_fail(AdapterErrc::refused,
                           "slurm: partition '" + options_.partition +
                               "' does not exist at the site (it has: " + names + ")");
  }
  Capacity cap;
  cap.observed_at = now_();
  cap.pools.push_back(partition_pool(nodes_, *part, options_.untyped_gpu_model));
  count_jobs(*jobs, options_.partition, cap);
  co_return cap;
}

std::optional<std::string> SlurmAdapter::refusal(const JobRequest& job) const {
  if (!is_valid_key(job.key)) {
    return "job key '" + job.key.substr(0, 64) + "' is not usable as a Slurm job name";
  }
  if (job.command.empty() == job.script.empty())
    return "a job needs exactly one of command or script";
  if (job.command.size() + job.script.size() > (size_t{1} << 20)) {
    return "command or script is larger than 1 MiB";
  }
  for (const auto& [name, value] : job.env) {
    if (!valid_env_name(name)) return "env name '" + name.substr(0, 64) + "' is not a valid name";
    if (value.find('\0') != std::string::npos) return "env " + name + " contains NUL";
  }
  if (!job.image.empty()) {
    if (auto why = image_refusal(job.image)) return why;
  }
  if (job.cpus < 1) return "cpus must be at least 1";
  if (!std::isfinite(job.memory_gb) || job.memory_gb < 0) return "memory_gb must be >= 0";
  if (job.walltime_s < 1) return "walltime_s must be at least 1";
  if (job.accelerators && job.accelerators->count < 0) return "accelerator count must be >= 0";
  return std::nullopt;
}

AdapterResult<SlurmSubmit> SlurmAdapter::to_submit(const JobRequest& job) const {
  SlurmSubmit s;
  s.name = job.key;
  s.comment = comment_for(job.key);
  s.script = batch_script(job, options_.output_dir, options_.container);
  s.partition = options_.partition;
  s.cwd = options_.output_dir;
  if (!options_.staging_dir.empty()) {
    auto dir = job_dir(job.key);
    if (!dir) return std::unexpected(dir.error());
    s.cwd = *dir;
  }
  s.standard_output = output_pattern(options_.output_dir);
  s.environment = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"HOME", options_.output_dir}};
  for (const auto& [name, value] : job.env) s.environment[name] = value;
  s.environment["SUANWANG_JOB_ID"] = job.key;  // after the job's env: always the truth
  s.time_limit_min =
      std::max<int64_t>(1, (std::min<int64_t>(job.walltime_s, 0x7FFFFFFF) + 59) / 60);
  s.cpus = job.cpus;
  s.memory_mb = std::max<int64_t>(1, gb_to_mib(job.memory_gb));
  if (job.accelerators && job.accelerators->count > 0) {
    s.gpus = job.accelerators->count;
    // GPUs declared without a type are offered under untyped_gpu_model: ask for any type.
    s.gpu_type =
        job.accelerators->model == options_.untyped_gpu_model ? "" : job.accelerators->model;
    if (!s.gpu_type.empty() && !std::all_of(s.gpu_type.begin(), s.gpu_type.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        })) {
      return adapter_fail(
          AdapterErrc::refused,
          "slurm: accelerator model '" + s.gpu_type.substr(0, 32) + "' is not a GRES type name");
    }
  }
  return s;
}

asio::awaitable<AdapterResult<std::optional<int64_t>>> SlurmAdapter::find_at_site(std::string key) {
  auto jobs = co_await all_jobs();
  if (!jobs) co_return std::unexpected(jobs.error());
  const std::string comment = comment_for(key);
  for (const auto& j : *jobs) {
    // Not a job a rejected submit left behind (2014): it never ran and is not the one asked for.
    if (j.name == key && j.comment == comment && !is_rejected_submit_leftover(j)) {
      co_return std::optional<int64_t>(j.job_id);
    }
  }
  co_return std::optional<int64_t>{};
}

asio::awaitable<AdapterResult<SubmitResult>> SlurmAdapter::submit(const JobRequest& job) {
  if (!job.image.empty() && options_.container.runtime == ContainerRuntime::none) {
    co_return adapter_fail(AdapterErrc::unsupported,
                           "slurm: this site cannot run container images (no container_runtime)");
  }
  if (auto why = refusal(job)) co_return adapter_fail(AdapterErrc::refused, "slurm: " + *why);
  // Idempotent by key: our own record first, then the site (a submit whose answer was lost).
  if (auto id = records_.find_key(job.key)) {
    SubmitResult found;
    found.remote_id = std::to_string(*id);
    found.already_existed = true;
    co_return found;
  }
  const std::string key = job.key;
  auto existing = co_await find_at_site(key);
  if (!existing) co_return std::unexpected(existing.error());
  if (*existing) {
    (void)records_.remember_submit(key, **existing);
    SubmitResult found;
    found.remote_id = std::to_string(**existing);
    found.already_existed = true;
    co_return found;
  }
  auto spec = to_submit(job);
  if (!spec) co_return std::unexpected(spec.error());
  // Slurm accepts jobs no node can ever run and leaves them pending forever: refuse them here.
  const bool stale =
      !topology_at_ || std::chrono::steady_clock::now() - *topology_at_ > kTopologyMaxAge;
  if (stale) {
    auto topo = co_await refresh_topology();
    if (!topo) co_return std::unexpected(topo.error());
  }
  if (!spec->gpu_type.empty()) {
    // Slurm's GRES types are case-sensitive (a wrong case is error 2014 and a FAILED job left
    // behind): ask in the site's own spelling.
    if (auto spelt = site_gpu_type(nodes_, options_.partition, spec->gpu_type)) {
      spec->gpu_type = std::move(*spelt);
    }
  }
  if (auto why = never_fits(nodes_, options_.partition, *spec, options_.untyped_gpu_model)) {
    co_return adapter_fail(AdapterErrc::refused, "slurm: " + *why);
  }
  for (const auto& p : partitions_) {
    if (p.name == options_.partition && p.max_time_s > 0 && job.walltime_s > p.max_time_s) {
      co_return adapter_fail(AdapterErrc::refused,
                             "slurm: walltime_s " + std::to_string(job.walltime_s) +
                                 " exceeds partition " + p.name + "'s limit of " +
                                 std::to_string(p.max_time_s) + " s");
    }
  }
  auto api = co_await agreed();
  if (!api) co_return std::unexpected(api.error());
  std::string body = (*api)->submit_body(*spec);
  auto r = co_await call("POST", (*api)->submit_target(), std::move(body));
  if (!r) co_return std::unexpected(r.error());
  auto id = (*api)->parse_submit(r->status, r->body);
  if (!id) co_return std::unexpected(id.error());
  if (auto ok = records_.remember_submit(key, *id); !ok) {
    // The job runs; a retry finds it at the site by its name.
    AdapterError e = ok.error();
    e.message = "slurm: job " + std::to_string(*id) + " submitted but not recorded: " + e.message;
    co_return std::unexpected(std::move(e));
  }
  SubmitResult out;
  out.remote_id = std::to_string(*id);
  co_return out;
}

RemoteStatus SlurmAdapter::seen(const SlurmJob& job) {
  RemoteStatus s = to_remote_status(job);
  explain_container(job.job_id, s);
  if (is_final(s.state)) {
    if (auto rec = records_.find_job(job.job_id); rec && !rec->final_status) {
      (void)records_.remember_final(job.job_id, s);
    }
  }
  return s;
}

AdapterResult<std::string> SlurmAdapter::job_dir(const std::string& key) const {
  if (options_.staging_dir.empty()) {
    return adapter_fail(AdapterErrc::unsupported, "slurm: this site has no staging_dir");
  }
  if (!is_valid_key(key)) return adapter_fail(AdapterErrc::refused, "slurm: bad job key");
  const std::string dir = options_.staging_dir + "/" + key;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), 0777) != 0) {
    return adapter_fail(AdapterErrc::internal, "slurm: cannot make the job's directory " + dir +
                                                   ": " + (ec ? ec.message() : std::strerror(errno)));
  }
  return dir;
}

// A container job whose container could not start says why (the batch script wrote it).
void SlurmAdapter::explain_container(int64_t id, RemoteStatus& s) const {
  if (s.state != RemoteState::failed || s.exit_code != 125 ||
      options_.container.runtime == ContainerRuntime::none) {
    return;
  }
  if (auto why = read_small_file(reason_path(options_.output_dir, id), 4096)) {
    while (!why->empty() && why->back() == '\n') why->pop_back();
    s.reason = "the container did not start: " + *why;
  }
}

RemoteStatus SlurmAdapter::resolve_missing(const std::string& remote_id, int64_t id) {
  auto rec = records_.find_job(id);
  if (rec && rec->final_status) return *rec->final_status;
  const std::string exit_file = exit_path(options_.output_dir, id);
  if (auto text = read_small_file(exit_file, 64)) {
    int code = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), code);
    if (ec == std::errc() && code >= 0 && code <= 255) {
      RemoteStatus s;
      s.remote_id = remote_id;
      s.exit_code = code;
      s.state = code == 0 ? RemoteState::succeeded : RemoteState::failed;
      s.reason = "exit code " + std::to_string(code) +
                 " (from the job's exit record; slurmctld no longer lists the job)";
      s.finished_at = file_mtime(exit_file);
      explain_container(id, s);
      if (rec) (void)records_.remember_final(id, s);
      return s;
    }
  }
  if (!rec) return unknown(remote_id);
  RemoteStatus s;
  s.remote_id = remote_id;
  s.state = RemoteState::lost;
  s.reason = "slurmctld no longer knows job " + remote_id +
             " (finished longer than MinJobAge ago) and it left no exit record: it was "
             "cancelled, timed out or its node failed";
  s.finished_at = now_();
  (void)records_.remember_final(id, s);
  return s;
}

asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> SlurmAdapter::status(
    const std::vector<std::string>& remote_ids) {
  const std::vector<std::string> ids = remote_ids;  // the caller's vector may not outlive us
  std::vector<RemoteStatus> out;
  out.reserve(ids.size());
  std::map<int64_t, SlurmJob> known;
  if (ids.size() > kPerJobLookups) {
    auto jobs = co_await all_jobs();
    if (!jobs) co_return std::unexpected(jobs.error());
    for (auto& j : *jobs) known.emplace(j.job_id, std::move(j));
  } else {
    for (const auto& rid : ids) {
      const auto id = job_id_of(rid);
      if (!id || known.contains(*id)) continue;
      // A job with a recorded final state needs no question to the site.
      if (auto rec = records_.find_job(*id); rec && rec->final_status) continue;
      auto job = co_await one_job(*id);
      if (!job) co_return std::unexpected(job.error());
      if (*job) known.emplace(*id, std::move(**job));
    }
  }
  for (const auto& rid : ids) {
    const auto id = job_id_of(rid);
    if (!id) {
      out.push_back(unknown(rid));
      continue;
    }
    auto it = known.find(*id);
    RemoteStatus s = it != known.end() ? seen(it->second) : resolve_missing(rid, *id);
    s.remote_id = rid;
    out.push_back(std::move(s));
  }
  co_return out;
}

asio::awaitable<AdapterResult<void>> SlurmAdapter::cancel(const std::string& remote_id) {
  const std::string rid = remote_id;
  const auto id = job_id_of(rid);
  if (!id) co_return adapter_fail(AdapterErrc::not_found, "slurm: no job " + rid.substr(0, 64));
  auto api = co_await agreed();
  if (!api) co_return std::unexpected(api.error());
  auto r = co_await call("DELETE", (*api)->job_target(*id), "");
  if (!r) co_return std::unexpected(r.error());
  auto done = (*api)->parse_cancel(r->status, r->body);
  if (!done && done.error().code == AdapterErrc::not_found) {
    // Forgotten by slurmctld: already over, if it was ever ours.
    if (records_.find_job(*id) || read_small_file(exit_path(options_.output_dir, *id), 64)) {
      co_return AdapterResult<void>{};
    }
  }
  co_return done;
}

asio::awaitable<AdapterResult<LogChunk>> SlurmAdapter::logs(const std::string& remote_id,
                                                            int64_t offset, int64_t max_bytes) {
  const std::string rid = remote_id;
  const auto id = job_id_of(rid);
  if (!id) co_return adapter_fail(AdapterErrc::not_found, "slurm: no job " + rid.substr(0, 64));
  // Whether the job has ended, decided before reading so that eof is never early.
  std::vector<std::string> one{rid};
  auto st = co_await status(one);
  if (!st) co_return std::unexpected(st.error());
  const RemoteStatus& s = st->front();
  if (s.state == RemoteState::lost && s.reason == "unknown to site") {
    co_return adapter_fail(AdapterErrc::not_found, "slurm: no job " + rid);
  }
  const bool ended = is_final(s.state);
  co_return read_log_file(output_path(options_.output_dir, *id), log_window(offset, max_bytes),
                          ended);
}

asio::awaitable<AdapterResult<Health>> SlurmAdapter::health() {
  Health h;
  // Every health check learns again which versions the site serves.
  auto r = co_await agree();
  if (!r) {
    // Nothing in common is the site's configuration, not its health: the gateway refuses it.
    if (r.error().code == AdapterErrc::invalid_config) co_return std::unexpected(r.error());
    h.reachable = false;
    h.detail = r.error().message;
    co_return h;
  }
  h.rtt_ms = r->elapsed_ms;
  const auto api = api_;  // what agree() just set
  auto ok = api->parse_ping(r->status, r->body);
  h.reachable = ok.has_value();
  std::string via = "slurmrestd " + std::string(api->version());
  if (!release_.empty()) via += " (Slurm " + release_ + ")";
  h.detail = ok ? "slurmctld UP via " + via : ok.error().message + " [" + via + "]";
  co_return h;
}

// Each step names the setting a failure points at, in the site's own words.
asio::awaitable<AdapterResult<void>> SlurmAdapter::check_connection() {
  const auto blame = [](AdapterError e, std::string field) {
    if (e.field.empty()) e.field = std::move(field);
    return std::unexpected(std::move(e));
  };
  auto r = co_await agree();
  if (!r) {
    const bool address = r.error().code == AdapterErrc::unreachable ||
                         r.error().code == AdapterErrc::timeout ||
                         r.error().code == AdapterErrc::bad_response;
    co_return blame(r.error(), address ? "endpoint" : r.error().code == AdapterErrc::refused
                                                          ? "credentials.token"
                                                          : "");
  }
  const auto api = api_;
  if (auto up = api->parse_ping(r->status, r->body); !up) {
    // slurmrestd answers a ping with a bad token as DOWN, like a stopped slurmctld.
    co_return blame(up.error(), "credentials.token");
  }
  if (auto topo = co_await refresh_topology(); !topo) {
    co_return blame(topo.error(), topo.error().code == AdapterErrc::refused ? "credentials.token"
                                                                            : "endpoint");
  }
  if (std::none_of(partitions_.begin(), partitions_.end(),
                   [&](const SlurmPartition& p) { return p.name == options_.partition; })) {
    std::string names;
    for (const auto& p : partitions_) names += (names.empty() ? "" : ", ") + p.name;
    co_return adapter_fail_coded(AdapterErrc::invalid_config, "options.partition",
                                 "slurm: partition '" + options_.partition +
                                     "' does not exist at the site (it has: " + names + ")",
                                 "adapter.slurm.no_partition",
                                 {{"partition", options_.partition}, {"partitions", names}});
  }
  co_return AdapterResult<void>{};
}

AdapterResult<void> validate(const AdapterConfig& config) {
  auto options = parse_slurm_options(config);
  if (!options) return std::unexpected(options.error());
  return {};
}

AdapterResult<std::unique_ptr<SiteAdapter>> create(const AdapterConfig& config,
                                                   const AdapterContext& context) {
  auto options = parse_slurm_options(config);
  if (!options) return std::unexpected(options.error());
  if (!context.now) {
    return adapter_fail(AdapterErrc::internal, "slurm adapter needs a clock (context.now)");
  }
  if (context.work_dir.empty()) {
    return adapter_fail(AdapterErrc::internal, "slurm adapter needs a work_dir");
  }
  auto adapter = std::make_unique<SlurmAdapter>(std::move(*options), context);
  if (auto ok = adapter->init(); !ok) return std::unexpected(ok.error());
  return adapter;
}

}  // namespace

AdapterFactory factory() {
  return AdapterFactory{"slurm",
                        "a Slurm cluster through slurmrestd (JWT; OpenAPI v0.0.38, v0.0.40 to "
                        "v0.0.44, agreed with the site)",
                        &validate, &create};
}

}  // namespace suanwang::adapters::slurm
