// The dispatcher alone, on a manual clock: a real store (SQLite in memory), a sim site whose jobs
// run on the same clock, and nothing else. It submits what is placed, reconciles only when the
// clock says a pass is due, carries a job to its end through the lifecycle, and joins every task
// it spawned when stopped.
#include <catch2/catch.hpp>

#include <future>
#include <sstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/registry.hpp"
#include "gateway/runtime/dispatcher.hpp"
#include "gateway/runtime/job_writes.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/org_repo.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;
using namespace std::chrono_literals;
using S = model::JobState;

model::Site dispatcher_sim_site(std::string id) {
  model::Site s;
  s.id = std::move(id);
  s.org_id = "org_op";
  s.name = s.id;
  s.region = "r";
  s.pricing.cpu_core_hour = 3.6;  // ¥0.001 a core-second
  s.adapter.type = "sim";
  s.adapter.options = {{"pools", {{{"name", "cpu"}, {"cpus", 8}, {"memory_gb", 32}}}}};
  return s;
}

class Rig {
 public:
  template <class MakeAwaitable>
  auto sync(MakeAwaitable make) {
    auto fut = boost::asio::co_spawn(io_, make(), boost::asio::use_future);
    if (!thread_.joinable()) {  // before the io thread runs: drive it here
      io_.restart();
      while (fut.wait_for(0s) != std::future_status::ready) io_.run_one();
    }
    return fut.get();
  }

  explicit Rig(std::chrono::milliseconds reconcile_interval)
      : registry_(adapters::AdapterRegistry::builtin()),
        log_(out_),
        directory_(io_, registry_, clock_, dir_.path(), 1s, log_),
        planner_(directory_, geography_, config_, clock_) {
    config_.reconcile_interval = reconcile_interval;
    geography_.set({model::Region{"r", "R", "", "east", 0, 0}}, {});
    auto st = store::Store::open(":memory:");
    REQUIRE(st);
    store_ = std::move(*st);
    REQUIRE(directory_.upsert(dispatcher_sim_site("site_a")));
    model::Org org;
    org.id = "org_u";
    org.name = "user";
    org.kind = model::OrgKind::user;
    org.created_at = clock_.now();
    REQUIRE(sync(
        [&] { return store_->run([&](store::Db& db) { return store::insert_org(db, org); }); }));
    dispatcher_ = std::make_unique<runtime::Dispatcher>(io_, *store_, directory_, planner_, config_,
                                                        clock_, log_);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Rig() {
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // A job placed at site_a, as the job service leaves it, known to the dispatcher.
  model::JobRecord place_job(int64_t runtime_s) {
    model::JobRecord j;
    j.id = "job_000000000000000000000001";
    j.org_id = "org_u";
    j.spec.command = "run";
    j.spec.resources.cpus = 2;
    j.spec.resources.memory_gb = 1;
    j.spec.resources.walltime_s = 3600;
    j.spec.expected_runtime_s = runtime_s;
    j.state = S::placed;
    j.site_id = "site_a";
    j.attempt = 1;
    j.created_at = j.updated_at = clock_.now();
    std::vector<model::JobEvent> events = {
        {0, clock_.now(), model::EventType::created, S::pending, "", 0, "test"},
        {0, clock_.now(), model::EventType::placed, S::placed, "site_a", 1, "test"}};
    REQUIRE(sync([&] {
      return store_->run([&](store::Db& db) { return runtime::write_new_job(db, j, events); });
    }));
    dispatcher_->job_created(j);
    return j;
  }

  model::JobRecord read(const std::string& id) {
    auto j =
        sync([&] { return store_->run([&](store::Db& db) { return store::find_job(db, id); }); });
    REQUIRE(j);
    REQUIRE(*j);
    return **j;
  }

  // Polls the store (bounded, in real time) until the job is in `state`.
  bool reaches(const std::string& id, S state, std::chrono::milliseconds bound = 5s) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < until) {
      if (read(id).state == state) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  ManualClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  adapters::AdapterRegistry registry_;
  std::ostringstream out_;
  Logger log_;
  testing::TempDir dir_;
  federation::SiteDirectory directory_;
  federation::Geography geography_;
  Config config_;
  runtime::Planner planner_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<runtime::Dispatcher> dispatcher_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("dispatcher: reconciles when the clock says so, and carries a job to its end",
          "[runtime][dispatcher]") {
  Rig rig(10min);
  rig.dispatcher_->start();
  const auto job = rig.place_job(60);
  // Submitting does not wait for the clock.
  REQUIRE(rig.reaches(job.id, S::submitted));
  CHECK(rig.planner_.in_flight("site_a") == 1);

  // The job has run its minute at the site, but no reconcile pass is due yet: the dispatcher
  // sleeps on the injected clock, not on real time.
  rig.clock_.advance(2min);
  CHECK_FALSE(rig.reaches(job.id, S::succeeded, 300ms));

  // The pass is due: it learns the job ran and ended.
  rig.clock_.advance(9min);
  REQUIRE(rig.reaches(job.id, S::succeeded));
  const auto done = rig.read(job.id);
  REQUIRE(done.final_cost_cny);
  CHECK(*done.final_cost_cny > 0);  // its own success is billed
  CHECK(done.finished_at >= done.started_at);
  CHECK(rig.planner_.in_flight("site_a") == 0);

  rig.dispatcher_->stop();
  auto joined = boost::asio::co_spawn(rig.io_, rig.dispatcher_->join(), boost::asio::use_future);
  CHECK(joined.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("dispatcher: join waits for the loop and returns once it has stopped",
          "[runtime][dispatcher]") {
  Rig rig(1s);
  rig.dispatcher_->start();
  const auto job = rig.place_job(3600);
  REQUIRE(rig.reaches(job.id, S::submitted));
  rig.dispatcher_->stop();
  auto joined = boost::asio::co_spawn(rig.io_, rig.dispatcher_->join(), boost::asio::use_future);
  REQUIRE(joined.wait_for(5s) == std::future_status::ready);
  // Nothing runs after join: moving the clock past the job's end changes nothing.
  rig.clock_.advance(2h);
  CHECK_FALSE(rig.reaches(job.id, S::succeeded, 200ms));
}

TEST_CASE("dispatcher: a site is told whether the job's inputs were staged and what it leaves",
          "[runtime][dispatcher]") {
  model::JobSpec spec;
  spec.name = "digest";
  spec.command = "sha256sum data/x > digest.txt";
  auto plain = runtime::site_request("job_1", spec);
  CHECK(plain.key == "job_1");
  CHECK_FALSE(plain.staged_inputs);
  CHECK(plain.output_globs.empty());

  model::InputSpec blob;  // an anonymous blob: a figure for placement, nothing staged
  blob.size_bytes = 1 << 20;
  blob.region = "r";
  spec.inputs.push_back(blob);
  CHECK_FALSE(runtime::site_request("job_1", spec).staged_inputs);
  model::InputSpec files;
  files.dataset = "ds_1";
  files.path = "data/";
  files.staged = true;
  spec.inputs.push_back(files);
  spec.outputs = model::OutputSpec{"r", 0, {"*.txt", "out/**"}};
  auto r = runtime::site_request("job_1", spec);
  CHECK(r.staged_inputs);
  CHECK(r.output_globs == std::vector<std::string>{"*.txt", "out/**"});
}
