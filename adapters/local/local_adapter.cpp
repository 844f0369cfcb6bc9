// SiteAdapter for this machine. The state of record is the job directories on disk (see
// job_dir.hpp); memory holds only the queue and the running set, both rebuilt from disk by a
// new instance. There is no timer: every call first advances the state (reaps, walltime
// kills, escalation to SIGKILL, starting queued jobs), and the gateway polls often enough.
//
// The calls do small synchronous file operations and posix_spawn on the caller's strand
// instead of hopping to a thread pool: each is well under a millisecond, and the adapter then
// never suspends, so a caller's timeout cannot abandon it half-way through a state change.
#include "adapters/local/local_adapter.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <thread>

#include "adapters/common/container.hpp"
#include "adapters/common/log_chunk.hpp"
#include "adapters/common/queue_forecast.hpp"
#include "adapters/common/resources.hpp"
#include "adapters/common/file_staging.hpp"
#include "adapters/local/job_dir.hpp"
#include "adapters/local/local_options.hpp"
#include "adapters/local/process.hpp"

namespace suanwang::adapters::local {
namespace {

namespace fs = std::filesystem;

// How long a job has to exit after SIGTERM before its process group gets SIGKILL.
constexpr auto kKillGrace = std::chrono::seconds(3);
// How long a claimed start may take to record its pid before the job counts as lost.
constexpr auto kStartGrace = std::chrono::seconds(30);

// Container jobs: the PATH podman is looked up on, and how long past the walltime conmon
// kills a container itself (a backstop for a gateway that is down when the walltime passes).
constexpr const char* kJobPath = "/usr/local/bin:/usr/bin:/bin";
constexpr int64_t kContainerTimeoutSlack_s = 30;

// Runs "podman $@" for a container job, after checking what a user needs to hear about in
// words: no podman, or no such image at this site (images are local; nothing is pulled). The
// reason goes to container_error, which the job's final status reports.
constexpr const char* kContainerLauncher =
    "image=$1; shift\n"
    "fail() { printf '%s\\n' \"$1\" > container_error; printf 'suanwang: %s\\n' \"$1\" >&2; "
    "exit 125; }\n"
    "command -v podman >/dev/null 2>&1 || fail 'podman is not installed at this site'\n"
    "podman image exists \"$image\" || fail \"image $image does not exist at this site "
    "(images are not pulled; the operator loads them)\"\n"
    "exec podman \"$@\"\n";

struct Site {
  int cpus = 1;
  double memory_gb = 1;
  int64_t max_walltime_s = 0;
  ContainerRuntime container_runtime = ContainerRuntime::none;
  std::string containers_conf;
};

// A job this instance is tracking: queued (no pid yet) or running.
struct ActiveJob {
  std::string key;
  uint64_t seq = 0;
  TimePoint submitted_at{};
  Demand demand;
  int64_t walltime_s = 0;
  std::optional<int64_t> expected_runtime_s;
  // Running only.
  PidRecord pid;
  TimePoint started_at{};
  bool spawned_here = false;  // a child of this instance: waitpid it on every call
  bool term_sent = false;     // a cancel or walltime kill is under way
};

struct PendingKill {
  pid_t pgid = 0;
  TimePoint term_at{};
  std::string container;  // the container of a container job: it lives outside the group
};

std::string env_entry(const std::string& name, const std::string& value) {
  return name + "=" + value;
}

bool has_nul(std::string_view s) {
  return s.find('\0') != std::string_view::npos;
}

std::string gb_text(double gb) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, gb);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

// Counts a job found already running. Unlike take(), the site may go below zero (its cpus
// were lowered since, or another instance started it): the process is real either way, and
// nothing new starts until enough of it is back.
void charge(FreeResources& free, const Demand& demand) {
  free.cpus -= demand.cpus;
  free.memory_mib -= demand.memory_mib;
}

// Seconds the job will hold its resources, as far as anyone can tell before it ends.
int64_t expected_hold_s(const ActiveJob& job) {
  return job.expected_runtime_s ? std::min(*job.expected_runtime_s, job.walltime_s)
                                : job.walltime_s;
}

std::optional<double> mem_total_gb() {
  auto text = read_small_file("/proc/meminfo", 1 << 16);
  if (!text) return std::nullopt;
  const auto pos = text->find("MemTotal:");
  if (pos == std::string::npos) return std::nullopt;
  const long long kb = std::atoll(text->c_str() + pos + std::strlen("MemTotal:"));
  if (kb <= 0) return std::nullopt;
  return static_cast<double>(kb) / (1024.0 * 1024.0);
}

class LocalAdapter final : public SiteAdapter {
 public:
  LocalAdapter(Site site, fs::path work_dir, std::function<TimePoint()> now)
      : site_(site), work_dir_(std::move(work_dir)), now_(std::move(now)) {
    total_.cpus = site.cpus;
    total_.memory_mib = gb_to_mib(site.memory_gb);
    free_ = total_;
  }

