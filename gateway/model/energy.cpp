// Energy and carbon estimates (see energy.hpp).
#include "gateway/model/energy.hpp"

#include <array>
#include <utility>

#include "gateway/model/job.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"

namespace suanwang::model {

double default_accelerator_w(std::string_view accelerator_model) {
  static constexpr std::array<std::pair<std::string_view, double>, 12> kBoardW = {{
      {"H100", 700},
      {"H800", 700},
      {"A800", 400},
      {"A100", 400},
      {"H20", 400},
      {"V100", 300},
      {"A10", 150},
      {"T4", 70},
      {"RTX4090", 450},
      {"Ascend910B", 400},
      {"HygonDCU", 350},
      {"L40S", 350},
  }};
  for (const auto& [name, w] : kBoardW) {
    if (name == accelerator_model) return w;
  }
  return kDefaultAcceleratorW;
}

double PowerModel::accelerator_watts(std::string_view model) const {
  if (accelerator_w) {
    if (auto it = accelerator_w->find(std::string(model)); it != accelerator_w->end()) {
      return it->second;
    }
  }
  return default_accelerator_w(model);
}

PowerModel power_model(const SiteEnergy& site, const Region* region) {
  PowerModel p;
  p.pue = site.pue.value_or(region && region->pue_target ? *region->pue_target : kDefaultPue);
  p.cpu_core_w = site.cpu_core_w.value_or(kDefaultCpuCoreW);
  p.accelerator_w = site.accelerator_w.empty() ? nullptr : &site.accelerator_w;
  if (region && region->carbon_g_per_kwh) p.carbon_g_per_kwh = *region->carbon_g_per_kwh;
  return p;
}

Energy estimate_energy(const PowerModel& power, double cpus, std::string_view accelerator_model,
                       int64_t accelerator_count, double seconds) {
  if (seconds <= 0) return {};
  double watts = cpus * power.cpu_core_w;
  if (accelerator_count > 0) {
    watts += static_cast<double>(accelerator_count) * power.accelerator_watts(accelerator_model);
  }
  Energy e;
  e.kwh = watts * (seconds / 3600.0) * power.pue / 1000.0;
  e.co2_kg = e.kwh * power.carbon_g_per_kwh / 1000.0;
  return e;
}

Energy estimate_energy(const PowerModel& power, const Resources& resources, double seconds) {
  if (resources.accelerators) {
    return estimate_energy(power, resources.cpus, resources.accelerators->model,
                           resources.accelerators->count, seconds);
  }
  return estimate_energy(power, resources.cpus, "", 0, seconds);
}

Result<SiteEnergy> parse_site_energy(const Json& body, const std::string& path) {
  JsonReader r(body, path + ".");
  if (auto v = r.expect_object(); !v) return fail(v.error());
  if (auto v = r.reject_unknown({"pue", "cpu_core_w", "accelerator_w"}); !v) return fail(v.error());
  SiteEnergy e;
  auto pue = r.opt_number("pue", 1.0, 3.0);
  if (!pue) return fail(pue.error());
  e.pue = *pue;
  auto core = r.opt_number("cpu_core_w", 0, 1000);
  if (!core) return fail(core.error());
  e.cpu_core_w = *core;
  if (const Json* a = r.get("accelerator_w")) {
    const std::string field = path + ".accelerator_w";
    if (!a->is_object()) {
      return fail(Error::invalid_coded(field, {"energy.accelerator_w_object", {{"field", field}}}));
    }
    if (a->size() > 64) {
      return fail(
          Error::invalid_coded(field, {"json.too_many_items", {{"field", field}, {"max", "64"}}}));
    }
    for (const auto& [m, w] : a->items()) {
      const std::string f = field + "." + m;
      if (!valid_accelerator_model(m)) {
        return fail(Error::invalid_coded(
            f, {"site.accelerator_model_name", {{"field", f}, {"model", m.substr(0, 64)}}}));
      }
      if (!w.is_number() || w.get<double>() <= 0 || w.get<double>() > 5000) {
        return fail(Error::invalid_coded(
            f, {"energy.board_power",
                {{"field", f}, {"max", "5000"}, {"value", w.dump().substr(0, 32)}}}));
      }
      e.accelerator_w[m] = w.get<double>();
    }
  }
  return e;
}

Json to_json(const SiteEnergy& e) {
  Json j = Json::object();
  if (e.pue) j["pue"] = *e.pue;
  if (e.cpu_core_w) j["cpu_core_w"] = *e.cpu_core_w;
  if (!e.accelerator_w.empty()) j["accelerator_w"] = e.accelerator_w;
  return j;
}

}  // namespace suanwang::model
