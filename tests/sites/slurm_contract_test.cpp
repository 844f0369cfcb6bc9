// The shared SiteAdapter contract (tests/unit/adapters/adapter_contract.hpp), run against the
// real Slurm cluster of scripts/slurm-up through slurmrestd: sim, local, slurm and peer pass the
// very same checks.
#include <catch2/catch.hpp>

#include "sites/slurm_env.hpp"
#include "unit/adapters/adapter_contract.hpp"

namespace {

using namespace suanwang::adapters;
using namespace suanwang::testing;

// The real cluster: shared with other tests, so kExclusive = false; real time, 100 ms polls.
struct SlurmHarness {
  static constexpr const char* kAdapter = "slurm";
  static constexpr int kMaxPolls = 600;  // 60 s
  static constexpr bool kExclusive = false;

  SlurmEnv env = require_slurm();
  TempDir dir;  // the adapter's work_dir (its records)
  boost::asio::io_context io;
  // Keys are unique per harness: the cluster remembers jobs of earlier runs (MinJobAge).
  std::string run_id = std::to_string(::getpid()) + "_" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());

  AdapterConfig config() const {
    AdapterConfig c;
    c.type = "slurm";
    c.endpoint = env.rest_url;
    c.options = {{"partition", env.partition}, {"output_dir", env.output_dir}};
    c.credentials = {{"user", env.user}, {"token", env.token}};
    return c;
  }
  std::vector<BadOptions> bad_options() const {
    return {
        {{{"partition", "no such"}, {"output_dir", env.output_dir}}, "options.partition"},
        {{{"partition", env.partition}, {"output_dir", "jobs"}}, "options.output_dir"},
        {{{"partition", env.partition}, {"output_dir", env.output_dir}, {"api_version", "v0.0.99"}},
         "options.api_version"},
        {{{"output_dir", env.output_dir}}, "options.partition"},
    };
  }
  std::unique_ptr<SiteAdapter> make() {
    AdapterContext ctx{io.get_executor(), [] { return std::chrono::system_clock::now(); },
                       dir.path().string(), 0};
    auto a = AdapterRegistry::builtin().create(config(), ctx);
    INFO((a ? std::string() : a.error().message));
    REQUIRE(a);
    return std::move(*a);
  }
  JobRequest quick_job(const std::string& key) const {
    JobRequest j;
    j.key = key + "_" + run_id;
    j.command = "echo contract-output";
    j.memory_gb = 0.1;
    j.walltime_s = 120;
    return j;
  }
  JobRequest long_job(const std::string& key) const {
    JobRequest j;
    j.key = key + "_" + run_id;
    j.command = "sleep 30";
    j.memory_gb = 0.1;
    j.walltime_s = 120;
    return j;
  }
  std::string expected_output() const { return "contract-output"; }
  void pass_time() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }
  TimePoint now() const { return std::chrono::system_clock::now(); }
};

}  // namespace

TEST_CASE("site adapter contract (slurm)", "[adapters][contract][slurm][sites]") {
  check_adapter_contract<SlurmHarness>();
}