  // Rebuilds the queue and the running set from the job directories (a gateway restart).
  void recover();

  Description describe() const override {
    Description d;
    d.adapter = "local";
    d.supports_images = site_.container_runtime != ContainerRuntime::none;
    d.container_runtime = container_runtime_name(site_.container_runtime);
    d.supports_staging = true;
    d.supports_scripts = true;
    d.max_walltime_s = site_.max_walltime_s;
    return d;
  }

  // A job's directory is its working directory: inputs are copied in before the submit, and
  // outputs copied out of it after the job ended.
  boost::asio::awaitable<AdapterResult<TransferReport>> stage(
      const std::string& key, const std::vector<StageFile>& files) override {
    if (!is_valid_key(key)) co_return adapter_fail(AdapterErrc::refused, "local: bad job key");
    co_return stage_into(paths_of(key).dir, files);
  }
  boost::asio::awaitable<AdapterResult<Collection>> collect(
      const std::string& key, const std::vector<std::string>& globs,
      const std::string& into_dir) override {
    if (!is_valid_key(key)) co_return adapter_fail(AdapterErrc::refused, "local: bad job key");
    const JobPaths p = paths_of(key);
    const std::set<std::string> own = {
        p.job_json.filename(),  p.script.filename(),    p.claim.filename(),
        p.output.filename(),    p.pid.filename(),       p.exit_code.filename(),
        p.canceled.filename(),  p.walltime.filename(),  p.start_failed.filename(),
        p.ended_at.filename(),  p.container_env.filename(), p.container_error.filename()};
    co_return collect_from(p.dir, globs, into_dir, own);
  }

  boost::asio::awaitable<AdapterResult<Capacity>> capacity() override { co_return do_capacity(); }
  boost::asio::awaitable<AdapterResult<SubmitResult>> submit(const JobRequest& job) override {
    co_return do_submit(job);
  }
  boost::asio::awaitable<AdapterResult<std::vector<RemoteStatus>>> status(
      const std::vector<std::string>& remote_ids) override {
    advance();
    std::vector<RemoteStatus> out;
    out.reserve(remote_ids.size());
    for (const auto& id : remote_ids) out.push_back(status_of(id));
    co_return out;
  }
  boost::asio::awaitable<AdapterResult<void>> cancel(const std::string& remote_id) override {
    co_return do_cancel(remote_id);
  }
  boost::asio::awaitable<AdapterResult<LogChunk>> logs(const std::string& remote_id, int64_t offset,
                                                       int64_t max_bytes) override {
    co_return do_logs(remote_id, offset, max_bytes);
  }
  boost::asio::awaitable<AdapterResult<Health>> health() override {
    advance();
    Health h;
    h.rtt_ms = 0;
    h.reachable = ::access(work_dir_.c_str(), W_OK | X_OK) == 0;
    h.detail = h.reachable ? "this machine, jobs under " + work_dir_.string()
                           : "work_dir " + work_dir_.string() + " is not writable";
    if (site_.container_runtime == ContainerRuntime::podman) {
      h.detail += podman_on_path() ? "; containers: podman"
                                   : "; containers: podman is configured but not installed";
    }
    co_return h;
  }

