// The local adapter beyond the shared contract: real processes, their output and exit codes,
// walltime and cancel by signal, and recovery by a new instance over the same work_dir.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "adapter_test_support.hpp"
#include "adapters/local/local_adapter.hpp"
#include "adapters/local/local_options.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::testing;

constexpr int kMaxPolls = 500;  // x 20 ms = 10 s

// One local site over a work_dir (owned by the test, so a second site can share it).
struct LocalSite {
  boost::asio::io_context io;
  std::filesystem::path work_dir;
  std::unique_ptr<SiteAdapter> adapter;

  explicit LocalSite(const std::filesystem::path& dir,
                     nlohmann::json options = {{"cpus", 2}, {"memory_gb", 2}})
      : work_dir(dir) {
    AdapterConfig config;
    config.type = "local";
    config.options = std::move(options);
    auto created = local::factory().create(
        config, AdapterContext{io.get_executor(), [] { return std::chrono::system_clock::now(); },
                               dir.string(), 0});
    REQUIRE(created);
    adapter = std::move(*created);
  }
  AdapterResult<SubmitResult> submit(const JobRequest& job) {
    return run_sync(io, adapter->submit(job));
  }
  RemoteStatus status(const std::string& id) { return status_one(io, *adapter, id); }
  RemoteStatus wait_final(const std::string& id) {
    return poll_status(
        io, *adapter, id, [](const RemoteStatus& s) { return is_final(s.state); }, short_sleep,
        kMaxPolls);
  }
  RemoteStatus wait_running(const std::string& id) {
    return poll_status(
        io, *adapter, id, [](const RemoteStatus& s) { return s.state != RemoteState::queued; },
        short_sleep, kMaxPolls);
  }
  Capacity capacity() {
    auto c = run_sync(io, adapter->capacity());
    REQUIRE(c);
    return *c;
  }
  std::string logs(const std::string& id) { return read_all_logs(io, *adapter, id); }
  std::filesystem::path dir_of(const std::string& key) const { return work_dir / key; }
};

// Owns the work_dir and kills whatever a failing test left running in it.
struct WorkDir {
  TempDir tmp;
  ~WorkDir() { kill_leftover_jobs(tmp.path()); }
  const std::filesystem::path& path() const { return tmp.path(); }
};

JobRequest command_job(const std::string& key, const std::string& command) {
  JobRequest j;
  j.key = key;
  j.command = command;
  j.memory_gb = 0.1;
  return j;
}

JobRequest script_job(const std::string& key, const std::string& script) {
  JobRequest j;
  j.key = key;
  j.script = script;
  j.memory_gb = 0.1;
  return j;
}

// Polls `ready` (driving the adapter with status calls, as the gateway would) for up to 10 s.
bool wait_until(LocalSite& site, const std::string& id, const std::function<bool()>& ready) {
  for (int i = 0; i < kMaxPolls; ++i) {
    if (ready()) return true;
    site.status(id);
    short_sleep();
  }
  return ready();
}

}  // namespace

TEST_CASE("local captures stdout and stderr together", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  REQUIRE(site.submit(command_job("job_out", "echo hello; echo err >&2")));
  const auto s = site.wait_final("job_out");
  CHECK(s.state == RemoteState::succeeded);
  CHECK(s.exit_code == 0);
  CHECK(site.logs("job_out") == "hello\nerr\n");
  CHECK(read_file(site.dir_of("job_out") / "exit_code") == "0\n");
}

TEST_CASE("local records a non-zero exit code as failed", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  REQUIRE(site.submit(command_job("job_exit3", "exit 3")));
  const auto s = site.wait_final("job_exit3");
  CHECK(s.state == RemoteState::failed);
  CHECK(s.exit_code == 3);
  CHECK(s.reason == "exit code 3");
  CHECK(s.finished_at);
}

