// Compute-cost arithmetic: rate = cpus x cpu price + GB x memory price + devices x device price
// (per hour), billed for the seconds used rounded up to the site's granularity.
#include <catch2/catch.hpp>

#include "gateway/accounting/cost.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::accounting;

// The DESIGN §5 site's prices.
model::Pricing guian() {
  model::Pricing p;
  p.cpu_core_hour = 0.05;
  p.memory_gb_hour = 0.004;
  p.gpu_hour = {{"Ascend910B", 4.2}, {"A800", 7.5}};
  p.egress_gb = 0.2;
  return p;
}

// The DESIGN §5 job's resources.
model::Resources resnet() {
  model::Resources r;
  r.cpus = 16;
  r.memory_gb = 64;
  r.walltime_s = 7200;
  r.accelerators = model::AcceleratorNeed{"Ascend910B", 8};
  return r;
}

TEST_CASE("the hourly rate adds CPU, memory and the requested accelerator", "[accounting][cost]") {
  // 16 x 0.05 + 64 x 0.004 + 8 x 4.2 = 0.8 + 0.256 + 33.6
  CHECK(hourly_rate_cny(guian(), resnet()) == Approx(34.656).epsilon(1e-12));

  auto cpu_only = resnet();
  cpu_only.accelerators.reset();
  CHECK(hourly_rate_cny(guian(), cpu_only) == Approx(1.056).epsilon(1e-12));

  // The A800 price applies to an A800 job, not the Ascend one.
  auto a800 = resnet();
  a800.accelerators = model::AcceleratorNeed{"A800", 2};
  CHECK(hourly_rate_cny(guian(), a800) == Approx(1.056 + 15.0).epsilon(1e-12));

  // A model the site does not price adds nothing (placement filters such sites out).
  auto h100 = resnet();
  h100.accelerators = model::AcceleratorNeed{"H100", 8};
  CHECK(hourly_rate_cny(guian(), h100) == Approx(1.056).epsilon(1e-12));

  CHECK(hourly_rate_cny(model::Pricing{}, resnet()) == 0.0);
}

TEST_CASE("compute cost is the rate times the billed hours", "[accounting][cost]") {
  // 5400 s = 1.5 h at 34.656/h.
  CHECK(compute_cost_cny(guian(), resnet(), 5400) == Approx(51.984).epsilon(1e-12));
  CHECK(compute_cost_cny(guian(), resnet(), 3600) == Approx(34.656).epsilon(1e-12));
  // One second of one core at ¥3.6/core-hour is ¥0.001.
  model::Pricing p;
  p.cpu_core_hour = 3.6;
  model::Resources one;
  one.cpus = 1;
  one.memory_gb = 1;
  CHECK(compute_cost_cny(p, one, 1) == Approx(0.001).epsilon(1e-12));
  CHECK(compute_cost_cny(guian(), resnet(), 0) == 0.0);
  CHECK(compute_cost_cny(guian(), resnet(), -10) == 0.0);
}

TEST_CASE("usage is rounded up to the billing granularity", "[accounting][cost]") {
  auto p = guian();
  CHECK(billed_seconds(p, 1) == 1);
  CHECK(billed_seconds(p, 5400) == 5400);

  p.billing_granularity_s = 3600;
  CHECK(billed_seconds(p, 1) == 3600);
  CHECK(billed_seconds(p, 3599) == 3600);
  CHECK(billed_seconds(p, 3600) == 3600);
  CHECK(billed_seconds(p, 3601) == 7200);
  CHECK(billed_seconds(p, 5400) == 7200);
  CHECK(billed_seconds(p, 0) == 0);  // nothing used, nothing billed
  CHECK(billed_seconds(p, -5) == 0);
  // 5400 s billed as 2 h at 34.656/h.
  CHECK(compute_cost_cny(p, resnet(), 5400) == Approx(69.312).epsilon(1e-12));

  p.billing_granularity_s = 60;
  CHECK(billed_seconds(p, 61) == 120);

  // A nonsensical granularity is treated as per-second rather than dividing by zero.
  p.billing_granularity_s = 0;
  CHECK(billed_seconds(p, 61) == 61);
  p.billing_granularity_s = -5;
  CHECK(billed_seconds(p, 61) == 61);
}

}  // namespace
