// The sim adapter beyond the shared contract: queue discipline and start times on a manual
// clock, capacity accounting, seeded refusals and losses, pool matching, walltime.
#include <catch2/catch.hpp>

#include <set>

#include "adapter_test_support.hpp"
#include "adapters/sim/sim_adapter.hpp"
#include "adapters/sim/sim_options.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::testing;
using std::chrono::seconds;

// One sim site on a manual clock, with shorthands for its calls.
struct SimSite {
  ManualTestClock clock;
  boost::asio::io_context io;
  std::unique_ptr<SiteAdapter> adapter;

  explicit SimSite(nlohmann::json options, uint64_t seed = 1) {
    AdapterConfig config;
    config.type = "sim";
    config.options = std::move(options);
    auto created =
        sim::factory().create(config, AdapterContext{io.get_executor(), clock.fn(), "", seed});
    REQUIRE(created);
    adapter = std::move(*created);
  }
  TimePoint t0() const { return ManualTestClock().now(); }
  AdapterResult<SubmitResult> submit(const JobRequest& job) {
    return run_sync(io, adapter->submit(job));
  }
  RemoteStatus status(const std::string& id) { return status_one(io, *adapter, id); }
  Capacity capacity() {
    auto c = run_sync(io, adapter->capacity());
    REQUIRE(c);
    return *c;
  }
  void advance(seconds s) { clock.advance(s); }
};

JobRequest job(const std::string& key, int cpus, std::optional<int64_t> runtime_s,
               double memory_gb = 1) {
  JobRequest j;
  j.key = key;
  j.command = "run";
  j.cpus = cpus;
  j.memory_gb = memory_gb;
  j.expected_runtime_s = runtime_s;
  return j;
}

nlohmann::json one_pool(int cpus, double memory_gb = 64) {
  return {{"pools", {{{"name", "main"}, {"cpus", cpus}, {"memory_gb", memory_gb}}}}};
}

std::string id_of(const AdapterResult<SubmitResult>& r) {
  REQUIRE(r);
  return r->remote_id;
}

}  // namespace

TEST_CASE("sim runs queued jobs FIFO and starts them when resources free", "[adapters][sim]") {
  SimSite site(one_pool(4));
  const auto t0 = site.clock.now();
  const auto a = id_of(site.submit(job("a", 4, 10)));
  const auto b = id_of(site.submit(job("b", 2, 5)));
  const auto c = id_of(site.submit(job("c", 2, 5)));
  const auto d = id_of(site.submit(job("d", 1, 1)));
  CHECK(a == "sim-1");
  CHECK(d == "sim-4");
  CHECK(site.status(a).state == RemoteState::running);
  CHECK(site.status(b).state == RemoteState::queued);
  CHECK(site.capacity().queued_jobs == 3);

  // One jump far past every event: the model replays them in time order, so start times are
  // the moments resources freed, not the time of this call.
  site.advance(seconds(100));
  const auto sa = site.status(a), sb = site.status(b), sc = site.status(c), sd = site.status(d);
  CHECK(sa.state == RemoteState::succeeded);
  CHECK(*sa.started_at == t0);
  CHECK(*sa.finished_at == t0 + seconds(10));
  CHECK(*sb.started_at == t0 + seconds(10));
  CHECK(*sc.started_at == t0 + seconds(10));
  CHECK(*sb.finished_at == t0 + seconds(15));
  CHECK(*sd.started_at == t0 + seconds(15));
  CHECK(*sd.finished_at == t0 + seconds(16));
  CHECK(sd.state == RemoteState::succeeded);
}

TEST_CASE("sim does not let small jobs overtake the head of the queue", "[adapters][sim]") {
  SimSite site(one_pool(4));
  const auto t0 = site.clock.now();
  const auto a = id_of(site.submit(job("a", 3, 10)));
  const auto big = id_of(site.submit(job("big", 4, 10)));
  const auto small = id_of(site.submit(job("small", 1, 1)));
  site.advance(seconds(1));
  CHECK(site.status(small).state == RemoteState::queued);  // 1 cpu is free, but big is first
  site.advance(seconds(100));
  CHECK(*site.status(big).started_at == t0 + seconds(10));
  CHECK(*site.status(small).started_at == t0 + seconds(20));
  CHECK(site.status(a).state == RemoteState::succeeded);

  SECTION("cancelling the head lets the next start at once") {
    SimSite s2(one_pool(4));
    const auto t = s2.clock.now();
    s2.submit(job("a", 3, 10));
    const auto head = id_of(s2.submit(job("big", 4, 10)));
    const auto next = id_of(s2.submit(job("small", 1, 1)));
    s2.advance(seconds(2));
    REQUIRE(run_sync(s2.io, s2.adapter->cancel(head)));
    CHECK(s2.status(head).state == RemoteState::canceled);
    CHECK(*s2.status(next).started_at == t + seconds(2));
  }
}