TEST_CASE("local runs scripts with and without a shebang", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  REQUIRE(
      site.submit(script_job("job_shebang", "#!/bin/sh\necho from-script \"$SUANWANG_JOB_ID\"\n")));
  REQUIRE(site.submit(script_job("job_plain", "echo plain \"$0\"\n")));
  CHECK(site.wait_final("job_shebang").state == RemoteState::succeeded);
  CHECK(site.logs("job_shebang") == "from-script job_shebang\n");
  struct stat st {};
  REQUIRE(::stat((site.dir_of("job_shebang") / "job.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  CHECK(site.wait_final("job_plain").state == RemoteState::succeeded);
  CHECK_THAT(site.logs("job_plain"), Catch::Contains("job.sh"));
}

TEST_CASE("local jobs get a clean environment and their own directory", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  auto job = command_job("job_env",
                         "echo \"$PATH|$HOME|$SUANWANG_JOB_ID|$SUANWANG_JOB_DIR|$SEED|$(pwd)\"; "
                         "echo \"user=${USER:-unset}\"; read x; echo \"stdin=${x:-empty}\"");
  job.env = {{"SEED", "7"}, {"SUANWANG_JOB_ID", "spoofed"}};
  REQUIRE(site.submit(job));
  CHECK(site.wait_final("job_env").state == RemoteState::succeeded);
  const auto d = site.dir_of("job_env").string();
  CHECK(site.logs("job_env") == "/usr/local/bin:/usr/bin:/bin|" + d + "|job_env|" + d + "|7|" + d +
                                    "\nuser=unset\nstdin=empty\n");
}

TEST_CASE("local enforces walltime", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  auto job = command_job("job_walltime", "sleep 30");
  job.walltime_s = 1;
  REQUIRE(site.submit(job));
  const auto s = site.wait_final("job_walltime");
  CHECK(s.state == RemoteState::failed);
  CHECK(s.reason == "walltime exceeded");
  CHECK_FALSE(s.exit_code);
  REQUIRE(s.started_at);
  REQUIRE(s.finished_at);
  CHECK(*s.finished_at - *s.started_at >= std::chrono::seconds(1));
  CHECK(*s.finished_at - *s.started_at < std::chrono::seconds(5));
}

TEST_CASE("local cancel kills the whole process group", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  REQUIRE(site.submit(command_job("job_group", "sleep 30 & echo $! > child.pid; wait")));
  const auto child_file = site.dir_of("job_group") / "child.pid";
  REQUIRE(wait_until(site, "job_group", [&] { return read_file(child_file).ends_with("\n"); }));
  const pid_t child = static_cast<pid_t>(std::atol(read_file(child_file).c_str()));
  REQUIRE(child > 0);
  CHECK_FALSE(process_gone(child));
  REQUIRE(run_sync(site.io, site.adapter->cancel("job_group")));
  CHECK(site.wait_final("job_group").state == RemoteState::canceled);
  CHECK(wait_until(site, "job_group", [&] { return process_gone(child); }));
  CHECK(site.capacity().pools[0].cpus_free == 2);
}

TEST_CASE("local escalates to SIGKILL when a job ignores SIGTERM", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  // Ignored signals stay ignored across exec, so the sleep ignores SIGTERM too.
  REQUIRE(site.submit(
      command_job("job_stubborn", "trap '' TERM; sleep 30 & echo $! > child.pid; wait")));
  const auto child_file = site.dir_of("job_stubborn") / "child.pid";
  REQUIRE(wait_until(site, "job_stubborn", [&] { return read_file(child_file).ends_with("\n"); }));
  const pid_t child = static_cast<pid_t>(std::atol(read_file(child_file).c_str()));
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(run_sync(site.io, site.adapter->cancel("job_stubborn")));
  CHECK(site.wait_final("job_stubborn").state == RemoteState::canceled);
  REQUIRE(wait_until(site, "job_stubborn", [&] { return process_gone(child); }));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::seconds(3));
}

TEST_CASE("local queues jobs FIFO when cpus are busy", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());  // 2 cpus
  auto first = command_job("job_busy", "sleep 30");
  first.cpus = 2;
  REQUIRE(site.submit(first));
  REQUIRE(site.submit(command_job("job_next", "echo ran")));
  CHECK(site.status("job_busy").state == RemoteState::running);
  CHECK(site.status("job_next").state == RemoteState::queued);
  auto cap = site.capacity();
  CHECK(cap.pools[0].name == "local");
  CHECK(cap.pools[0].cpus_free == 0);
  CHECK(cap.pools[0].memory_gb_free == Approx(1.9).margin(0.01));
  CHECK(cap.running_jobs == 1);
  CHECK(cap.queued_jobs == 1);
  CHECK(cap.queued_work_core_s == Approx(3600));  // no runtime hint: the walltime bounds it
  CHECK(cap.est_queue_wait_s > 3000);             // until job_busy's walltime at worst
  // Queued output is empty and not final.
  auto early = run_sync(site.io, site.adapter->logs("job_next", 0, 100));
  REQUIRE(early);
  CHECK(early->data.empty());
  CHECK_FALSE(early->eof);

  REQUIRE(run_sync(site.io, site.adapter->cancel("job_busy")));
  CHECK(site.wait_final("job_next").state == RemoteState::succeeded);
  CHECK(site.logs("job_next") == "ran\n");
  cap = site.capacity();
  CHECK(cap.pools[0].cpus_free == 2);
  CHECK(cap.pools[0].memory_gb_free == 2);
}

TEST_CASE("local cancel of a queued job", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path(), {{"cpus", 1}, {"memory_gb", 1}});
  REQUIRE(site.submit(command_job("job_a", "sleep 30")));
  REQUIRE(site.submit(command_job("job_b", "echo never")));
  REQUIRE(run_sync(site.io, site.adapter->cancel("job_b")));
  CHECK(site.status("job_b").state == RemoteState::canceled);
  REQUIRE(run_sync(site.io, site.adapter->cancel("job_a")));
  CHECK(site.wait_final("job_a").state == RemoteState::canceled);
  CHECK(site.status("job_b").state == RemoteState::canceled);
  CHECK_FALSE(std::filesystem::exists(site.dir_of("job_b") / "output.log"));
  auto logs = run_sync(site.io, site.adapter->logs("job_b", 0, 100));
  REQUIRE(logs);
  CHECK(logs->eof);
}

