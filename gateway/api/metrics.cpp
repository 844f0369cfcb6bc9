// GET /metrics: the Prometheus text exposition. The registry's families (requests, latencies,
// placement, adapter calls) plus families computed at scrape time: jobs by state, sites by
// status, capacity by region and by accelerator model. No authentication, like /healthz: it
// carries counts, never job contents or secrets.
#include "gateway/api/api.hpp"

#include <map>

#include "gateway/federation/counted_capacity.hpp"
#include "gateway/metrics/registry.hpp"

namespace suanwang::api {
namespace {

void federation_families(ApiContext& c, std::string& out) {
  const TimePoint now = c.clock.now();
  std::map<std::string, int> by_status;
  for (const auto& [s, name] : model::kSiteStatusNames.entries()) by_status[std::string(name)] = 0;
  std::map<std::string, model::CapacityTotals> by_region;
  std::map<std::pair<std::string, std::string>, model::AcceleratorCapacity> by_model;
  const auto site_views = c.directory.snapshot();
  for (const auto& v : *site_views) {
    by_status[model::site_status_name(v.site.status)] += 1;
    // Counted as in GET /api/v1/capacity (federation/counted_capacity.hpp).
    const auto counted = federation::counted_capacity(v, now, c.config.capacity_stale_after);
    if (!counted) continue;
    by_region[v.site.region].add(*counted);
    for (const auto& [m, a] : counted->accelerators()) {
      auto& e = by_model[{v.site.region, m}];
      e.total += a.total;
      e.free += a.free;
    }
  }
  std::vector<metrics::Sample> sites;
  for (const auto& [status, n] : by_status) sites.push_back({{status}, static_cast<double>(n)});
  const std::vector<std::string> status_label{"status"};
  metrics::write_gauge_family(out, "suanwang_sites", "Registered sites by health status.",
                              status_label, sites);

  std::vector<metrics::Sample> cpus, memory;
  for (const auto& [region, t] : by_region) {
    cpus.push_back({{region, "total"}, static_cast<double>(t.cpus_total)});
    cpus.push_back({{region, "free"}, static_cast<double>(t.cpus_free)});
    // Base units, as Prometheus names want them: the API's GB are 10^9 bytes.
    memory.push_back({{region, "total"}, t.memory_gb_total * 1e9});
    memory.push_back({{region, "free"}, t.memory_gb_free * 1e9});
  }
  const std::vector<std::string> region_labels{"region", "kind"};
  metrics::write_gauge_family(out, "suanwang_capacity_cpus",
                              "CPU cores of sites with fresh reports (a drained site has none free), by region.",
                              region_labels, cpus);
  metrics::write_gauge_family(out, "suanwang_capacity_memory_bytes",
                              "Memory of sites with fresh reports (a drained site has none free), by region.",
                              region_labels, memory);
  std::vector<metrics::Sample> accel;
  for (const auto& [key, a] : by_model) {
    accel.push_back({{key.first, key.second, "total"}, static_cast<double>(a.total)});
    accel.push_back({{key.first, key.second, "free"}, static_cast<double>(a.free)});
  }
  const std::vector<std::string> model_labels{"region", "model", "kind"};
  metrics::write_gauge_family(
      out, "suanwang_capacity_accelerators",
      "Accelerators of sites with fresh reports (a drained site has none free), by region "
      "and model.",
      model_labels, accel);
}

Awaitable metrics_page(ApiContext& c, metrics::Registry& registry, RequestContext& rc) {
  auto states = co_await c.services.health.jobs_by_state();
  if (!states) co_return problem(rc, states.error());
  // Every state appears, also at zero, so a rate over it never starts from a gap.
  std::vector<metrics::Sample> jobs;
  for (int i = 0; i <= static_cast<int>(model::JobState::canceled); ++i) {
    const std::string s = model::job_state_name(static_cast<model::JobState>(i));
    const auto it = states->find(s);
    jobs.push_back({{s}, it == states->end() ? 0.0 : static_cast<double>(it->second)});
  }
  std::string out;
  // Reserved once, generously: growing a 15 MB exposition (10,000 sites' adapter histograms) by
  // doubling held both the old and the new buffer; pages reserved and never written are not
  // resident.
  out.reserve(registry.text_size_hint() + 64 * 1024);
  registry.render(out);
  const std::vector<std::string> state_label{"state"};
  metrics::write_gauge_family(out, "suanwang_jobs", "Stored jobs by state.", state_label, jobs);
  federation_families(c, out);
  co_return http::text_response(Status::ok, std::move(out), "text/plain; version=0.0.4",
                                rc.request.version());
}

}  // namespace

void register_metrics(http::Router& r, ApiContext& c, metrics::Registry& registry) {
  r.add(Verb::get, "/metrics",
        [&c, &registry](RequestContext& rc) { return metrics_page(c, registry, rc); });
}

}  // namespace suanwang::api