TEST_CASE("sim capacity counts drop while jobs run and return after", "[adapters][sim]") {
  SimSite site(nlohmann::json{{"pools",
                               {{{"name", "gpu"},
                                 {"cpus", 16},
                                 {"memory_gb", 128},
                                 {"accelerators", {{"H100", 8}}},
                                 {"max_walltime_s", 86400}}}}});
  auto gpu = job("g", 4, 100, 32);
  gpu.accelerators = AcceleratorRequest{"H100", 2};
  REQUIRE(site.submit(gpu));
  auto cap = site.capacity();
  REQUIRE(cap.pools.size() == 1);
  const auto& p = cap.pools[0];
  CHECK(p.name == "gpu");
  CHECK(p.cpus_total == 16);
  CHECK(p.cpus_free == 12);
  CHECK(p.memory_gb_total == 128);
  CHECK(p.memory_gb_free == Approx(96));
  CHECK(p.accelerators.at("H100").total == 8);
  CHECK(p.accelerators.at("H100").free == 6);
  CHECK(p.max_walltime_s == 86400);
  CHECK(cap.running_jobs == 1);
  CHECK(cap.observed_at == site.clock.now());

  // Fill the pool, then queue one more: the wait estimate is when the running work ends.
  REQUIRE(site.submit(job("fill", 12, 50)));
  REQUIRE(site.submit(job("waits", 2, 30)));
  cap = site.capacity();
  CHECK(cap.pools[0].cpus_free == 0);
  CHECK(cap.queued_jobs == 1);
  CHECK(cap.queued_work_core_s == Approx(2 * 30));
  CHECK(cap.est_queue_wait_s == Approx(50));
  // The same figures for the pool itself (the pool a new job would queue behind).
  CHECK(cap.pools[0].queued_jobs == 1);
  CHECK(cap.pools[0].queued_work_core_s == Approx(2 * 30));
  CHECK(cap.pools[0].est_queue_wait_s == Approx(50));

  site.advance(seconds(1000));
  cap = site.capacity();
  CHECK(cap.pools[0].cpus_free == 16);
  CHECK(cap.pools[0].memory_gb_free == 128);
  CHECK(cap.pools[0].accelerators.at("H100").free == 8);
  CHECK(cap.running_jobs == 0);
  CHECK(cap.queued_jobs == 0);
  CHECK(cap.est_queue_wait_s == 0);
  CHECK(cap.pools[0].queued_jobs == 0);
  CHECK(cap.pools[0].est_queue_wait_s == 0);
}

TEST_CASE("sim reports each pool's queue: a head-of-line job blocks its pool only",
          "[adapters][sim]") {
  SimSite site(nlohmann::json{
      {"pools",
       {{{"name", "cpu"}, {"cpus", 8}, {"memory_gb", 64}},
        {{"name", "gpu"}, {"cpus", 16}, {"memory_gb", 128}, {"accelerators", {{"H100", 8}}}}}}});
  auto big = job("big", 8, 100, 32);
  big.accelerators = AcceleratorRequest{"H100", 6};
  auto head = job("head", 8, 50, 32);
  head.accelerators = AcceleratorRequest{"H100", 4};
  REQUIRE(site.submit(big));
  REQUIRE(site.submit(head));  // 2 H100 free, but it needs 4: it waits at the head
  const auto cap = site.capacity();
  REQUIRE(cap.pools.size() == 2);
  CHECK(cap.queued_jobs == 1);
  CHECK(cap.pools[0].queued_jobs == 0);
  CHECK(cap.pools[0].est_queue_wait_s == 0);
  CHECK(cap.pools[1].queued_jobs == 1);
  CHECK(cap.pools[1].queued_work_core_s == Approx(8 * 50));
  // A small job appended now waits until the head has started (FIFO, no backfill), although
  // the pool has free CPUs and accelerators.
  CHECK(cap.pools[1].cpus_free == 8);
  CHECK(cap.pools[1].est_queue_wait_s == Approx(100));
  CHECK(cap.est_queue_wait_s == 0);  // the site's figure: the best pool, the idle CPU pool
}

