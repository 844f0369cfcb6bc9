// Billing a job's end (see billing.hpp).
#include "gateway/accounting/billing.hpp"

#include <algorithm>
#include <chrono>

#include "gateway/accounting/cost.hpp"

namespace suanwang::accounting {

int64_t used_seconds(const std::optional<TimePoint>& started_at, TimePoint finished_at) {
  if (!started_at) return 0;
  return std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::seconds>(finished_at - *started_at).count());
}

double final_cost_cny(bool charged, const model::Pricing* pricing,
                      const model::Resources& resources, const std::optional<TimePoint>& started_at,
                      TimePoint finished_at) {
  if (!charged || !started_at || pricing == nullptr) return 0;
  return compute_cost_cny(*pricing, resources, used_seconds(started_at, finished_at));
}

bool ends_job(model::JobState from, model::JobState to) {
  return model::is_terminal(to) && !model::is_terminal(from);
}

double charge_cny(const model::JobRecord& ended) {
  return ended.final_cost_cny && *ended.final_cost_cny > 0 ? *ended.final_cost_cny : 0.0;
}

model::UsageRecord usage_record(const model::JobRecord& j, const BilledSite* site) {
  const auto& r = j.spec.resources;
  model::Pricing pricing;  // all 0, per-second: what a job that reached no site is billed at
  double accelerator_price = 0;
  if (site != nullptr) {
    pricing = site->pricing;
    if (r.accelerators) {
      if (auto it = pricing.gpu_hour.find(r.accelerators->model); it != pricing.gpu_hour.end()) {
        accelerator_price = it->second;
      }
    }
  }
  model::UsageRecord u;
  u.job_id = j.id;
  u.org_id = j.org_id;
  u.site_id = j.site_id;
  u.site_org_id = site != nullptr ? site->org_id : std::string();
  u.state = model::job_state_name(j.state);
  u.cpus = static_cast<double>(r.cpus);
  u.memory_gb = r.memory_gb;
  u.accelerator_model = r.accelerators ? r.accelerators->model : std::string();
  u.accelerator_count = r.accelerators ? r.accelerators->count : 0;
  u.started_at = j.started_at;
  u.finished_at = j.finished_at.value_or(j.updated_at);
  u.seconds = used_seconds(j.started_at, u.finished_at);
  u.billed_seconds = billed_seconds(pricing, u.seconds);
  u.prices = {{"cpu_core_hour", pricing.cpu_core_hour},
              {"memory_gb_hour", pricing.memory_gb_hour},
              {"accelerator_hour", accelerator_price},
              {"billing_granularity_s", pricing.billing_granularity_s}};
  u.cost_cny = j.final_cost_cny.value_or(0.0);
  if (site != nullptr) {
    const auto e = model::estimate_energy(
        model::power_model(site->energy, site->region ? &*site->region : nullptr), r,
        static_cast<double>(u.seconds));
    u.energy_kwh = e.kwh;
    u.co2_kg = e.co2_kg;
  }
  return u;
}

}  // namespace suanwang::accounting
