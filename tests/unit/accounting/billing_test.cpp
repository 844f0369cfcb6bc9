// Billing a job's end: the final cost (charged ends only, at the site's prices and
// granularity), the charge (never negative), and the usage record's figures.
#include <catch2/catch.hpp>

#include "gateway/accounting/billing.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::accounting;

constexpr int64_t kBillT0 = 1'700'000'000'000;

model::Pricing billing_prices() {
  model::Pricing p;
  p.cpu_core_hour = 3.6;
  p.memory_gb_hour = 0;
  p.gpu_hour = {{"A800", 36.0}};
  p.billing_granularity_s = 60;
  return p;
}

model::JobRecord billed_job() {
  model::JobRecord j;
  j.id = "job_1";
  j.org_id = "org_u";
  j.site_id = "site_1";
  j.spec.resources.cpus = 2;
  j.spec.resources.memory_gb = 4;
  j.spec.resources.accelerators = model::AcceleratorNeed{"A800", 1};
  j.state = model::JobState::succeeded;
  j.created_at = j.updated_at = from_unix_ms(kBillT0);
  j.started_at = from_unix_ms(kBillT0);
  j.finished_at = from_unix_ms(kBillT0 + 1'801'000);  // 1801 s: billed 1860 s
  j.final_cost_cny = 19.8;
  return j;
}

TEST_CASE("a finished job costs what it used at the site's prices, when charged",
          "[accounting][billing]") {
  const auto p = billing_prices();
  const auto j = billed_job();
  const double rate = 2 * 3.6 + 36.0;  // CNY per hour
  CHECK(final_cost_cny(true, &p, j.spec.resources, j.started_at, *j.finished_at) ==
        Approx(rate * 1860 / 3600));
  // A system_error (not charged), a job that never started, a site gone: 0.
  CHECK(final_cost_cny(false, &p, j.spec.resources, j.started_at, *j.finished_at) == 0);
  CHECK(final_cost_cny(true, &p, j.spec.resources, std::nullopt, *j.finished_at) == 0);
  CHECK(final_cost_cny(true, nullptr, j.spec.resources, j.started_at, *j.finished_at) == 0);
  // A clock that went backwards uses nothing.
  CHECK(used_seconds(from_unix_ms(kBillT0 + 5000), from_unix_ms(kBillT0)) == 0);
}

TEST_CASE("only the move that ends a job charges it", "[accounting][billing]") {
  using BS = model::JobState;
  CHECK(ends_job(BS::running, BS::succeeded));
  CHECK(ends_job(BS::pending, BS::canceled));
  CHECK_FALSE(ends_job(BS::placed, BS::running));
  CHECK_FALSE(ends_job(BS::failed, BS::failed));
  auto j = billed_job();
  CHECK(charge_cny(j) == 19.8);
  j.final_cost_cny = 0;
  CHECK(charge_cny(j) == 0);
  j.final_cost_cny.reset();
  CHECK(charge_cny(j) == 0);
}

TEST_CASE("the usage record says what was used and billed, at which prices",
          "[accounting][billing]") {
  const BilledSite site{"org_op", billing_prices()};
  const auto u = usage_record(billed_job(), &site);
  CHECK(u.job_id == "job_1");
  CHECK(u.org_id == "org_u");
  CHECK(u.site_id == "site_1");
  CHECK(u.site_org_id == "org_op");
  CHECK(u.state == "succeeded");
  CHECK(u.cpus == 2);
  CHECK(u.memory_gb == 4);
  CHECK(u.accelerator_model == "A800");
  CHECK(u.accelerator_count == 1);
  CHECK(u.seconds == 1801);
  CHECK(u.billed_seconds == 1860);
  CHECK(u.prices["accelerator_hour"] == 36.0);
  CHECK(u.prices["cpu_core_hour"] == 3.6);
  CHECK(u.prices["billing_granularity_s"] == 60);
  CHECK(u.cost_cny == 19.8);

  // Ended before reaching a site (or its row is gone): no operator, no prices, per second.
  auto j = billed_job();
  j.site_id.clear();
  j.started_at.reset();
  j.finished_at.reset();
  j.final_cost_cny = 0;
  const auto none = usage_record(j, nullptr);
  CHECK(none.site_org_id.empty());
  CHECK(none.seconds == 0);
  CHECK(none.billed_seconds == 0);
  CHECK(none.finished_at == j.updated_at);
  CHECK(none.prices["cpu_core_hour"] == 0.0);
  CHECK(none.prices["billing_granularity_s"] == 1);
  CHECK(none.energy_kwh == 0);
  CHECK(none.co2_kg == 0);
}

TEST_CASE("the usage record estimates the energy and emissions of the seconds used",
          "[accounting][billing][energy]") {
  // 2 CPUs at 4.4 W and one A800 at 400 W for 1801 s, PUE 1.2, a 500 g/kWh grid.
  model::Region region;
  region.id = "r";
  region.carbon_g_per_kwh = 500;
  region.pue_target = 1.2;
  const BilledSite site{"org_op", billing_prices(), {}, region};
  const auto u = usage_record(billed_job(), &site);
  const double kwh = (2 * 4.4 + 400) * (1801 / 3600.0) * 1.2 / 1000;
  CHECK(u.energy_kwh == Approx(kwh));
  CHECK(u.co2_kg == Approx(kwh * 0.5));

  // The operator's figures win over the defaults; a region without a figure takes the
  // national average.
  BilledSite own{"org_op", billing_prices(), {}, std::nullopt};
  own.energy.pue = 1.1;
  own.energy.accelerator_w["A800"] = 300;
  const auto o = usage_record(billed_job(), &own);
  const double own_kwh = (2 * 4.4 + 300) * (1801 / 3600.0) * 1.1 / 1000;
  CHECK(o.energy_kwh == Approx(own_kwh));
  CHECK(o.co2_kg == Approx(own_kwh * model::kNationalCarbonGPerKwh / 1000));
}

}  // namespace
