// The one contract every SiteAdapter passes (DESIGN §4). Each adapter enters through a
// harness that knows how to build it and how to let its time pass; to add slurm or peer,
// write a harness with the same members and add it to the TEMPLATE_TEST_CASE list. A harness
// whose site is shared with other users (a real Slurm) sets kExclusive = false, which skips
// the checks that count every job on the site.
#include <catch2/catch.hpp>

#include "adapter_test_support.hpp"
#include "adapters/local/local_adapter.hpp"
#include "adapters/registry.hpp"
#include "adapters/sim/sim_adapter.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::testing;

struct BadOptions {
  nlohmann::json options;
  std::string names;  // the option the error must name
};

// The sim: an emulated site on a manual clock; a second of simulated time per poll.
struct SimHarness {
  static constexpr const char* kAdapter = "sim";
  static constexpr int kMaxPolls = 200;
  static constexpr bool kExclusive = true;

  ManualTestClock clock;
  boost::asio::io_context io;

  AdapterConfig config() const {
    AdapterConfig c;
    c.type = "sim";
    c.options = {{"pools", {{{"name", "cpu"}, {"cpus", 8}, {"memory_gb", 32}}}}};
    return c;
  }
  std::vector<BadOptions> bad_options() const {
    return {
        {{{"pools", nlohmann::json::array()}}, "options.pools"},
        {{{"pools", {{{"name", "a"}, {"cpus", 0}, {"memory_gb", 1}}}}}, "options.pools[0].cpus"},
        {{{"pools", {{{"name", "a"}, {"cpus", 1}, {"memory_gb", 1}}}}, {"failure_rate", 1.5}},
         "options.failure_rate"},
    };
  }
  std::unique_ptr<SiteAdapter> make() {
    AdapterContext ctx{io.get_executor(), clock.fn(), "", 42};
    auto a = AdapterRegistry::builtin().create(config(), ctx);
    REQUIRE(a);
    return std::move(*a);
  }
  JobRequest quick_job(const std::string& key) const {
    JobRequest j;
    j.key = key;
    j.command = "echo contract";
    j.expected_runtime_s = 5;
    return j;
  }
  JobRequest long_job(const std::string& key) const {
    JobRequest j;
    j.key = key;
    j.command = "sleep 3600";
    j.expected_runtime_s = 3600;
    j.walltime_s = 7200;
    return j;
  }
  std::string expected_output() const { return "[sim]"; }
  void pass_time() { clock.advance(std::chrono::seconds(1)); }
  TimePoint now() const { return clock.now(); }
};

// The local machine: real processes in a temp dir; real time, polled every 20 ms.
struct LocalHarness {
  static constexpr const char* kAdapter = "local";
  static constexpr int kMaxPolls = 500;  // 10 s
  static constexpr bool kExclusive = true;

  TempDir dir;
  boost::asio::io_context io;

  ~LocalHarness() { kill_leftover_jobs(dir.path()); }

  AdapterConfig config() const {
    AdapterConfig c;
    c.type = "local";
    c.options = {{"cpus", 4}, {"memory_gb", 4}};
    return c;
  }
  std::vector<BadOptions> bad_options() const {
    return {
        {{{"cpus", 0}}, "options.cpus"},
        {{{"memory_gb", "lots"}}, "options.memory_gb"},
        {{{"max_walltime_s", -1}}, "options.max_walltime_s"},
    };
  }
  std::unique_ptr<SiteAdapter> make() {
    AdapterContext ctx{io.get_executor(), [] { return std::chrono::system_clock::now(); },
                       dir.path().string(), 0};
    auto a = AdapterRegistry::builtin().create(config(), ctx);
    REQUIRE(a);
    return std::move(*a);
  }
  JobRequest quick_job(const std::string& key) const {
    JobRequest j;
    j.key = key;
    j.command = "echo contract-output";
    j.memory_gb = 0.1;
    return j;
  }
  JobRequest long_job(const std::string& key) const {
    JobRequest j;
    j.key = key;
    j.command = "sleep 30";
    j.memory_gb = 0.1;
    return j;
  }
  std::string expected_output() const { return "contract-output"; }
  void pass_time() { short_sleep(); }
  TimePoint now() const { return std::chrono::system_clock::now(); }
};

}  // namespace

