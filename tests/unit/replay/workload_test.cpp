// The workload generator: seeded determinism and the documented distributions.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "tools/replay/workload.hpp"

using namespace suanwang;
using namespace suanwang::replay;

TEST_CASE("Workload: the same seed gives the same jobs, another seed others",
          "[replay][workload]") {
  const Workload a = generate_workload({.days = 1, .seed = 7, .scale = 0.2});
  const Workload b = generate_workload({.days = 1, .seed = 7, .scale = 0.2});
  const Workload c = generate_workload({.days = 1, .seed = 8, .scale = 0.2});
  REQUIRE(a.jobs.size() == b.jobs.size());
  REQUIRE(!a.jobs.empty());
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    CHECK(a.jobs[i].id == b.jobs[i].id);
    CHECK(a.jobs[i].arrival_s == b.jobs[i].arrival_s);
    CHECK(a.jobs[i].runtime_s == b.jobs[i].runtime_s);
    CHECK(model::to_json(a.jobs[i].spec) == model::to_json(b.jobs[i].spec));
  }
  bool differs = a.jobs.size() != c.jobs.size();
  for (std::size_t i = 0; !differs && i < a.jobs.size(); ++i) {
    differs = a.jobs[i].arrival_s != c.jobs[i].arrival_s;
  }
  CHECK(differs);
}

TEST_CASE("Workload: a week has the documented shape", "[replay][workload]") {
  const Workload w = generate_workload({.days = 7, .seed = 1, .scale = 0.25});
  CHECK(w.span_s == 7 * 86400.0);
  CHECK(w.datasets.size() == 40);
  std::map<JobClass, std::vector<const WorkloadJob*>> by;
  for (const auto& j : w.jobs) by[j.job_class].push_back(&j);
  REQUIRE(by[JobClass::sme_cpu].size() > 10000);
  REQUIRE(by[JobClass::training].size() > 200);
  REQUIRE(by[JobClass::inference].size() > 2000);
  REQUIRE(by[JobClass::data_heavy].size() > 300);
  // SME jobs are far more numerous than training jobs (peak 1400/h against 14/h, flatter).
  CHECK(by[JobClass::sme_cpu].size() > 40 * by[JobClass::training].size());

  for (std::size_t i = 1; i < w.jobs.size(); ++i) {
    CHECK(w.jobs[i - 1].arrival_s <= w.jobs[i].arrival_s);
  }
  for (const auto& j : w.jobs) {
    REQUIRE(j.arrival_s >= 0);
    REQUIRE(j.arrival_s < w.span_s);
    REQUIRE(j.runtime_s >= 60);
    REQUIRE(j.spec.resources.walltime_s >= j.runtime_s);
  }

  // SMEs submit from the east only, with small CPU jobs and no accelerators.
  const std::vector<std::string> east = {"cn-csj-shanghai", "cn-gba-shaoguan",
                                         "cn-jjj-zhangjiakou"};
  double sme_median = 0;
  {
    std::vector<int64_t> rt;
    for (const auto* j : by[JobClass::sme_cpu]) {
      CHECK(std::find(east.begin(), east.end(), j->spec.submitter_region) != east.end());
      CHECK(!j->spec.resources.accelerators);
      CHECK(j->spec.resources.cpus <= 64);
      rt.push_back(j->runtime_s);
    }
    std::sort(rt.begin(), rt.end());
    sme_median = static_cast<double>(rt[rt.size() / 2]);
  }
  CHECK(sme_median == Approx(45 * 60).epsilon(0.1));  // lognormal median 45 min

  // Training: 8 to 512 accelerators, powers of two, hours long, with an estimate.
  for (const auto* j : by[JobClass::training]) {
    REQUIRE(j->spec.resources.accelerators);
    const int n = j->spec.resources.accelerators->count;
    CHECK(n >= 8);
    CHECK(n <= 512);
    CHECK((n & (n - 1)) == 0);
    CHECK(j->runtime_s >= 20 * 60);
    CHECK(j->spec.expected_runtime_s);
  }

  // Business hours are busier than nights, weekdays than weekends (SME arrivals per hour).
  auto per_hour = [&](double from_h, double to_h, int day) {
    int n = 0;
    for (const auto* j : by[JobClass::sme_cpu]) {
      const double h = j->arrival_s / 3600 - day * 24;
      if (h >= from_h && h < to_h) ++n;
    }
    return n / (to_h - from_h);
  };
  CHECK(per_hour(9, 12, 1) > 4 * per_hour(0, 7, 1));
  CHECK(per_hour(9, 12, 1) > 2 * per_hour(9, 12, 5));

  // Data-heavy jobs read catalogue datasets; resident ones are bound to the replicas' regions.
  int bound = 0;
  for (const auto* j : by[JobClass::data_heavy]) {
    REQUIRE(!j->spec.inputs.empty());
    for (const auto& in : j->spec.inputs) CHECK(!in.dataset.empty());
    if (!j->spec.constraints.regions.empty()) {
      ++bound;
      for (const auto& in : j->spec.inputs) {
        auto ds = std::find_if(w.datasets.begin(), w.datasets.end(),
                               [&](const auto& d) { return d.id == in.dataset; });
        REQUIRE(ds != w.datasets.end());
      }
    }
  }
  CHECK(bound > 0);
  CHECK(bound < static_cast<int>(by[JobClass::data_heavy].size()));
}
