// The adapter contract (adapter_contract.hpp) for the adapters that need nothing outside this
// process: sim on a manual clock, local with real processes. slurm runs it in tests/sites,
// peer in tests/integration.
#include <catch2/catch.hpp>

#include "adapters/local/local_adapter.hpp"
#include "adapters/registry.hpp"
#include "adapters/sim/sim_adapter.hpp"
#include "unit/adapters/adapter_contract.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::testing;

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
  check_adapter_contract<TestType>();
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