TEST_CASE("sim seeded refusals are deterministic and match the rate", "[adapters][sim]") {
  const auto options = [] {
    auto o = one_pool(1'000'000, 1e9);
    o["failure_rate"] = 0.3;
    return o;
  }();
  const auto refusals = [&](uint64_t seed) {
    SimSite site(options, seed);
    std::vector<bool> refused;
    for (int i = 0; i < 1000; ++i) {
      auto r = site.submit(job("job_" + std::to_string(i), 1, 10));
      if (!r) {
        CHECK(r.error().code == AdapterErrc::refused);
        CHECK_THAT(r.error().message, Catch::Contains("seeded refusal"));
      }
      refused.push_back(!r);
    }
    return refused;
  };
  const auto first = refusals(7);
  CHECK(first == refusals(7));
  CHECK(first != refusals(8));
  const auto n = std::count(first.begin(), first.end(), true);
  CHECK(n > 250);
  CHECK(n < 350);
}

TEST_CASE("sim failure_rate 0 never refuses and 1 always does", "[adapters][sim]") {
  auto always = one_pool(8);
  always["failure_rate"] = 1;
  SimSite refusing(always);
  for (int i = 0; i < 20; ++i) CHECK_FALSE(refusing.submit(job("r" + std::to_string(i), 1, 1)));
  SimSite accepting(one_pool(8));
  for (int i = 0; i < 20; ++i) CHECK(accepting.submit(job("a" + std::to_string(i), 1, 1)));
}

TEST_CASE("sim places jobs in the first pool that can ever fit them", "[adapters][sim]") {
  SimSite site(nlohmann::json{
      {"pools",
       {{{"name", "cpu"}, {"cpus", 64}, {"memory_gb", 256}, {"max_walltime_s", 3600}},
        {{"name", "gpu"}, {"cpus", 32}, {"memory_gb", 512}, {"accelerators", {{"H100", 8}}}},
        {{"name", "npu"},
         {"cpus", 32},
         {"memory_gb", 512},
         {"accelerators", {{"Ascend910B", 16}, {"HygonDCU", 0}}}}}}});
  const auto pool_of = [&](const std::string& id) { return site.status(id).reason; };

  auto npu = job("npu", 2, 100);
  npu.accelerators = AcceleratorRequest{"Ascend910B", 8};
  CHECK(pool_of(id_of(site.submit(npu))) == "running on pool npu");

  auto gpu = job("gpu", 2, 100);
  gpu.accelerators = AcceleratorRequest{"H100", 1};
  CHECK(pool_of(id_of(site.submit(gpu))) == "running on pool gpu");

  // The cpu pool caps walltime at an hour; a longer job goes to the next pool that fits.
  auto long_cpu = job("long", 2, 100);
  long_cpu.walltime_s = 7200;
  CHECK(pool_of(id_of(site.submit(long_cpu))) == "running on pool gpu");
  CHECK(pool_of(id_of(site.submit(job("plain", 2, 100)))) == "running on pool cpu");

  auto a800 = job("a800", 1, 10);
  a800.accelerators = AcceleratorRequest{"A800", 1};
  auto refused = site.submit(a800);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == AdapterErrc::refused);
  CHECK_THAT(refused.error().message, Catch::Contains("no A800"));

  auto too_many = job("many", 1, 10);
  too_many.accelerators = AcceleratorRequest{"H100", 9};
  REQUIRE_FALSE(site.submit(too_many));

  auto dcu = job("dcu", 1, 10);  // a model the site knows but has none of
  dcu.accelerators = AcceleratorRequest{"HygonDCU", 1};
  REQUIRE_FALSE(site.submit(dcu));

  const auto d = site.adapter->describe();
  CHECK(d.adapter == "sim");
  CHECK(d.supports_images);
  CHECK(d.accelerator_models == std::vector<std::string>{"Ascend910B", "H100", "HygonDCU"});
  CHECK(d.max_walltime_s == 0);  // gpu and npu have no limit
}

TEST_CASE("sim refuses a job no pool can ever fit", "[adapters][sim]") {
  SimSite site(one_pool(8, 16));
  auto r = site.submit(job("huge", 9, 10));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == AdapterErrc::refused);
  CHECK_THAT(r.error().message, Catch::Contains("pool main has 8 cpus"));
  r = site.submit(job("fat", 1, 10, 17));
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("memory"));
  // Nothing was recorded: the same key may be submitted again, fitting this time.
  CHECK(site.submit(job("huge", 8, 10)));
}

