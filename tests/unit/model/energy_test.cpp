// Energy and carbon estimates (model/energy.hpp): the arithmetic, the defaults and their order,
// and the site's `energy` object with its errors naming the field.
#include <catch2/catch.hpp>

#include "gateway/model/energy.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/region.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::model;

Region grid_region(double carbon, std::optional<double> pue) {
  Region r;
  r.id = "cn-test";
  r.side = "west";
  r.carbon_g_per_kwh = carbon;
  r.pue_target = pue;
  return r;
}

TEST_CASE("energy is power x hours x PUE, emissions energy x the grid", "[model][energy]") {
  const Region r = grid_region(140.4, 1.25);
  const PowerModel p = power_model(SiteEnergy{}, &r);
  CHECK(p.pue == 1.25);
  CHECK(p.carbon_g_per_kwh == 140.4);
  Resources res;
  res.cpus = 16;
  res.accelerators = AcceleratorNeed{"H100", 8};
  // 16 x 4.4 W + 8 x 700 W = 5670.4 W for two hours at PUE 1.25 = 14.176 kWh.
  const Energy e = estimate_energy(p, res, 2 * 3600.0);
  CHECK(e.kwh == Approx(5670.4 * 2 * 1.25 / 1000));
  CHECK(e.co2_kg == Approx(e.kwh * 0.1404));
  // Nothing ran, nothing drawn.
  CHECK(estimate_energy(p, res, 0).kwh == 0);
  CHECK(estimate_energy(p, res, -5).co2_kg == 0);
}

TEST_CASE("the operator's figures win, then the region's, then the national defaults",
          "[model][energy]") {
  SiteEnergy own;
  own.pue = 1.08;
  own.cpu_core_w = 10;
  own.accelerator_w["Ascend910B"] = 310;
  const Region r = grid_region(684.9, 1.2);
  const PowerModel p = power_model(own, &r);
  CHECK(p.pue == 1.08);
  CHECK(p.cpu_core_w == 10);
  CHECK(p.accelerator_watts("Ascend910B") == 310);
  CHECK(p.accelerator_watts("A800") == 400);  // not the operator's: the table
  CHECK(p.accelerator_watts("NoSuchCard") == kDefaultAcceleratorW);

  const PowerModel region_only = power_model(SiteEnergy{}, &r);
  CHECK(region_only.pue == 1.2);
  CHECK(region_only.cpu_core_w == kDefaultCpuCoreW);

  const Region unknown = grid_region(0, std::nullopt);
  Region no_figures;
  no_figures.id = "x";
  const PowerModel bare = power_model(SiteEnergy{}, &no_figures);
  CHECK(bare.pue == kDefaultPue);
  CHECK(bare.carbon_g_per_kwh == kNationalCarbonGPerKwh);
  CHECK(power_model(SiteEnergy{}, nullptr).carbon_g_per_kwh == kNationalCarbonGPerKwh);
  // A region that says 0 g/kWh (all renewable) is taken at its word.
  CHECK(power_model(SiteEnergy{}, &unknown).carbon_g_per_kwh == 0);
}

TEST_CASE("a site's energy object is parsed and its errors name the field", "[model][energy]") {
  auto ok = parse_site_energy(
      Json{{"pue", 1.15}, {"cpu_core_w", 6}, {"accelerator_w", {{"H20", 350}}}}, "energy");
  REQUIRE(ok);
  CHECK(*ok->pue == 1.15);
  CHECK(*ok->cpu_core_w == 6);
  CHECK(ok->accelerator_w.at("H20") == 350);
  CHECK(to_json(*ok) ==
        Json{{"pue", 1.15}, {"cpu_core_w", 6}, {"accelerator_w", {{"H20", 350}}}});
  CHECK(to_json(SiteEnergy{}) == Json::object());

  struct Bad {
    Json body;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {Json{{"pue", 0.9}}, "energy.pue"},
      {Json{{"pue", "1.2"}}, "energy.pue"},
      {Json{{"cpu_core_w", -1}}, "energy.cpu_core_w"},
      {Json{{"accelerator_w", 5}}, "energy.accelerator_w"},
      {Json{{"accelerator_w", {{"H20", 0}}}}, "energy.accelerator_w.H20"},
      {Json{{"accelerator_w", {{"bad model!", 100}}}}, "energy.accelerator_w.bad model!"},
      {Json{{"watts", 100}}, "energy.watts"},
      {Json::array(), "energy"},
  };
  for (const auto& b : bad) {
    INFO(b.body.dump());
    auto r = parse_site_energy(b.body, "energy");
    REQUIRE_FALSE(r);
    CHECK(r.error().field == b.field);
  }
}

TEST_CASE("regions carry their grid figures through parsing and JSON", "[model][energy]") {
  const Json body = Json::array({Json{{"id", "cn-cy-chengdu"},
                                      {"name", "Chengdu"},
                                      {"carbon_g_per_kwh", 140.4},
                                      {"green_share", 0.7},
                                      {"pue_target", 1.25}},
                                 Json{{"id", "cn-x"}, {"name", "X"}}});
  auto regions = parse_regions(body);
  REQUIRE(regions);
  CHECK(*(*regions)[0].carbon_g_per_kwh == 140.4);
  CHECK(*(*regions)[0].green_share == 0.7);
  CHECK(*(*regions)[0].pue_target == 1.25);
  CHECK_FALSE((*regions)[1].carbon_g_per_kwh);
  const Json j = to_json((*regions)[0]);
  CHECK(j["carbon_g_per_kwh"] == 140.4);
  CHECK_FALSE(to_json((*regions)[1]).contains("carbon_g_per_kwh"));

  auto bad = parse_regions(Json::array({Json{{"id", "a"}, {"name", "A"}, {"green_share", 1.5}}}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().field == "regions[0].green_share");
}

}  // namespace