TEST_CASE("local recovers finished jobs in a new instance", "[adapters][local]") {
  WorkDir dir;
  {
    LocalSite first(dir.path());
    REQUIRE(first.submit(command_job("job_done", "echo recovered; echo run >> runs.txt; exit 4")));
    CHECK(first.wait_final("job_done").state == RemoteState::failed);
  }
  LocalSite second(dir.path());
  const auto s = second.status("job_done");
  CHECK(s.state == RemoteState::failed);
  CHECK(s.exit_code == 4);
  CHECK(s.started_at);
  CHECK(s.finished_at);
  CHECK(second.logs("job_done") == "recovered\n");
  auto again =
      second.submit(command_job("job_done", "echo recovered; echo run >> runs.txt; exit 4"));
  REQUIRE(again);
  CHECK(again->already_existed);
  CHECK(again->remote_id == "job_done");
  second.capacity();
  second.status("job_done");
  CHECK(read_file(second.dir_of("job_done") / "runs.txt") == "run\n");
  CHECK(second.capacity().running_jobs == 0);
}

TEST_CASE("local recovers running and queued jobs in a new instance", "[adapters][local]") {
  WorkDir dir;
  const nlohmann::json one_cpu = {{"cpus", 1}, {"memory_gb", 1}};
  {
    LocalSite first(dir.path(), one_cpu);
    REQUIRE(first.submit(command_job("job_running", "sleep 30")));
    REQUIRE(first.submit(command_job("job_waiting", "echo waited")));
    CHECK(first.status("job_running").state == RemoteState::running);
    CHECK(first.status("job_waiting").state == RemoteState::queued);
  }  // the gateway "restarts": the job keeps running, unobserved
  LocalSite second(dir.path(), one_cpu);
  const auto running = second.status("job_running");
  CHECK(running.state == RemoteState::running);
  CHECK(running.started_at);
  CHECK(second.status("job_waiting").state == RemoteState::queued);
  CHECK(second.capacity().pools[0].cpus_free == 0);
  REQUIRE(run_sync(second.io, second.adapter->cancel("job_running")));
  CHECK(second.wait_final("job_running").state == RemoteState::canceled);
  CHECK(second.wait_final("job_waiting").state == RemoteState::succeeded);
  CHECK(second.logs("job_waiting") == "waited\n");
}