TEST_CASE("sim walltime: runtime never exceeds it", "[adapters][sim]") {
  auto options = one_pool(8);
  options["default_runtime_s"] = 30;
  SimSite site(options);
  const auto t0 = site.clock.now();

  auto over = job("over", 1, 100);
  over.walltime_s = 50;
  const auto over_id = id_of(site.submit(over));

  auto no_hint = job("no_hint", 1, std::nullopt);
  no_hint.walltime_s = 10;  // shorter than default_runtime_s
  const auto no_hint_id = id_of(site.submit(no_hint));

  auto default_runtime = job("default", 1, std::nullopt);
  const auto default_id = id_of(site.submit(default_runtime));

  site.advance(seconds(1000));
  const auto s = site.status(over_id);
  CHECK(s.state == RemoteState::failed);
  CHECK(s.reason == "walltime exceeded");
  CHECK_FALSE(s.exit_code);
  CHECK(*s.finished_at == t0 + seconds(50));
  CHECK(site.status(no_hint_id).state == RemoteState::succeeded);
  CHECK(*site.status(no_hint_id).finished_at == t0 + seconds(10));
  CHECK(*site.status(default_id).finished_at == t0 + seconds(30));
  CHECK_THAT(read_all_logs(site.io, *site.adapter, over_id), Catch::Contains("walltime exceeded"));
}

TEST_CASE("sim exit_code makes executor failures", "[adapters][sim]") {
  auto options = one_pool(8);
  options["exit_code"] = 3;
  SimSite site(options);
  const auto id = id_of(site.submit(job("x", 1, 5)));
  site.advance(seconds(10));
  const auto s = site.status(id);
  CHECK(s.state == RemoteState::failed);
  CHECK(s.exit_code == 3);
  CHECK(s.reason == "exit code 3");
}

TEST_CASE("sim lose_rate loses started jobs part-way", "[adapters][sim]") {
  auto options = one_pool(8);
  options["lose_rate"] = 1;
  SimSite site(options);
  const auto t0 = site.clock.now();
  const auto id = id_of(site.submit(job("x", 1, 100)));
  site.advance(seconds(10));
  CHECK(site.status(id).state == RemoteState::running);
  site.advance(seconds(100));
  const auto s = site.status(id);
  CHECK(s.state == RemoteState::lost);
  CHECK(*s.finished_at == t0 + seconds(50));
  CHECK(site.capacity().pools[0].cpus_free == 8);
}

TEST_CASE("sim logs are labelled as emulated and grow with the job", "[adapters][sim]") {
  SimSite site(nlohmann::json{
      {"pools",
       {{{"name", "gpu"}, {"cpus", 8}, {"memory_gb", 64}, {"accelerators", {{"H100", 4}}}}}}});
  auto j = job("job_logs", 2, 10, 8);
  j.accelerators = AcceleratorRequest{"H100", 1};
  const auto id = id_of(site.submit(j));
  auto first = run_sync(site.io, site.adapter->logs(id, 0, 1 << 20));
  REQUIRE(first);
  CHECK_FALSE(first->eof);  // still running: more will come
  CHECK_THAT(first->data, Catch::StartsWith("[sim] "));
  CHECK_THAT(first->data, Catch::Contains("job job_logs queued on pool gpu"));
  CHECK_THAT(first->data, Catch::Contains("started on pool gpu: 2 cpus, 8 GB memory, 1 x H100"));
  CHECK_THAT(first->data, !Catch::Contains("finished"));

  site.advance(seconds(20));
  auto rest = run_sync(site.io, site.adapter->logs(id, first->next_offset, 1 << 20));
  REQUIRE(rest);
  CHECK(rest->offset == first->next_offset);
  CHECK_THAT(rest->data, Catch::StartsWith("[sim] "));
  CHECK_THAT(rest->data, Catch::Contains("finished exit 0"));
  CHECK(rest->eof);

  auto clipped = run_sync(site.io, site.adapter->logs(id, 0, 5));
  REQUIRE(clipped);
  CHECK(clipped->data == "[sim]");
  CHECK(clipped->next_offset == 5);
  CHECK_FALSE(clipped->eof);
}