TEMPLATE_TEST_CASE("site adapter contract", "[adapters][contract]", SimHarness, LocalHarness) {
  TestType h;
  auto adapter = h.make();
  auto& io = h.io;
  const auto pass = [&] { h.pass_time(); };
  const auto final_state = [](const RemoteStatus& s) { return is_final(s.state); };

  SECTION("describe names the adapter") {
    const auto d = adapter->describe();
    CHECK(d.adapter == TestType::kAdapter);
    CHECK(d.supports_scripts);
    CHECK(d.max_walltime_s >= 0);
  }

  SECTION("capacity is sane") {
    auto cap = run_sync(io, adapter->capacity());
    REQUIRE(cap);
    REQUIRE_FALSE(cap->pools.empty());
    for (const auto& p : cap->pools) {
      CHECK_FALSE(p.name.empty());
      CHECK(p.cpus_total > 0);
      CHECK(p.cpus_free >= 0);
      CHECK(p.cpus_free <= p.cpus_total);
      CHECK(p.memory_gb_total > 0);
      CHECK(p.memory_gb_free >= 0);
      CHECK(p.memory_gb_free <= p.memory_gb_total);
      for (const auto& [model, n] : p.accelerators) {
        CHECK(n.free >= 0);
        CHECK(n.free <= n.total);
      }
    }
    CHECK(cap->running_jobs >= 0);
    CHECK(cap->queued_jobs >= 0);
    CHECK(cap->queued_work_core_s >= 0);
    CHECK(cap->est_queue_wait_s >= 0);
    if (TestType::kExclusive) {
      CHECK(cap->running_jobs == 0);
      CHECK(cap->queued_jobs == 0);
      CHECK(cap->est_queue_wait_s == 0);
    }
    CHECK(std::chrono::abs(cap->observed_at - h.now()) < std::chrono::seconds(5));
  }

  SECTION("health answers") {
    auto health = run_sync(io, adapter->health());
    REQUIRE(health);
    CHECK(health->reachable);
    CHECK(health->rtt_ms >= 0);
  }

  SECTION("a submitted job runs to success and its output can be read") {
    auto sub = run_sync(io, adapter->submit(h.quick_job("job_contract_1")));
    REQUIRE(sub);
    CHECK_FALSE(sub->already_existed);
    CHECK_FALSE(sub->remote_id.empty());
    auto s = poll_status(io, *adapter, sub->remote_id, final_state, pass, TestType::kMaxPolls);
    CHECK(s.remote_id == sub->remote_id);
    REQUIRE(s.state == RemoteState::succeeded);
    CHECK(s.exit_code == 0);
    REQUIRE(s.started_at);
    REQUIRE(s.finished_at);
    CHECK(*s.started_at <= *s.finished_at);

    const auto all = read_all_logs(io, *adapter, sub->remote_id);
    CHECK_THAT(all, Catch::Contains(h.expected_output()));
    // Reading in small chunks gives the same bytes, and the last chunk says eof.
    CHECK(read_all_logs(io, *adapter, sub->remote_id, 7) == all);
    auto tail = run_sync(io, adapter->logs(sub->remote_id, static_cast<int64_t>(all.size()), 100));
    REQUIRE(tail);
    CHECK(tail->data.empty());
    CHECK(tail->eof);
    CHECK(tail->next_offset == static_cast<int64_t>(all.size()));

    SECTION("cancelling a finished job succeeds and changes nothing") {
      REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
      CHECK(status_one(io, *adapter, sub->remote_id).state == RemoteState::succeeded);
    }
    SECTION("a resubmit after the end starts nothing") {
      auto again = run_sync(io, adapter->submit(h.quick_job("job_contract_1")));
      REQUIRE(again);
      CHECK(again->already_existed);
      CHECK(again->remote_id == sub->remote_id);
      CHECK(status_one(io, *adapter, sub->remote_id).state == RemoteState::succeeded);
    }
  }

  SECTION("submit is idempotent by key") {
    auto first = run_sync(io, adapter->submit(h.long_job("job_contract_2")));
    auto second = run_sync(io, adapter->submit(h.long_job("job_contract_2")));
    REQUIRE(first);
    REQUIRE(second);
    CHECK_FALSE(first->already_existed);
    CHECK(second->already_existed);
    CHECK(second->remote_id == first->remote_id);
    if (TestType::kExclusive) {
      auto cap = run_sync(io, adapter->capacity());
      REQUIRE(cap);
      CHECK(cap->running_jobs + cap->queued_jobs == 1);
    }
    REQUIRE(run_sync(io, adapter->cancel(first->remote_id)));
    poll_status(io, *adapter, first->remote_id, final_state, pass, TestType::kMaxPolls);
  }

  SECTION("a running job can be cancelled, and cancel is idempotent") {
    auto sub = run_sync(io, adapter->submit(h.long_job("job_contract_3")));
    REQUIRE(sub);
    auto running = poll_status(
        io, *adapter, sub->remote_id,
        [](const RemoteStatus& s) { return s.state != RemoteState::queued; }, pass,
        TestType::kMaxPolls);
    REQUIRE(running.state == RemoteState::running);
    CHECK(running.started_at);
    REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
    REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
    auto s = poll_status(io, *adapter, sub->remote_id, final_state, pass, TestType::kMaxPolls);
    CHECK(s.state == RemoteState::canceled);
    REQUIRE(run_sync(io, adapter->cancel(sub->remote_id)));
    CHECK(status_one(io, *adapter, sub->remote_id).state == RemoteState::canceled);
    if (TestType::kExclusive) {
      auto cap = run_sync(io, adapter->capacity());
      REQUIRE(cap);
      CHECK(cap->running_jobs == 0);
      CHECK(cap->pools.front().cpus_free == cap->pools.front().cpus_total);
    }
  }

  SECTION("ids the site does not know are lost; cancel and logs say not_found") {
    auto statuses = run_sync(io, adapter->status({"no-such-job", "job_never_submitted"}));
    REQUIRE(statuses);
    REQUIRE(statuses->size() == 2);
    for (const auto& s : *statuses) {
      CHECK(s.state == RemoteState::lost);
      CHECK(s.reason == "unknown to site");
    }
    CHECK((*statuses)[0].remote_id == "no-such-job");
    auto c = run_sync(io, adapter->cancel("no-such-job"));
    REQUIRE_FALSE(c);
    CHECK(c.error().code == AdapterErrc::not_found);
    auto l = run_sync(io, adapter->logs("no-such-job", 0, 100));
    REQUIRE_FALSE(l);
    CHECK(l.error().code == AdapterErrc::not_found);
  }

  SECTION("a job with more cpus than the site has is refused") {
    auto job = h.quick_job("job_contract_huge");
    job.cpus = 1'000'000;
    auto sub = run_sync(io, adapter->submit(job));
    REQUIRE_FALSE(sub);
    CHECK(sub.error().code == AdapterErrc::refused);
  }

  SECTION("validate accepts good options and names the field of bad ones") {
    const auto registry = AdapterRegistry::builtin();
    CHECK(registry.validate(h.config()));
    for (const auto& bad : h.bad_options()) {
      AdapterConfig c = h.config();
      c.options = bad.options;
      auto v = registry.validate(c);
      INFO(bad.options.dump());
      REQUIRE_FALSE(v);
      CHECK(v.error().code == AdapterErrc::invalid_config);
      CHECK_THAT(v.error().message, Catch::StartsWith(bad.names));
    }
    AdapterConfig typo = h.config();
    typo.options["no_such_option"] = 1;
    auto v = registry.validate(typo);
    REQUIRE_FALSE(v);
    CHECK_THAT(v.error().message, Catch::Contains("options.no_such_option"));
  }
}

TEST_CASE("the registry lists sim and local and refuses unknown types", "[adapters][registry]") {
  const auto registry = AdapterRegistry::builtin();
  CHECK(registry.find("sim") != nullptr);
  CHECK(registry.find("local") != nullptr);
  CHECK(registry.find("nope") == nullptr);
  AdapterConfig c;
  c.type = "nope";
  auto v = registry.validate(c);
  REQUIRE_FALSE(v);
  CHECK(v.error().code == AdapterErrc::invalid_config);
  boost::asio::io_context io;
  auto created =
      registry.create(c, AdapterContext{io.get_executor(), [] { return TimePoint{}; }, "", 0});
  REQUIRE_FALSE(created);
  CHECK(created.error().code == AdapterErrc::invalid_config);
}
