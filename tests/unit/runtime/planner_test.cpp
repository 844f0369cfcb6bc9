// Planner: what it learns from finished jobs reaches placement — an org's jobs without a stated
// runtime are scored with the runtime its similar jobs really took, other orgs' are not — and
// so does what it learns from started jobs: a pool's queue wait, once per placement.
#include <catch2/catch.hpp>

#include <sstream>

#include "gateway/runtime/planner.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;

model::Site sim_site(std::string id) {
  model::Site s;
  s.id = std::move(id);
  s.org_id = "org_op";
  s.name = s.id;
  s.region = "r";
  s.pricing.cpu_core_hour = 0.125;
  s.adapter.type = "sim";
  s.adapter.options = {{"pools", {{{"name", "cpu"}, {"cpus", 8}, {"memory_gb", 32}}}}};
  return s;
}

model::JobSpec planner_overasked() {
  model::JobSpec j;
  j.command = "run";
  j.resources.cpus = 2;
  j.resources.memory_gb = 4;
  j.resources.walltime_s = 4 * 3600;
  return j;
}

// One sim site "site_a" in region "r" behind a planner with `config`.
struct PlannerWorld {
  explicit PlannerWorld(Config c) : config(std::move(c)) {
    geography.set({model::Region{"r", "R", "", "east", 0, 0}}, {});
    REQUIRE(directory.upsert(sim_site("site_a")));
  }
  boost::asio::io_context io;
  const adapters::AdapterRegistry registry = adapters::AdapterRegistry::builtin();
  ManualClock clock;
  std::ostringstream out;
  Logger log{out};
  testing::TempDir dir;
  federation::SiteDirectory directory{io, registry, clock, dir.path(), std::chrono::seconds(1),
                                      log};
  federation::Geography geography;
  Config config;
  runtime::Planner planner{directory, geography, config, clock};
};

}  // namespace

TEST_CASE("the planner scores an org's jobs with the runtimes it has seen them take",
          "[jobs][planner]") {
  PlannerWorld w{Config{}};
  auto& clock = w.clock;
  auto& directory = w.directory;
  auto& planner = w.planner;
  model::SiteCapacity cap;
  cap.pools = {model::PoolCapacity{"cpu", 8, 8, 32, 32, {}, 0}};
  cap.observed_at = clock.now();
  directory.record_capacity("site_a", cap, 1.0);

  const std::vector<model::Dataset> none;
  const auto spec = planner_overasked();
  auto quote = [&](const std::string& org) {
    return planner.quote({&spec, org, {}, &none, std::nullopt});
  };

  auto d = quote("org_a");
  REQUIRE(d.feasible());
  CHECK(d.runtime_basis == "walltime");
  CHECK(d.runtime_s == 4 * 3600);

  // Jobs of org_a of the same shape that ran an hour of their four.
  for (int i = 0; i < 16; ++i) planner.finished("org_a", spec, 3600);
  d = quote("org_a");
  REQUIRE(d.feasible());
  CHECK(d.runtime_basis == "predicted");
  CHECK(d.runtime_s == 3600);
  CHECK(d.ranked[0].result_s == Approx(3600));
  // What is shown and held stays at the walltime: 2 CPUs x ¥0.125 x 4 h.
  CHECK(d.ranked[0].total_cost_cny == Approx(1.0));

  // Another org's history is its own.
  d = quote("org_b");
  CHECK(d.runtime_basis == "walltime");
}

TEST_CASE("the planner times a pool's queue by what the jobs it placed there waited",
          "[jobs][planner][queue]") {
  Config config;
  config.learn_queue_waits = true;
  PlannerWorld w{config};
  auto& clock = w.clock;
  auto& directory = w.directory;
  auto& planner = w.planner;
  auto report = [&] {  // a fresh report: all free, nothing queued
    model::SiteCapacity cap;
    cap.pools = {model::PoolCapacity{"cpu", 8, 8, 32, 32, {}, 0}};
    cap.observed_at = clock.now();
    directory.record_capacity("site_a", cap, 1.0);
  };
  const std::vector<model::Dataset> none;
  auto spec = planner_overasked();
  spec.expected_runtime_s = 600;
  const runtime::PlanInput in{&spec, "org_a", {}, &none, std::nullopt};
  // Each job fits now (estimated wait 0), is accepted, and starts five minutes later.
  auto run_job = [&](const std::string& id, bool accepted) {
    report();
    REQUIRE(planner.place(id, in).feasible());
    if (accepted) planner.accepted(id);
    clock.advance(std::chrono::minutes(5));
    planner.started(id, clock.now());
    planner.left_site(id);
  };
  for (int i = 0; i < 18; ++i) run_job("job_" + std::to_string(i), true);
  // A second report of the same start is not a second observation (20 would correct).
  report();
  REQUIRE(planner.place("job_twice", in).feasible());
  planner.accepted("job_twice");
  planner.started("job_twice", clock.now() + std::chrono::minutes(5));
  planner.started("job_twice", clock.now() + std::chrono::minutes(5));
  planner.left_site("job_twice");
  // Nor is a job the site was never seen to accept.
  run_job("job_unaccepted", false);
  report();
  auto d = planner.quote(in);
  REQUIRE(d.feasible());
  CHECK(d.ranked[0].queue_wait_s == 0);
  CHECK(d.ranked[0].result_s == Approx(600));

  run_job("job_19", true);  // the twentieth: the pool's waits now correct its estimates
  report();
  d = planner.quote(in);
  REQUIRE(d.feasible());
  CHECK(d.ranked[0].queue_wait_s == Approx(300));
  CHECK(d.ranked[0].result_s == Approx(900));
  CHECK(d.ranked[0].total_cost_cny == Approx(2 * 0.125 * 600 / 3600.0));
}