TEST_CASE("local starts a job once even with two instances over one work_dir",
          "[adapters][local]") {
  // What happens for a moment when the gateway rebuilds a site with new settings.
  WorkDir dir;
  const nlohmann::json one_cpu = {{"cpus", 1}, {"memory_gb", 1}};
  LocalSite a(dir.path(), one_cpu);
  REQUIRE(a.submit(command_job("job_hog", "sleep 30")));
  REQUIRE(a.submit(command_job("job_once", "echo once >> runs.txt")));
  LocalSite b(dir.path(), one_cpu);
  CHECK(b.status("job_hog").state == RemoteState::running);
  CHECK(b.status("job_once").state == RemoteState::queued);
  REQUIRE(run_sync(a.io, a.adapter->cancel("job_hog")));
  // Both instances poll; whichever sees the cpu free first starts the job, the other adopts it.
  RemoteStatus sa, sb;
  for (int i = 0; i < kMaxPolls; ++i) {
    sa = a.status("job_once");
    sb = b.status("job_once");
    if (is_final(sa.state) && is_final(sb.state)) break;
    short_sleep();
  }
  CHECK(sa.state == RemoteState::succeeded);
  CHECK(sb.state == RemoteState::succeeded);
  CHECK(read_file(a.dir_of("job_once") / "runs.txt") == "once\n");
  CHECK(a.capacity().pools[0].cpus_free == 1);
  CHECK(b.capacity().pools[0].cpus_free == 1);
}

TEST_CASE("local reports a start cut short by a gateway crash as lost and never restarts it",
          "[adapters][local]") {
  WorkDir dir;
  {
    LocalSite first(dir.path());
    REQUIRE(first.submit(command_job("job_cut", "echo ran >> runs.txt")));
    CHECK(first.wait_final("job_cut").state == RemoteState::succeeded);
  }
  // Rewind the job to the moment after its start was claimed but before the spawn.
  const auto job_dir = dir.path() / "job_cut";
  for (const char* f : {"pid", "exit_code", "output.log", "runs.txt"})
    std::filesystem::remove(job_dir / f);
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::minutes(5);
  std::filesystem::last_write_time(job_dir / "start.claim", old);
  LocalSite second(dir.path());
  const auto s = second.status("job_cut");
  CHECK(s.state == RemoteState::lost);
  CHECK_THAT(s.reason, Catch::Contains("not started again"));
  second.capacity();
  CHECK_FALSE(std::filesystem::exists(job_dir / "runs.txt"));
}

TEST_CASE("local exit codes land even when no adapter is watching", "[adapters][local]") {
  WorkDir dir;
  {
    LocalSite first(dir.path());
    REQUIRE(first.submit(command_job("job_late", "sleep 0.3; echo late; exit 5")));
  }
  // Wait for the wrapper's own record, with no adapter alive to observe the job.
  const auto exit_file = dir.path() / "job_late" / "exit_code";
  for (int i = 0; i < kMaxPolls && !std::filesystem::exists(exit_file); ++i) short_sleep();
  LocalSite second(dir.path());
  const auto s = second.wait_final("job_late");
  CHECK(s.state == RemoteState::failed);
  CHECK(s.exit_code == 5);
  CHECK(second.logs("job_late") == "late\n");
}

