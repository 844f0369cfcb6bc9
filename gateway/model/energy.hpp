// Energy and carbon of compute (issue 21, DESIGN §3): what a job draws at a site and what that
// emits on the site's grid. The reason the western hubs exist (东数西算) is energy, so every
// placement decision shows each candidate's estimate, the settlement adds what jobs used, and
// `green` can be weighed like price and time.
//
// A job's energy at a site, in kWh:
//     (cpus x cpu_core_w + accelerators x accelerator_w(model)) x hours x PUE / 1000
// Its emissions, in kg CO2: kWh x the region's grid carbon intensity (g/kWh) / 1000.
//
// The figures, and where they come from (etc/energy/SOURCES.md has the full citations):
//  - Grid carbon intensity per region: the provincial average electricity CO2 emission factors
//    for 2022 of the Ministry of Ecology and Environment and the National Bureau of Statistics
//    (生态环境部、国家统计局《2022年电力二氧化碳排放因子》), set per region in the federation
//    (schema/demo/federation.json). A region without one uses the national average of the same
//    table, 536.6 g/kWh (kNationalCarbonGPerKwh).
//  - Share of green power per region: the province's renewable-electricity consumption
//    obligation for 2023 (NDRC/NEA, 可再生能源电力消纳责任权重, total weight) — a floor the
//    province must reach, shown beside the intensity; not used in the arithmetic.
//  - PUE: the operator's figure (site `energy.pue`), else the region's `pue_target`: the hub's
//    published target (NDRC's approvals of the eight national hubs, Feb 2022: average PUE at
//    most 1.25 in Beijing–Tianjin–Hebei, Yangtze River Delta, Greater Bay Area and
//    Chengdu–Chongqing; at most 1.2 in Inner Mongolia, Guizhou, Gansu and Ningxia), else
//    kDefaultPue, MIIT's bar for new large data centers (1.3, 新型数据中心发展三年行动计划
//    2021–2023).
//  - Power: the operator's figures (site `energy.cpu_core_w`, `energy.accelerator_w`), else
//    the vendors' board/socket TDPs below (default_accelerator_w, kDefaultCpuCoreW): a job is
//    assumed to run its devices at their rated power, which overstates light jobs and is the
//    common convention of carbon calculators (e.g. Green Algorithms, Lannelongue et al. 2021).
//    Memory, storage and network are not counted.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/json.hpp"

namespace suanwang::model {

struct Resources;
struct Region;

// What an operator says of a site's power; anything unset takes the documented default.
struct SiteEnergy {
  std::optional<double> pue;
  std::optional<double> cpu_core_w;
  std::map<std::string, double> accelerator_w;  // by accelerator model
};

// National average of the MEE/NBS 2022 table, for regions without their own figure.
inline constexpr double kNationalCarbonGPerKwh = 536.6;
// Per CPU core: AMD EPYC 7763 (64 cores, 280 W TDP, AMD's data sheet) = 4.4 W. Intel Xeon
// Platinum 8380 (40 cores, 270 W) would give 6.75 W; the lower figure is kept so that GPU jobs
// are not dominated by their host cores.
inline constexpr double kDefaultCpuCoreW = 4.4;
// An accelerator model the table below does not know.
inline constexpr double kDefaultAcceleratorW = 400;

inline constexpr double kDefaultPue = 1.3;
// Board power of an accelerator model (W): vendors' data sheets where published (NVIDIA
// H100 SXM 700, H800 700, A800/A100 SXM 400, H20 400, V100 SXM2 300, A10 150, T4 70, RTX 4090
// 450); Huawei Ascend 910B 400 and Hygon DCU 350 are press figures, not data sheets.
double default_accelerator_w(std::string_view accelerator_model);

// The figures a site's jobs are estimated with: the operator's, else the defaults.
struct PowerModel {
  double pue = kDefaultPue;
  double cpu_core_w = kDefaultCpuCoreW;
  const std::map<std::string, double>* accelerator_w = nullptr;  // the operator's; may be null
  double carbon_g_per_kwh = kNationalCarbonGPerKwh;
  double accelerator_watts(std::string_view model) const;
};
// `region` may be null (unknown region): kDefaultPue and the national intensity.
PowerModel power_model(const SiteEnergy& site, const Region* region);

struct Energy {
  double kwh = 0;
  double co2_kg = 0;
};
Energy estimate_energy(const PowerModel& power, const Resources& resources, double seconds);
// The same from a usage record's figures (accelerator model and count, CPUs).
Energy estimate_energy(const PowerModel& power, double cpus, std::string_view accelerator_model,
                       int64_t accelerator_count, double seconds);

// Site `energy` object: {"pue": 1.0..3.0, "cpu_core_w": 0..1000, "accelerator_w": {model: W}}.
Result<SiteEnergy> parse_site_energy(const Json& body, const std::string& path);
Json to_json(const SiteEnergy& e);

}  // namespace suanwang::model
