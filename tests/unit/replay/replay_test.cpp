// A short replay (a simulated day at reduced demand) through the real Planner and sim engines:
// the invariants every policy must keep, and the report's pieces.
#include <catch2/catch.hpp>

#include "tools/replay/federation.hpp"
#include "tools/replay/replay.hpp"
#include "tools/replay/report.hpp"
#include "tools/replay/workload.hpp"

using namespace suanwang;
using namespace suanwang::replay;

namespace {

void check_invariants(const ReplayRun& run, const Workload& w, const ReplayFederation& fed) {
  INFO("policy " << run.policy);
  REQUIRE(run.jobs.size() == w.jobs.size());
  CHECK(run.overfill_events == 0);
  int64_t ran = 0;
  for (std::size_t i = 0; i < run.jobs.size(); ++i) {
    const JobOutcome& j = run.jobs[i];
    INFO("job " << w.jobs[i].id);
    // Every job is accounted for in a final state.
    REQUIRE(j.state != FinalState::unfinished);
    CHECK_FALSE(j.residency_violation);
    if (j.state == FinalState::refused) continue;
    ++ran;
    const auto& c = w.jobs[i].spec.constraints;
    if (!c.regions.empty()) {
      CHECK(std::find(c.regions.begin(), c.regions.end(), j.region) != c.regions.end());
    }
    CHECK(j.submitted_s >= j.arrival_s - 0.001);  // the clock counts milliseconds
    CHECK(j.started_s >= j.submitted_s - 0.001);
    CHECK(j.finished_s - j.started_s ==
          Approx(static_cast<double>(w.jobs[i].runtime_s)).margin(0.01));
    CHECK(j.result_s >= j.finished_s);
    CHECK(j.cost_cny > 0);
    CHECK(j.energy_kwh > 0);  // every job that ran drew power and emitted on its grid
    CHECK(j.co2_kg > 0);
  }
  CHECK(ran > static_cast<int64_t>(run.jobs.size() * 9 / 10));
  // No site ran more than it has, over the whole day: busy unit-seconds within capacity.
  for (const auto& s : run.sites) {
    CHECK(s.utilisation(w.span_s) <= 1.0 + 1e-9);
  }
  (void)fed;
}

}  // namespace

TEST_CASE("Replay: a simulated day keeps the invariants under balanced and the baselines",
          "[replay]") {
  auto fed = demo_federation();
  REQUIRE(fed);
  REQUIRE(fed->sites.size() == 10);
  const Workload w = generate_workload({.days = 1, .seed = 3, .scale = 0.04});
  REQUIRE(w.jobs.size() > 800);
  std::vector<PolicyReport> reports;
  for (const char* name : {"balanced", "cheapest-failover", "least-loaded", "first-start",
                           "round-robin", "random", "greenest"}) {
    const PolicySpec* p = find_policy(name);
    REQUIRE(p);
    auto run = run_replay(*fed, w, *p, {});
    REQUIRE(run);
    check_invariants(*run, w, *fed);
    reports.push_back(summarise(*run, w, *p));
    CHECK(reports.back().invariants_hold());
  }
  const auto goal = check_goal(reports);
  CHECK(goal.size() == reports.size() - 2);  // every baseline; not balanced, not greenest
  // greenest emits less than balanced, and the report says by how much.
  const auto green = check_green(reports);
  REQUIRE(green);
  CHECK(green->co2_change < 0);
  CHECK(reports.front().co2_t > 0);
  const std::string t = table(reports, goal);
  CHECK(t.find("cheapest-failover") != std::string::npos);
  CHECK(t.find("greenest against balanced") != std::string::npos);
  const Json j = to_json(w, reports, goal);
  CHECK(j["policies"].size() == reports.size());
  CHECK(j["policies"][0]["residency_violations"] == 0);
  CHECK(j["policies"][0]["co2_t"].get<double>() > 0);
  CHECK(j["greenest_vs_balanced"]["co2_change"].get<double>() < 0);
  // Every policy reports its forecasts' errors over the jobs that ran.
  for (const auto& r : reports) {
    INFO(r.policy);
    CHECK(r.runtime_error.jobs > static_cast<int64_t>(w.jobs.size() * 9 / 10));
    CHECK(r.queue_wait_error.jobs == r.runtime_error.jobs);
    CHECK(r.result_error.p90_s >= 0);
    CHECK(r.runtime_error.p90_s > 0);  // walltimes are over-asked: the runtime forecast errs
  }
  CHECK(j["policies"][0]["forecast_errors"]["queue_wait"]["p90_abs_error_s"].is_number());
  CHECK(t.find("forecast errors") != std::string::npos);
  const std::string svg = svg_chart(reports, "a <day> & more");
  CHECK(svg.starts_with("<svg"));
  CHECK(svg.find("a &lt;day&gt; &amp; more") != std::string::npos);
  CHECK(svg.find(">balanced</text>") != std::string::npos);
}

TEST_CASE("Replay: the same seed replays to the same outcome", "[replay]") {
  auto fed = demo_federation();
  REQUIRE(fed);
  const Workload w = generate_workload({.days = 1, .seed = 5, .scale = 0.03});
  auto a = run_replay(*fed, w, *find_policy("random"), {.seed = 9});
  auto b = run_replay(*fed, w, *find_policy("random"), {.seed = 9});
  REQUIRE(a);
  REQUIRE(b);
  for (std::size_t i = 0; i < a->jobs.size(); ++i) {
    CHECK(a->jobs[i].site_id == b->jobs[i].site_id);
    CHECK(a->jobs[i].result_s == b->jobs[i].result_s);
  }
}

TEST_CASE("Replay: residency-bound jobs stay in their regions under every policy", "[replay]") {
  auto fed = demo_federation();
  REQUIRE(fed);
  Workload w;
  w.span_s = 3600;
  for (int i = 0; i < 200; ++i) {
    WorkloadJob j;
    j.id = "job_" + std::to_string(i);
    j.arrival_s = i * 10.0;
    j.runtime_s = 600;
    j.spec.command = "run";
    j.spec.resources.cpus = 8;
    j.spec.resources.walltime_s = 1200;
    j.spec.submitter_region = "cn-csj-shanghai";
    j.spec.constraints.regions = {i % 2 ? "cn-csj-shanghai" : "cn-gz-guian"};
    w.jobs.push_back(std::move(j));
  }
  for (const auto& p : policy_table()) {
    auto run = run_replay(*fed, w, p, {});
    REQUIRE(run);
    for (std::size_t i = 0; i < run->jobs.size(); ++i) {
      INFO(p.name << " job " << i);
      REQUIRE(run->jobs[i].state == FinalState::succeeded);
      CHECK(run->jobs[i].region == w.jobs[i].spec.constraints.regions.front());
    }
  }
}