TEST_CASE("sim tolerates a clock that steps back", "[adapters][sim]") {
  SimSite site(one_pool(2));
  const auto id = id_of(site.submit(job("x", 1, 10)));
  site.advance(seconds(20));
  CHECK(site.status(id).state == RemoteState::succeeded);
  site.clock.advance(std::chrono::milliseconds(-15'000));
  CHECK(site.status(id).state == RemoteState::succeeded);
  const auto y = id_of(site.submit(job("y", 1, 10)));
  CHECK(*site.status(y).started_at >= *site.status(id).finished_at);
}

TEST_CASE("sim ids are exact", "[adapters][sim]") {
  SimSite site(one_pool(2));
  REQUIRE(site.submit(job("x", 1, 10)));
  CHECK(site.status("sim-1").state == RemoteState::running);
  for (const auto* bad : {"sim-01", "sim-2", "sim-0", "sim-", "sim--1", "sim-1x", "SIM-1", ""}) {
    INFO(bad);
    CHECK(site.status(bad).state == RemoteState::lost);
  }
}

TEST_CASE("sim refuses malformed requests", "[adapters][sim]") {
  SimSite site(one_pool(2));
  auto no_command = job("a", 1, 1);
  no_command.command.clear();
  CHECK_FALSE(site.submit(no_command));
  auto no_key = job("", 1, 1);
  CHECK_FALSE(site.submit(no_key));
  auto zero_walltime = job("b", 1, 1);
  zero_walltime.walltime_s = 0;
  CHECK_FALSE(site.submit(zero_walltime));
  auto image = job("c", 1, 1);
  image.image = "registry.example/ml:2.3";
  CHECK(site.submit(image));  // the sim pretends it can run images
}

TEST_CASE("sim options are validated with the field named", "[adapters][sim]") {
  const auto error_of = [](nlohmann::json options) {
    auto r = sim::parse_sim_options(options);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == AdapterErrc::invalid_config);
    return r.error().message;
  };
  const nlohmann::json pool = {{"name", "p"}, {"cpus", 1}, {"memory_gb", 1}};
  const auto with = [&](const char* key, nlohmann::json v) {
    auto p = pool;
    p[key] = std::move(v);
    return nlohmann::json{{"pools", {pool, p}}};
  };
  CHECK(error_of(nlohmann::json::object()) == "options.pools must be a non-empty array of pools");
  CHECK(error_of("text") == "options must be a JSON object");
  CHECK(error_of({{"pools", {1}}}) == "options.pools[0] must be a JSON object");
  CHECK(error_of(with("cpus", 0)) == "options.pools[1].cpus must be a positive integer");
  CHECK(error_of(with("cpus", 1.5)) == "options.pools[1].cpus must be a positive integer");
  CHECK(error_of(with("name", "")) == "options.pools[1].name must be a non-empty string");
  CHECK(error_of(with("memory_gb", 0)) == "options.pools[1].memory_gb must be a positive number");
  CHECK(error_of(with("accelerators", {{"H100", -1}})) ==
        "options.pools[1].accelerators.H100 must be a non-negative integer");
  CHECK(error_of(with("accelerators", 3)) ==
        "options.pools[1].accelerators must be an object of model: count");
  CHECK_THAT(error_of(with("max_walltime_s", -5)),
             Catch::StartsWith("options.pools[1].max_walltime_s"));
  CHECK_THAT(error_of(with("gpus", 1)),
             Catch::StartsWith("options.pools[1].gpus is not a known option"));
  CHECK(error_of({{"pools", {pool, pool}}}) == "options.pools[1].name repeats the pool name 'p'");
  const auto top = [&](const char* key, nlohmann::json v) {
    nlohmann::json o = {{"pools", {pool}}};
    o[key] = std::move(v);
    return o;
  };
  CHECK(error_of(top("failure_rate", -0.1)) == "options.failure_rate must be a number in [0, 1]");
  CHECK(error_of(top("lose_rate", "high")) == "options.lose_rate must be a number in [0, 1]");
  CHECK(error_of(top("default_runtime_s", 0)) ==
        "options.default_runtime_s must be a positive integer");
  CHECK_THAT(error_of(top("exit_code", 300)), Catch::StartsWith("options.exit_code"));
  CHECK_THAT(error_of(top("rtt_ms", -1)), Catch::StartsWith("options.rtt_ms"));

  auto ok = sim::parse_sim_options({{"pools",
                                     {{{"name", "gpu"},
                                       {"cpus", 8},
                                       {"memory_gb", 64.5},
                                       {"accelerators", {{"H100", 4}}},
                                       {"max_walltime_s", 0}}}},
                                    {"failure_rate", 0.1},
                                    {"lose_rate", 0},
                                    {"default_runtime_s", 60},
                                    {"exit_code", 0},
                                    {"rtt_ms", 12.5}});
  REQUIRE(ok);
  CHECK(ok->pools[0].accelerators.at("H100") == 4);
  CHECK(ok->rtt_ms == 12.5);
}

TEST_CASE("sim health reports the configured rtt", "[adapters][sim]") {
  auto options = one_pool(1);
  options["rtt_ms"] = 23.5;
  SimSite site(options);
  auto h = run_sync(site.io, site.adapter->health());
  REQUIRE(h);
  CHECK(h->reachable);
  CHECK(h->rtt_ms == 23.5);
}

TEST_CASE("thousands of sim sites run in one process", "[adapters][sim][scale]") {
  ManualTestClock clock;
  boost::asio::io_context io;
  AdapterConfig config;
  config.type = "sim";
  config.options = {
      {"pools",
       {{{"name", "p"}, {"cpus", 64}, {"memory_gb", 256}, {"accelerators", {{"H100", 8}}}}}},
      {"failure_rate", 0.05}};
  std::vector<std::unique_ptr<SiteAdapter>> sites;
  for (uint64_t i = 0; i < 2000; ++i) {
    auto a = sim::factory().create(config, AdapterContext{io.get_executor(), clock.fn(), "", i});
    REQUIRE(a);
    sites.push_back(std::move(*a));
  }
  int accepted = 0;
  std::vector<std::pair<size_t, std::string>> ids;
  for (size_t i = 0; i < sites.size(); ++i) {
    for (int k = 0; k < 5; ++k) {
      auto r = run_sync(io, sites[i]->submit(job("j" + std::to_string(k), 16, 60 + k)));
      if (r) {
        ++accepted;
        ids.emplace_back(i, r->remote_id);
      }
    }
  }
  CHECK(accepted > 9000);
  clock.advance(seconds(3600));
  int succeeded = 0;
  for (const auto& [i, id] : ids) {
    if (status_one(io, *sites[i], id).state == RemoteState::succeeded) ++succeeded;
  }
  CHECK(succeeded == accepted);
}

namespace {

// A sim site over a work dir that can be destroyed and made again over the same dir, as a
// gateway restart does; its clock runs on while no adapter exists.
struct RestartableSimSite {
  TempDir dir;
  ManualTestClock clock;
  boost::asio::io_context io;
  nlohmann::json options;
  uint64_t seed;
  std::unique_ptr<SiteAdapter> adapter;

  explicit RestartableSimSite(nlohmann::json sim_options, uint64_t site_seed = 1)
      : options(std::move(sim_options)), seed(site_seed) {
    start();
  }
  std::filesystem::path work_dir() const { return dir.path() / "sites" / "site_a"; }
  std::filesystem::path state_file() const { return work_dir() / "sim-state.json"; }
  void start() {
    AdapterConfig config;
    config.type = "sim";
    config.options = options;
    auto created = sim::factory().create(
        config, AdapterContext{io.get_executor(), clock.fn(), work_dir().string(), seed});
    REQUIRE(created);
    adapter = std::move(*created);
  }
  void stop() { adapter.reset(); }
  void restart() {
    stop();
    start();
  }
  AdapterResult<SubmitResult> submit(const JobRequest& job) {
    return run_sync(io, adapter->submit(job));
  }
  RemoteStatus status(const std::string& id) { return status_one(io, *adapter, id); }
  void advance(seconds s) { clock.advance(s); }
};

// The same site, never restarted: what the restarted one must match.
void check_same(const RemoteStatus& restarted, const RemoteStatus& never) {
  INFO(restarted.remote_id << ": " << remote_state_name(restarted.state) << " (" << restarted.reason
                           << ") vs " << remote_state_name(never.state) << " (" << never.reason
                           << ")");
  CHECK(restarted.state == never.state);
  CHECK(restarted.started_at == never.started_at);
  CHECK(restarted.finished_at == never.finished_at);
  CHECK(restarted.exit_code == never.exit_code);
  CHECK(restarted.reason == never.reason);
}

}  // namespace

TEST_CASE("a sim site keeps its jobs across a restart and they go on on the clock",
          "[adapters][sim][restart]") {
  RestartableSimSite site(one_pool(4));
  SimSite twin(one_pool(4));
  const auto t0 = site.clock.now();
  REQUIRE(twin.clock.now() == t0);
  const std::vector<JobRequest> jobs = {job("a", 4, 10), job("b", 2, 5), job("c", 2, 100),
                                        job("d", 4, 1)};
  for (const auto& j : jobs) {
    CHECK(id_of(site.submit(j)) == id_of(twin.submit(j)));
  }
  site.advance(seconds(2));
  twin.advance(seconds(2));
  CHECK(site.status("sim-1").state == RemoteState::running);
  CHECK(site.status("sim-4").state == RemoteState::queued);

  // The gateway is down from t0+2 to t0+12: a ended at t0+10 and b and c started then.
  site.stop();
  site.advance(seconds(10));
  twin.advance(seconds(10));
  site.start();
  const auto a = site.status("sim-1");
  CHECK(a.state == RemoteState::succeeded);
  CHECK(*a.started_at == t0);
  CHECK(*a.finished_at == t0 + seconds(10));
  CHECK(site.status("sim-2").state == RemoteState::running);
  CHECK(*site.status("sim-2").started_at == t0 + seconds(10));
  CHECK(site.status("sim-3").state == RemoteState::running);
  CHECK(site.status("sim-4").state == RemoteState::queued);  // behind c, which holds 2 cpus
  for (const auto* id : {"sim-1", "sim-2", "sim-3", "sim-4"}) {
    check_same(site.status(id), twin.status(id));
  }

  SECTION("submitting a key again finds its job") {
    auto again = site.submit(job("b", 2, 5));
    REQUIRE(again);
    CHECK(again->remote_id == "sim-2");
    CHECK(again->already_existed);
    // New jobs take new ids: sim-1 to sim-4 are still the jobs the gateway knows by them.
    CHECK(id_of(site.submit(job("e", 1, 1))) == "sim-5");
  }

  SECTION("queued and running jobs go on as if nothing had happened") {
    site.advance(seconds(200));
    twin.advance(seconds(200));
    CHECK(*site.status("sim-2").finished_at == t0 + seconds(15));
    CHECK(*site.status("sim-3").finished_at == t0 + seconds(110));
    CHECK(*site.status("sim-4").started_at == t0 + seconds(110));
    for (const auto* id : {"sim-1", "sim-2", "sim-3", "sim-4"}) {
      check_same(site.status(id), twin.status(id));
    }
    auto cap = run_sync(site.io, site.adapter->capacity());
    REQUIRE(cap);
    CHECK(cap->pools[0].cpus_free == 4);
    CHECK(cap->running_jobs == 0);
    CHECK(cap->queued_jobs == 0);
  }

  SECTION("a cancel is kept too") {
    REQUIRE(run_sync(site.io, site.adapter->cancel("sim-4")));
    site.restart();
    site.advance(seconds(200));
    CHECK(site.status("sim-4").state == RemoteState::canceled);
    CHECK(*site.status("sim-4").finished_at == t0 + seconds(12));
    CHECK_FALSE(site.status("sim-4").started_at);
  }
}

TEST_CASE("a sim job that ran out its time while the gateway was down ends at its end time",
          "[adapters][sim][restart]") {
  auto options = one_pool(8);
  options["exit_code"] = 0;
  RestartableSimSite site(options);
  const auto t0 = site.clock.now();
  const auto id = id_of(site.submit(job("x", 1, 30)));
  auto walltime = job("w", 1, 100);
  walltime.walltime_s = 20;  // killed at 20 s
  const auto w = id_of(site.submit(walltime));
  site.stop();
  site.advance(seconds(3600));  // a long outage
  site.start();
  const auto s = site.status(id);
  CHECK(s.state == RemoteState::succeeded);
  CHECK(*s.started_at == t0);
  CHECK(*s.finished_at == t0 + seconds(30));
  CHECK(s.exit_code == 0);
  const auto killed = site.status(w);
  CHECK(killed.state == RemoteState::failed);
  CHECK(killed.reason == "walltime exceeded");
  CHECK(*killed.finished_at == t0 + seconds(20));
  CHECK_THAT(read_all_logs(site.io, *site.adapter, id), Catch::Contains("finished exit 0"));
}

TEST_CASE("a restarted sim site goes on with its seeded sequence", "[adapters][sim][restart]") {
  auto options = one_pool(1'000'000, 1e9);
  options["failure_rate"] = 0.4;
  options["lose_rate"] = 0.3;
  RestartableSimSite site(options, 42);
  SimSite twin(options, 42);
  std::vector<std::string> ids;
  for (int i = 0; i < 60; ++i) {
    if (i == 20 || i == 40) site.restart();
    const auto j = job("k" + std::to_string(i), 1, 10 + i);
    auto r = site.submit(j);
    auto t = twin.submit(j);
    REQUIRE(bool(r) == bool(t));
    if (r) {
      CHECK(r->remote_id == t->remote_id);
      ids.push_back(r->remote_id);
    }
  }
  REQUIRE(ids.size() > 10);
  site.restart();
  site.advance(seconds(1000));
  twin.advance(seconds(1000));
  int lost = 0;
  for (const auto& id : ids) {
    const auto s = site.status(id);
    check_same(s, twin.status(id));
    lost += s.state == RemoteState::lost ? 1 : 0;
  }
  CHECK(lost > 0);
}

TEST_CASE("a sim site's saved state is one JSON document in its work dir",
          "[adapters][sim][restart]") {
  RestartableSimSite site(one_pool(4));
  // A site that has taken no job writes nothing (a federation of thousands stays cheap).
  REQUIRE(run_sync(site.io, site.adapter->capacity()));
  CHECK_FALSE(std::filesystem::exists(site.state_file()));
  const auto t0 = site.clock.now();
  REQUIRE(site.submit(job("job_1", 2, 10)));
  REQUIRE(std::filesystem::exists(site.state_file()));
  CHECK_FALSE(std::filesystem::exists(site.work_dir() / "sim-state.json.tmp"));
  const auto saved = nlohmann::json::parse(read_file(site.state_file()));
  CHECK(saved.at("format") == "suanwang-sim-state/1");
  CHECK(saved.at("clock_ns") == t0.time_since_epoch().count());
  REQUIRE(saved.at("jobs").size() == 1);
  const auto& j = saved.at("jobs")[0];
  CHECK(j.at("id") == "sim-1");
  CHECK(j.at("key") == "job_1");
  CHECK(j.at("pool") == "main");
  CHECK(j.at("cpus") == 2);
  CHECK(j.at("state") == "running");
  CHECK(j.at("outcome") == "exits");
  CHECK(j.at("hold_ns") == int64_t{10'000'000'000});
  CHECK(j.at("started_ns") == t0.time_since_epoch().count());
  CHECK(j.at("finished_ns").is_null());
}

TEST_CASE("a sim site whose saved state cannot be taken up starts empty and says why",
          "[adapters][sim][restart]") {
  RestartableSimSite site(one_pool(4));
  REQUIRE(site.submit(job("a", 2, 100)));

  SECTION("unreadable") {
    site.stop();
    std::ofstream(site.state_file()) << "{\"format\": \"suanwang-sim-state/1\", \"jobs\": [";
  }
  SECTION("its pool is gone") {
    site.stop();
    site.options = {{"pools", {{{"name", "other"}, {"cpus", 4}, {"memory_gb", 64}}}}};
  }
  SECTION("its pool no longer fits a job") {
    site.stop();
    site.options = one_pool(1);
  }
  SECTION("its pool is now too small for its running jobs together") {
    REQUIRE(site.submit(job("a2", 2, 100)));
    site.stop();
    site.options = one_pool(3);
  }
  site.start();
  CHECK(site.status("sim-1").reason == "unknown to site");
  CHECK(std::filesystem::exists(site.work_dir() / "sim-state.json.unreadable"));
  auto h = run_sync(site.io, site.adapter->health());
  REQUIRE(h);
  CHECK(h->reachable);
  CHECK_THAT(h->detail, Catch::Contains("sim-state.json.unreadable"));
  // It goes on from empty, and saves again.
  CHECK(id_of(site.submit(job("b", 1, 10))) == "sim-1");
  site.restart();
  CHECK(site.status("sim-1").state == RemoteState::running);
}

TEST_CASE("a sim site restarted with more room starts its queued jobs",
          "[adapters][sim][restart]") {
  RestartableSimSite site(one_pool(2));
  const auto t0 = site.clock.now();
  REQUIRE(site.submit(job("a", 2, 100)));
  const auto b = id_of(site.submit(job("b", 2, 100)));
  CHECK(site.status(b).state == RemoteState::queued);
  site.stop();
  site.options = one_pool(4);
  site.advance(seconds(5));
  site.start();
  // It starts when the site takes up its state: at its saved clock.
  const auto s = site.status(b);
  CHECK(s.state == RemoteState::running);
  CHECK(*s.started_at == t0);
}