 private:
  void advance();
  void start_queued();
  void start(ActiveJob job);
  void finish_running(std::map<std::string, ActiveJob>::iterator it);
  void kill_running(ActiveJob& job, const fs::path& marker);
  std::optional<std::string> container_of(const std::string& key, const JobRequest& job) const;
  void start_podman_command(std::vector<std::string> args);
  std::vector<std::string> podman_env() const;
  static bool podman_on_path();
  AdapterResult<Capacity> do_capacity();
  AdapterResult<SubmitResult> do_submit(const JobRequest& job);
  AdapterResult<void> do_cancel(const std::string& remote_id);
  AdapterResult<LogChunk> do_logs(const std::string& remote_id, int64_t offset, int64_t max_bytes);
  RemoteStatus status_of(const std::string& remote_id);
  RemoteStatus final_status(const std::string& key, const JobPaths& paths,
                            const JobRecord& record) const;
  std::optional<std::string> refusal(const JobRequest& job) const;
  AdapterResult<void> start_container(const ActiveJob& job, const JobRequest& request,
                                      const JobPaths& paths, SpawnRequest& spawn);
  JobPaths paths_of(const std::string& key) const { return JobPaths(work_dir_ / key); }
  std::deque<ActiveJob>::iterator find_queued(const std::string& key) {
    return std::find_if(queue_.begin(), queue_.end(), [&](const auto& j) { return j.key == key; });
  }
  bool is_queued(const std::string& key) const {
    return std::any_of(queue_.begin(), queue_.end(), [&](const auto& j) { return j.key == key; });
  }

