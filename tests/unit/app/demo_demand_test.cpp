// DemoDemand: the demo's background jobs are the same for a seed, come at about the asked rate,
// mix CPU batch, inference and training, and are sized for a demo that moves in minutes.
#include <catch2/catch.hpp>

#include <map>

#include "gateway/app/demo_demand.hpp"

namespace {

using namespace suanwang;
using app::DemoDemand;

TEST_CASE("the demo's background jobs are the same for a seed and differ for another",
          "[app][demo_load]") {
  DemoDemand a(7, 3), b(7, 3), c(8, 3);
  bool differs = false;
  for (int i = 0; i < 50; ++i) {
    const auto ja = a.next(), jb = b.next(), jc = c.next();
    CHECK(ja.after_s == jb.after_s);
    CHECK(ja.kind == jb.kind);
    CHECK(model::to_json(ja.spec) == model::to_json(jb.spec));
    differs = differs || ja.after_s != jc.after_s || model::to_json(ja.spec) != model::to_json(jc.spec);
  }
  CHECK(differs);
}

TEST_CASE("the demo's background jobs come at the rate asked, in the documented mix and sizes",
          "[app][demo_load]") {
  constexpr int kJobs = 3000;
  DemoDemand demand(1, 4);
  double span_s = 0;
  std::map<std::string, int> kinds;
  for (int i = 0; i < kJobs; ++i) {
    const auto j = demand.next();
    INFO("job " << i << ": " << model::to_json(j.spec).dump());
    span_s += j.after_s;
    kinds[j.kind] += 1;
    const auto& s = j.spec;
    REQUIRE(s.expected_runtime_s);
    CHECK(*s.expected_runtime_s >= DemoDemand::kMinRuntimeS);
    CHECK(*s.expected_runtime_s <= DemoDemand::kMaxRuntimeS);
    CHECK(s.resources.walltime_s >= *s.expected_runtime_s + 60);
    CHECK(s.resources.walltime_s % 60 == 0);
    CHECK(s.constraints.sites.empty());  // the caller's to set
    CHECK_FALSE(s.submitter_region.empty());
    for (const auto& in : s.inputs) CHECK(in.dataset.empty());  // blobs only: no catalogue
    if (j.kind == "cpu-batch") {
      CHECK_FALSE(s.resources.accelerators);
      CHECK(s.resources.cpus <= 64);
    } else {
      REQUIRE(s.resources.accelerators);
      CHECK(s.resources.accelerators->count >= 1);
      CHECK(s.resources.accelerators->count <= DemoDemand::kMaxAccelerators);
      CHECK(s.resources.cpus == 4 * s.resources.accelerators->count);
      CHECK(s.interactive == (j.kind == "inference"));
    }
  }
  // 4 a minute: 3000 jobs in about 750 minutes (the mean of 3000 gaps is within a few %).
  CHECK(span_s / 60.0 == Approx(kJobs / 4.0).epsilon(0.06));
  CHECK(kinds.size() == 3);
  CHECK(kinds["cpu-batch"] / double(kJobs) == Approx(0.55).margin(0.03));
  CHECK(kinds["inference"] / double(kJobs) == Approx(0.30).margin(0.03));
  CHECK(kinds["training"] / double(kJobs) == Approx(0.15).margin(0.03));
}

}  // namespace

namespace {

TEST_CASE("the demo's time scale compresses runtimes, within their bounds",
          "[app][demo_load]") {
  suanwang::app::DemoDemand real_time(3, 3, 1), demo(3, 3, 30), instant(3, 3, 1e6);
  int shorter = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = real_time.next(), d = demo.next(), x = instant.next();
    CHECK(r.kind == d.kind);  // the same jobs, only faster
    CHECK(*d.spec.expected_runtime_s <= *r.spec.expected_runtime_s);
    shorter += *d.spec.expected_runtime_s < *r.spec.expected_runtime_s;
    CHECK(*x.spec.expected_runtime_s == DemoDemand::kMinRuntimeS);
  }
  CHECK(shorter > 100);
}

}  // namespace
