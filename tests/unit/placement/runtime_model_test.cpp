// RuntimeModel: predictions from the median ratio of an org's finished jobs of one shape,
// what it learns from and what it ignores, its window and its clamps.
#include <catch2/catch.hpp>

#include "gateway/placement/runtime_model.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::placement;

model::JobSpec cpu_job(int64_t walltime_s) {
  model::JobSpec j;
  j.resources.cpus = 4;
  j.resources.memory_gb = 8;
  j.resources.walltime_s = walltime_s;
  return j;
}

model::JobSpec gpu_job(int64_t walltime_s, const std::string& model = "A800") {
  auto j = cpu_job(walltime_s);
  j.resources.accelerators = model::AcceleratorNeed{model, 1};
  return j;
}

RuntimeModelOptions small(std::size_t window = 8, std::size_t min_samples = 3) {
  RuntimeModelOptions o;
  o.window = window;
  o.min_samples = min_samples;
  return o;
}

}  // namespace

TEST_CASE("no prediction until the key has enough finished jobs", "[placement][runtime]") {
  RuntimeModel m(small(8, 3));
  const auto j = cpu_job(3600);
  CHECK_FALSE(m.predict("org", j));
  m.observe("org", j, 900);
  m.observe("org", j, 900);
  CHECK_FALSE(m.predict("org", j));
  m.observe("org", j, 900);
  REQUIRE(m.predict("org", j));
  CHECK(*m.predict("org", j) == 900);
}

TEST_CASE("the prediction is the walltime times the median ratio", "[placement][runtime]") {
  RuntimeModel m(small(8, 3));
  // Ratios 0.25, 0.5 and 1.0 from jobs of different lengths: the median is 0.5.
  m.observe("org", cpu_job(4000), 1000);
  m.observe("org", cpu_job(600), 600);
  m.observe("org", cpu_job(7200), 3600);
  CHECK(m.ratio("org", cpu_job(1)) == Approx(0.5));
  CHECK(*m.predict("org", cpu_job(10'000)) == 5000);
  // An even count averages the two middle ratios: 0.25, 0.5, 0.5, 1.0 -> 0.5; add 0.1 ->
  // 0.1, 0.25, 0.5, 0.5, 1.0 -> 0.5; add 0.2 -> (0.25 + 0.5) / 2.
  m.observe("org", cpu_job(1000), 500);
  m.observe("org", cpu_job(1000), 100);
  CHECK(m.ratio("org", cpu_job(1)) == Approx(0.5));
  m.observe("org", cpu_job(1000), 200);
  CHECK(m.ratio("org", cpu_job(1)) == Approx(0.375));
}

TEST_CASE("one crash or one overrun does not move the median far", "[placement][runtime]") {
  RuntimeModel m(small(8, 3));
  for (int i = 0; i < 6; ++i) m.observe("org", cpu_job(1000), 400);
  m.observe("org", cpu_job(1000), 0);     // crashed at once
  m.observe("org", cpu_job(1000), 5000);  // longer than its walltime (clamped to 1)
  CHECK(m.ratio("org", cpu_job(1)) == Approx(0.4));
}

TEST_CASE("keys: each org and each resource shape learns apart", "[placement][runtime]") {
  RuntimeModel m(small(8, 2));
  for (int i = 0; i < 2; ++i) {
    m.observe("a", cpu_job(1000), 200);
    m.observe("a", gpu_job(1000, "A800"), 800);
    m.observe("b", cpu_job(1000), 600);
  }
  CHECK(*m.predict("a", cpu_job(1000)) == 200);
  CHECK(*m.predict("a", gpu_job(1000, "A800")) == 800);
  CHECK(*m.predict("b", cpu_job(1000)) == 600);
  CHECK_FALSE(m.predict("a", gpu_job(1000, "H20")));  // another model: nothing learnt yet
  CHECK_FALSE(m.predict("c", cpu_job(1000)));
}

TEST_CASE("jobs that state their runtime are neither learnt from nor predicted",
          "[placement][runtime]") {
  RuntimeModel m(small(8, 1));
  auto stated = cpu_job(1000);
  stated.expected_runtime_s = 900;
  m.observe("org", stated, 100);
  CHECK_FALSE(m.predict("org", cpu_job(1000)));
  m.observe("org", cpu_job(1000), 300);
  CHECK(*m.predict("org", cpu_job(1000)) == 300);
  CHECK_FALSE(m.predict("org", stated));  // its own figure is used instead
}

TEST_CASE("the window keeps only the most recent ratios", "[placement][runtime]") {
  RuntimeModel m(small(4, 4));
  for (int i = 0; i < 4; ++i) m.observe("org", cpu_job(1000), 900);
  CHECK(*m.predict("org", cpu_job(1000)) == 900);
  // Two newer ratios replace the two oldest: 0.3, 0.3, 0.9, 0.9 -> 0.6.
  for (int i = 0; i < 2; ++i) m.observe("org", cpu_job(1000), 300);
  CHECK(*m.predict("org", cpu_job(1000)) == 600);
  // Two more and the old habit is forgotten.
  for (int i = 0; i < 2; ++i) m.observe("org", cpu_job(1000), 300);
  CHECK(*m.predict("org", cpu_job(1000)) == 300);
}

TEST_CASE("predictions stay within [min_ratio x walltime, walltime] and at least 1 s",
          "[placement][runtime]") {
  RuntimeModelOptions o = small(4, 1);
  o.min_ratio = 0.1;
  RuntimeModel m(o);
  m.observe("org", cpu_job(1000), 0);
  CHECK(*m.predict("org", cpu_job(1000)) == 100);  // floored at a tenth
  CHECK(*m.predict("org", cpu_job(3)) == 1);       // never 0
  RuntimeModel n(small(4, 1));
  n.observe("org", cpu_job(100), 100);
  CHECK(*n.predict("org", cpu_job(7200)) == 7200);  // never above the walltime
  CHECK_FALSE(n.predict("org", cpu_job(0)));        // no walltime, nothing to scale
}