  Site site_;
  fs::path work_dir_;
  std::function<TimePoint()> now_;
  FreeResources total_;
  FreeResources free_;
  std::deque<ActiveJob> queue_;               // FIFO
  std::map<std::string, ActiveJob> running_;  // by key
  std::vector<PendingKill> pending_kills_;
  std::vector<pid_t> helpers_;  // podman kill commands under way, reaped in advance()
  uint64_t next_seq_ = 1;
};

ActiveJob active_from(const std::string& key, const JobRecord& record) {
  ActiveJob job;
  job.key = key;
  job.seq = record.seq;
  job.submitted_at = record.submitted_at;
  job.demand = demand_of(record.request);
  job.walltime_s = record.request.walltime_s;
  job.expected_runtime_s = record.request.expected_runtime_s;
  return job;
}

void LocalAdapter::recover() {
  std::error_code ec;
  std::vector<ActiveJob> queued;
  const auto now = now_();
  for (fs::directory_iterator it(work_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string key = it->path().filename().string();
    if (!is_valid_key(key) || !it->is_directory(ec)) continue;
    const JobPaths paths(it->path());
    if (file_exists(paths.exit_code)) {
      // Ended: everything needed is on disk. If an earlier instance in this process spawned
      // it, its wrapper may be an unreaped zombie; process_alive reaps it.
      if (auto pid_text = read_small_file(paths.pid)) {
        if (auto pid = pid_from_text(*pid_text)) (void)process_alive(*pid);
      }
      continue;
    }
    auto text = read_small_file(paths.job_json);
    if (!text) continue;  // a submit that died before it committed: not a job
    auto record = record_from_text(*text);
    if (!record) continue;
    next_seq_ = std::max(next_seq_, record->seq + 1);
    if (auto pid_text = read_small_file(paths.pid)) {
      auto pid = pid_from_text(*pid_text);
      if (pid && process_alive(*pid)) {
        ActiveJob job = active_from(key, *record);
        job.pid = *pid;
        job.started_at = record->started_at.value_or(now);
        for (const auto* marker : {&paths.canceled, &paths.walltime}) {
          if (auto t = read_small_file(*marker)) {
            job.term_sent = true;
            pending_kills_.push_back({pid->pid, time_from_text(*t).value_or(now),
                                      container_of(key, record->request).value_or("")});
            break;
          }
        }
        charge(free_, job.demand);
        running_.emplace(key, std::move(job));
      } else if (!file_exists(paths.ended_at)) {
        (void)write_file_atomic(paths.ended_at, std::to_string(to_unix_ms(now)) + "\n");
      }
      continue;
    }
    if (file_exists(paths.claim) || file_exists(paths.canceled)) {
      continue;  // ended, or claimed by a start that left no pid: never start a job twice
    }
    queued.push_back(active_from(key, *record));
  }
  std::sort(queued.begin(), queued.end(), [](const ActiveJob& a, const ActiveJob& b) {
    return std::tie(a.submitted_at, a.seq, a.key) < std::tie(b.submitted_at, b.seq, b.key);
  });
  for (auto& job : queued) queue_.push_back(std::move(job));
}

void LocalAdapter::advance() {
  const auto now = now_();
  for (auto it = running_.begin(); it != running_.end();) {
    ActiveJob& job = it->second;
    if (job.spawned_here) reap_child(job.pid.pid);
    if (!process_alive(job.pid)) {
      auto next = std::next(it);
      finish_running(it);
      it = next;
      continue;
    }
    if (!job.term_sent && now >= job.started_at + bounded_seconds(job.walltime_s)) {
      kill_running(job, paths_of(job.key).walltime);
    }
    ++it;
  }
  // SIGKILL what ignored SIGTERM; the group may outlive its leader (background children).
  // A container outlives its podman client (conmon runs it), so it is killed by name too.
  std::erase_if(pending_kills_, [&](const PendingKill& k) {
    if (!group_exists(k.pgid) && k.container.empty()) return true;
    if (now - k.term_at < kKillGrace) return false;
    signal_group(k.pgid, SIGKILL);
    if (!k.container.empty()) start_podman_command({"kill", "--signal=KILL", k.container});
    return true;
  });
  std::erase_if(helpers_, [](pid_t pid) { return reap_child(pid); });
  start_queued();
}

void LocalAdapter::finish_running(std::map<std::string, ActiveJob>::iterator it) {
  const JobPaths paths = paths_of(it->first);
  // Killed jobs leave no exit_code; note when the end was seen so finished_at has a value.
  if (!file_exists(paths.exit_code) && !file_exists(paths.ended_at)) {
    (void)write_file_atomic(paths.ended_at, std::to_string(to_unix_ms(now_())) + "\n");
  }
  give(free_, it->second.demand);
  running_.erase(it);
}

void LocalAdapter::kill_running(ActiveJob& job, const fs::path& marker) {
  const auto now = now_();
  // The marker goes first: if the gateway dies right after the signal, the final state is
  // still known to be a kill rather than a vanished process.
  (void)write_file_atomic(marker, std::to_string(to_unix_ms(now)) + "\n");
  signal_group(job.pid.pid, SIGTERM);
  job.term_sent = true;
  std::string container;
  if (auto text = read_small_file(paths_of(job.key).job_json)) {
    if (auto record = record_from_text(*text)) {
      container = container_of(job.key, record->request).value_or("");
    }
  }
  // podman run passes the SIGTERM on to the container (catatonit hands it to the job); this
  // reaches it even when the client is gone.
  if (!container.empty()) start_podman_command({"kill", "--signal=TERM", container});
  pending_kills_.push_back({job.pid.pid, now, container});
}

std::optional<std::string> LocalAdapter::container_of(const std::string& key,
                                                      const JobRequest& job) const {
  if (job.image.empty()) return std::nullopt;
  return container_name(key, paths_of(key).dir.string());
}

std::vector<std::string> LocalAdapter::podman_env() const {
  std::vector<std::string> env = {env_entry("PATH", kJobPath)};
  if (!site_.containers_conf.empty()) {
    env.push_back(env_entry("CONTAINERS_CONF", site_.containers_conf));
  }
  return env;
}

void LocalAdapter::start_podman_command(std::vector<std::string> args) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec podman \"$@\"", "suanwang-podman"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (auto pid = spawn_helper(argv, podman_env())) helpers_.push_back(*pid);
}

bool LocalAdapter::podman_on_path() {
  std::string_view path = kJobPath;
  while (!path.empty()) {
    const auto colon = path.find(':');
    const std::string dir(path.substr(0, colon));
    if (::access((dir + "/podman").c_str(), X_OK) == 0) return true;
    path = colon == std::string_view::npos ? std::string_view() : path.substr(colon + 1);
  }
  return false;
}

void LocalAdapter::start_queued() {
  // Strict FIFO, like the sim: a large job at the head is not overtaken by small ones.
  while (!queue_.empty() && fits(free_, queue_.front().demand)) {
    ActiveJob job = std::move(queue_.front());
    queue_.pop_front();
    start(std::move(job));
  }
}

// The environment a job sees, on the machine or in its container: a clean one, not the
// gateway's.
std::map<std::string, std::string> job_env(const std::string& key, const JobRequest& request,
                                           const JobPaths& paths) {
  std::map<std::string, std::string> env = {{"PATH", kJobPath}, {"HOME", paths.dir.string()}};
  for (const auto& [name, value] : request.env) env[name] = value;
  env["SUANWANG_JOB_ID"] = key;  // after the job's env: these always tell the truth
  env["SUANWANG_JOB_DIR"] = paths.dir.string();
  return env;
}

// A container job runs `podman run` under the launcher; the job's environment goes in a 0600
// env file rather than on a command line anyone on the machine can read.
AdapterResult<void> LocalAdapter::start_container(const ActiveJob& job, const JobRequest& request,
                                                  const JobPaths& paths, SpawnRequest& spawn) {
  auto env = job_env(job.key, request, paths);
  env.erase("PATH");  // the image's own PATH, unless the job set one
  if (auto it = request.env.find("PATH"); it != request.env.end()) env["PATH"] = it->second;
  std::vector<std::pair<std::string, std::string>> lines(env.begin(), env.end());
  if (auto ok = write_file_atomic(paths.container_env, podman_env_file(lines), 0600); !ok) {
    return ok;
  }
  PodmanRun run;
  run.image = request.image;
  run.name = container_name(job.key, paths.dir.string());
  run.job_dir = paths.dir.string();
  run.env_file = paths.container_env.string();
  run.cpus = request.cpus;
  run.memory_mib = request.memory_gb > 0 ? gb_to_mib(request.memory_gb) : 0;
  run.timeout_s = request.walltime_s + kContainerTimeoutSlack_s;
  run.command = container_command(request, paths.script.string());
  spawn.argv = {"/bin/sh", "-c", kContainerLauncher, "suanwang-container", request.image};
  for (auto& a : podman_run_args(run)) spawn.argv.push_back(std::move(a));
  spawn.env = podman_env();
  spawn.env.push_back(env_entry("HOME", paths.dir.string()));
  return {};
}

void LocalAdapter::start(ActiveJob job) {
  const JobPaths paths = paths_of(job.key);
  const auto fail = [&](const std::string& why) {
    (void)write_file_atomic(paths.start_failed, why + "\n");
  };
  auto text = read_small_file(paths.job_json);
  auto record =
      text ? record_from_text(*text)
           : AdapterResult<JobRecord>(adapter_fail(AdapterErrc::internal, "job.json is gone"));
  if (!record) return fail(record.error().message);
  // Another adapter instance over this work_dir may have cancelled or started it already.
  if (file_exists(paths.canceled)) return;
  // The claim comes before the spawn: a gateway dying in between leaves a claimed job without
  // a pid, reported lost rather than started a second time.
  auto claimed = create_exclusive(paths.claim, std::to_string(::getpid()) + "\n");
  if (!claimed) return fail(claimed.error().message);
  if (!*claimed) return;
  record->started_at = now_();
  if (auto ok = write_file_atomic(paths.job_json, record_to_text(*record)); !ok) {
    return fail(ok.error().message);
  }
  const JobRequest& request = record->request;
  SpawnRequest spawn;
  spawn.dir = paths.dir;
  spawn.output = paths.output;
  if (!request.image.empty()) {
    if (auto ok = start_container(job, request, paths, spawn); !ok) return fail(ok.error().message);
  } else if (!request.script.empty()) {
    if (request.script.starts_with("#!")) {
      spawn.argv = {paths.script.string()};
    } else {
      spawn.argv = {"/bin/sh", paths.script.string()};
    }
  } else {
    spawn.argv = {"/bin/sh", "-c", request.command};
  }
  if (request.image.empty()) {
    for (const auto& [name, value] : job_env(job.key, request, paths)) {
      spawn.env.push_back(env_entry(name, value));
    }
  }

  auto pid = spawn_job(spawn);
  if (!pid) return fail("could not start: " + pid.error().message);
  (void)write_file_atomic(paths.pid, pid_to_text(*pid));
  job.pid = *pid;
  job.started_at = *record->started_at;
  job.spawned_here = true;
  take(free_, job.demand);
  running_.emplace(job.key, std::move(job));
}

std::optional<std::string> LocalAdapter::refusal(const JobRequest& job) const {
  if (job.command.empty() == job.script.empty()) {
    return "a job needs exactly one of command or script";
  }
  if (has_nul(job.command) || has_nul(job.script)) return "command and script must not contain NUL";
  for (const auto& [name, value] : job.env) {
    if (name.empty() || name.find('=') != std::string::npos || has_nul(name) || has_nul(value)) {
      return "env name '" + name + "' is not a valid variable name";
    }
  }
  if (!job.image.empty()) {
    if (auto why = image_refusal(job.image)) return why;
    if (auto why = env_file_refusal(job.env)) return why;
    if (work_dir_.string().find(',') != std::string::npos) {
      return "this site's work_dir holds a ',', which a container mount cannot name";
    }
  }
  if (job.cpus < 1) return "cpus must be at least 1";
  if (!std::isfinite(job.memory_gb) || job.memory_gb < 0) return "memory_gb must be >= 0";
  if (job.walltime_s < 1) return "walltime_s must be at least 1";
  if (job.accelerators && job.accelerators->count > 0) {
    return "this site has no accelerators (asked for " + std::to_string(job.accelerators->count) +
           " x " + job.accelerators->model + ")";
  }
  if (job.cpus > total_.cpus) {
    return "asks for " + std::to_string(job.cpus) + " cpus; this site has " +
           std::to_string(total_.cpus);
  }
  if (gb_to_mib(job.memory_gb) > total_.memory_mib) {
    return "asks for " + gb_text(job.memory_gb) + " GB memory; this site has " +
           gb_text(site_.memory_gb);
  }
  if (site_.max_walltime_s > 0 && job.walltime_s > site_.max_walltime_s) {
    return "walltime_s exceeds this site's limit of " + std::to_string(site_.max_walltime_s) + " s";
  }
  return std::nullopt;
}

AdapterResult<SubmitResult> LocalAdapter::do_submit(const JobRequest& job) {
  advance();
  if (!is_valid_key(job.key)) {
    return adapter_fail(AdapterErrc::refused,
                        "local: job key '" + job.key + "' is not usable as a directory name");
  }
  const JobPaths paths = paths_of(job.key);
  if (file_exists(paths.job_json)) return SubmitResult{job.key, true};
  if (!job.image.empty() && site_.container_runtime == ContainerRuntime::none) {
    return adapter_fail(AdapterErrc::unsupported,
                        "local: this site cannot run container images (no container_runtime)");
  }
  if (auto why = refusal(job)) return adapter_fail(AdapterErrc::refused, "local: " + *why);

  std::error_code ec;
  fs::create_directories(paths.dir, ec);
  if (ec) {
    return adapter_fail(AdapterErrc::internal,
                        "local: cannot create " + paths.dir.string() + ": " + ec.message());
  }
  if (!job.script.empty()) {
    if (auto ok = write_file_atomic(paths.script, job.script, 0700); !ok) {
      return std::unexpected(ok.error());
    }
  }
  JobRecord record;
  record.request = job;
  record.seq = next_seq_++;
  record.submitted_at = now_();
  // job.json is written last: its existence is what makes the submit count (idempotency).
  if (auto ok = write_file_atomic(paths.job_json, record_to_text(record)); !ok) {
    return std::unexpected(ok.error());
  }
  queue_.push_back(active_from(job.key, record));
  start_queued();
  return SubmitResult{job.key, false};
}

RemoteStatus LocalAdapter::status_of(const std::string& remote_id) {
  RemoteStatus s;
  s.remote_id = remote_id;
  if (auto it = running_.find(remote_id); it != running_.end()) {
    s.state = RemoteState::running;
    s.started_at = it->second.started_at;
    s.reason = it->second.term_sent ? "stopping (signalled)"
                                    : "running as pid " + std::to_string(it->second.pid.pid);
    return s;
  }
  if (is_queued(remote_id)) {
    s.state = RemoteState::queued;
    s.reason = "waiting for free cpus or memory";
    return s;
  }
  s.state = RemoteState::lost;
  s.reason = "unknown to site";
  if (!is_valid_key(remote_id)) return s;
  const JobPaths paths = paths_of(remote_id);
  auto text = read_small_file(paths.job_json);
  if (!text) return s;
  auto record = record_from_text(*text);
  if (!record) {
    s.reason = "unreadable job record: " + record.error().message;
    return s;
  }
  // A live process this instance does not track was started by another instance over the
  // same work_dir (a site rebuilt with new settings): adopt it, resources and all.
  if (auto pid_text = read_small_file(paths.pid); pid_text && !file_exists(paths.exit_code)) {
    if (auto pid = pid_from_text(*pid_text); pid && process_alive(*pid)) {
      ActiveJob job = active_from(remote_id, *record);
      job.pid = *pid;
      job.started_at = record->started_at.value_or(now_());
      job.term_sent = file_exists(paths.canceled) || file_exists(paths.walltime);
      charge(free_, job.demand);
      running_.emplace(remote_id, std::move(job));
      return status_of(remote_id);
    }
  }
  return final_status(remote_id, paths, *record);
}

RemoteStatus LocalAdapter::final_status(const std::string& key, const JobPaths& paths,
                                        const JobRecord& record) const {
  RemoteStatus s;
  s.remote_id = key;
  s.started_at = record.started_at;
  const auto ended = [&](const fs::path& marker) -> std::optional<TimePoint> {
    if (auto t = read_small_file(paths.ended_at)) {
      if (auto at = time_from_text(*t)) return at;
    }
    if (auto t = read_small_file(marker)) return time_from_text(*t);
    return std::nullopt;
  };
  // A file's mtime comes from the kernel's coarse clock, which may lag the clock that stamped
  // started_at by a tick: a job of a few milliseconds would seem to end before it started.
  const auto written_at = [&](const fs::path& file) -> std::optional<TimePoint> {
    auto t = file_mtime(file);
    if (t && record.started_at && *t < *record.started_at) t = record.started_at;
    return t;
  };
  // An exit_code means the job ran to its end on its own, even if a kill raced it.
  if (auto text = read_small_file(paths.exit_code, 64)) {
    s.finished_at = written_at(paths.exit_code);
    const int code = std::atoi(text->c_str());
    s.exit_code = code;
    s.state = code == 0 ? RemoteState::succeeded : RemoteState::failed;
    s.reason = "exit code " + std::to_string(code);
    if (auto why = read_small_file(paths.container_error, 4096); why && code != 0) {
      s.reason = "the container did not start: " + *why;
      while (!s.reason.empty() && s.reason.back() == '\n') s.reason.pop_back();
    }
    return s;
  }
  if (file_exists(paths.canceled)) {
    s.state = RemoteState::canceled;
    s.reason = "canceled";
    s.finished_at = ended(paths.canceled);
    return s;
  }
  if (file_exists(paths.walltime)) {
    s.state = RemoteState::failed;
    s.reason = "walltime exceeded";
    s.finished_at = ended(paths.walltime);
    return s;
  }
  if (auto why = read_small_file(paths.start_failed, 4096)) {
    s.state = RemoteState::failed;
    s.reason = *why;
    while (!s.reason.empty() && s.reason.back() == '\n') s.reason.pop_back();
    s.finished_at = written_at(paths.start_failed);
    return s;
  }
  if (file_exists(paths.claim) && !file_exists(paths.pid)) {
    // Claimed but no pid yet: another instance is between claim and spawn, or a gateway died
    // there. Only the latter is lost, and only once the start is clearly over.
    const auto claimed_at = file_mtime(paths.claim);
    if (claimed_at && now_() - *claimed_at < kStartGrace) {
      // Not running yet: as queued, a job whose start then dies with the gateway is placed
      // again (it never ran) instead of failing as a running job that vanished.
      s.state = RemoteState::queued;
      s.reason = "starting";
      return s;
    }
    s.state = RemoteState::lost;
    s.reason = "the gateway stopped while starting the job; it was not started again";
    s.finished_at = claimed_at;
    return s;
  }
  s.state = RemoteState::lost;
  s.reason = "process vanished without an exit status";
  s.finished_at = ended(paths.ended_at);
  return s;
}

AdapterResult<void> LocalAdapter::do_cancel(const std::string& remote_id) {
  advance();
  if (auto it = find_queued(remote_id); it != queue_.end()) {
    const JobPaths paths = paths_of(remote_id);
    if (auto ok = write_file_atomic(paths.canceled, std::to_string(to_unix_ms(now_())) + "\n");
        !ok) {
      return std::unexpected(ok.error());
    }
    queue_.erase(it);
    start_queued();  // it may have been the head holding others back
    return {};
  }
  if (auto it = running_.find(remote_id); it != running_.end()) {
    // A second cancel, or a cancel during a walltime kill, changes nothing.
    if (!it->second.term_sent) kill_running(it->second, paths_of(remote_id).canceled);
    return {};
  }
  if (!is_valid_key(remote_id) || !file_exists(paths_of(remote_id).job_json)) {
    return adapter_fail(AdapterErrc::not_found, "local: no job " + remote_id);
  }
  return {};  // already ended: nothing to do
}

AdapterResult<LogChunk> LocalAdapter::do_logs(const std::string& remote_id, int64_t offset,
                                              int64_t max_bytes) {
  advance();
  if (!is_valid_key(remote_id) || !file_exists(paths_of(remote_id).job_json)) {
    return adapter_fail(AdapterErrc::not_found, "local: no job " + remote_id);
  }
  // Decided before reading, so a job that ends meanwhile is not marked eof too early.
  const bool ended = !running_.contains(remote_id) && !is_queued(remote_id);
  return read_log_file(paths_of(remote_id).output.string(), log_window(offset, max_bytes), ended);
}

AdapterResult<Capacity> LocalAdapter::do_capacity() {
  advance();
  const auto now = now_();
  Capacity cap;
  cap.observed_at = now;
  PoolCapacity pool;
  pool.name = "local";
  pool.cpus_total = total_.cpus;
  pool.cpus_free = std::max(0, free_.cpus);
  pool.memory_gb_total = site_.memory_gb;
  pool.memory_gb_free =
      std::max(0.0, site_.memory_gb - mib_to_gb(total_.memory_mib - free_.memory_mib));
  pool.max_walltime_s = site_.max_walltime_s;
  cap.pools.push_back(std::move(pool));
  cap.running_jobs = static_cast<int>(running_.size());
  cap.queued_jobs = static_cast<int>(queue_.size());
  std::vector<RunningWork> running;
  for (const auto& [key, job] : running_) {
    running.push_back({job.started_at + bounded_seconds(expected_hold_s(job)), job.demand});
  }
  std::vector<QueuedWork> queued;
  for (const auto& job : queue_) {
    cap.queued_work_core_s += job.demand.cpus * static_cast<double>(expected_hold_s(job));
    queued.push_back({job.demand, bounded_seconds(expected_hold_s(job))});
  }
  // Real jobs rarely say how long they run, so this leans on walltimes: an upper bound.
  if (auto start =
          forecast_fifo_start(free_, std::move(running), queued, Demand{1, 0, {}, 0}, now)) {
    cap.est_queue_wait_s = std::chrono::duration<double>(*start - now).count();
  }
  return cap;
}

AdapterResult<void> validate(const AdapterConfig& config) {
  auto options = parse_local_options(config.options);
  if (!options) return std::unexpected(options.error());
  return {};
}

AdapterResult<std::unique_ptr<SiteAdapter>> create(const AdapterConfig& config,
                                                   const AdapterContext& context) {
  auto options = parse_local_options(config.options);
  if (!options) return std::unexpected(options.error());
  if (!context.now) {
    return adapter_fail(AdapterErrc::internal, "local adapter needs a clock (context.now)");
  }
  if (context.work_dir.empty()) {
    return adapter_fail(AdapterErrc::internal, "local adapter needs a work_dir");
  }
  Site site;
  site.cpus =
      options->cpus.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (options->memory_gb) {
    site.memory_gb = *options->memory_gb;
  } else if (auto mem = mem_total_gb()) {
    site.memory_gb = *mem;
  } else {
    return adapter_fail_coded(AdapterErrc::internal, "options.memory_gb",
                              "cannot read MemTotal from /proc/meminfo; set options.memory_gb",
                              "adapter.local.no_memtotal", {});
  }
  site.max_walltime_s = options->max_walltime_s;
  site.container_runtime = options->container_runtime;
  site.containers_conf = options->containers_conf;
  std::error_code ec;
  fs::create_directories(context.work_dir, ec);
  if (ec) {
    return adapter_fail_coded(AdapterErrc::internal, "",
                              "cannot create work_dir " + context.work_dir + ": " + ec.message(),
                              "adapter.local.work_dir",
                              {{"dir", context.work_dir}, {"error", ec.message()}});
  }
  auto work_dir = fs::absolute(context.work_dir, ec);
  if (ec) work_dir = context.work_dir;
  auto adapter = std::make_unique<LocalAdapter>(site, work_dir, context.now);
  adapter->recover();
  return adapter;
}

}  // namespace

AdapterFactory factory() {
  return AdapterFactory{"local", "this machine as a site: jobs run as child processes", &validate,
                        &create};
}

}  // namespace suanwang::adapters::local