TEST_CASE("local reports a job whose process vanished as lost", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path());
  REQUIRE(site.submit(command_job("job_vanish", "sleep 30")));
  REQUIRE(site.status("job_vanish").state == RemoteState::running);
  // Kill it behind the adapter's back, wrapper included: no exit_code, no marker.
  const long pid = std::atol(read_file(site.dir_of("job_vanish") / "pid").c_str());
  REQUIRE(pid > 0);
  ::kill(static_cast<pid_t>(-pid), SIGKILL);
  const auto s = site.wait_final("job_vanish");
  CHECK(s.state == RemoteState::lost);
  CHECK(s.reason == "process vanished without an exit status");
}

TEST_CASE("local refuses what it cannot run", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path(), {{"cpus", 2}, {"memory_gb", 2}, {"max_walltime_s", 600}});
  auto image = command_job("job_image", "true");
  image.image = "registry.example/ml:2.3";
  auto r = site.submit(image);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == AdapterErrc::unsupported);

  auto gpu = command_job("job_gpu", "true");
  gpu.accelerators = AcceleratorRequest{"H100", 1};
  r = site.submit(gpu);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == AdapterErrc::refused);

  auto big = command_job("job_big", "true");
  big.cpus = 3;
  r = site.submit(big);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("cpus"));

  auto fat = command_job("job_fat", "true");
  fat.memory_gb = 2.5;
  CHECK_FALSE(site.submit(fat));

  auto slow = command_job("job_slow", "true");
  slow.walltime_s = 601;
  r = site.submit(slow);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("600"));

  for (const auto* key : {"../escape", "a/b", "", ".", "..", ".hidden", "-rf", "sp ace"}) {
    INFO(key);
    CHECK_FALSE(site.submit(command_job(key, "true")));
    CHECK(site.status(key).state == RemoteState::lost);
    CHECK_FALSE(run_sync(site.io, site.adapter->cancel(key)));
  }
  CHECK_FALSE(std::filesystem::exists(dir.path().parent_path() / "escape"));

  auto env = command_job("job_env_bad", "true");
  env.env = {{"A=B", "x"}};
  CHECK_FALSE(site.submit(env));

  // Nothing refused left a job behind.
  CHECK(std::filesystem::is_empty(dir.path()));
  const auto d = site.adapter->describe();
  CHECK(d.adapter == "local");
  CHECK_FALSE(d.supports_images);
  CHECK(d.max_walltime_s == 600);
}

TEST_CASE("local options are validated with the field named", "[adapters][local]") {
  const auto error_of = [](nlohmann::json options) {
    auto r = local::parse_local_options(options);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::invalid_config);
    return r.error().message;
  };
  CHECK(error_of({{"cpus", 0}}) == "options.cpus must be a positive integer");
  CHECK(error_of({{"cpus", "4"}}) == "options.cpus must be a positive integer");
  CHECK(error_of({{"memory_gb", -1}}) == "options.memory_gb must be a positive number");
  CHECK_THAT(error_of({{"max_walltime_s", 1.5}}), Catch::StartsWith("options.max_walltime_s"));
  CHECK_THAT(error_of({{"rtt_ms", "fast"}}), Catch::StartsWith("options.rtt_ms"));
  CHECK_THAT(error_of({{"gpus", 1}}), Catch::StartsWith("options.gpus is not a known option"));
  CHECK(local::parse_local_options(nlohmann::json::object()));
  CHECK(local::parse_local_options(nullptr));
  CHECK(local::parse_local_options({{"rtt_ms", 3}}));
}

TEST_CASE("local defaults to this machine's cpus and memory", "[adapters][local]") {
  WorkDir dir;
  LocalSite site(dir.path(), nlohmann::json::object());
  const auto cap = site.capacity();
  REQUIRE(cap.pools.size() == 1);
  CHECK(cap.pools[0].cpus_total ==
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  CHECK(cap.pools[0].memory_gb_total > 0.1);
  CHECK(cap.pools[0].memory_gb_free == cap.pools[0].memory_gb_total);
  auto h = run_sync(site.io, site.adapter->health());
  REQUIRE(h);
  CHECK(h->reachable);
  CHECK(h->rtt_ms == 0);
}
