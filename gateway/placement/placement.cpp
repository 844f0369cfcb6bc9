// The placement engine (see placement.hpp for the scoring formula).
#include "gateway/placement/placement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "gateway/accounting/cost.hpp"

namespace suanwang::placement {
namespace {

constexpr double kGB = 1e9;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

double transfer_seconds(const model::NetworkLink& l, int64_t bytes) {
  if (bytes <= 0) return 0;
  return l.rtt_ms / 1000.0 + static_cast<double>(bytes) * 8.0 / (l.bandwidth_gbps * 1e9);
}

// Does any one pool fit the job's shape at all (totals), and now (free)?
struct Fit {
  bool ever = false;
  bool now = false;
  int64_t pool_walltime = 0;
};

Fit fit(const model::SiteCapacity& cap, const model::Resources& r) {
  Fit f;
  for (const auto& p : cap.pools) {
    int acc_total = 0, acc_free = 0;
    if (r.accelerators) {
      auto it = p.accelerators.find(r.accelerators->model);
      if (it != p.accelerators.end()) {
        acc_total = it->second.total;
        acc_free = it->second.free;
      }
    }
    const bool acc_ok = !r.accelerators || acc_total >= r.accelerators->count;
    const bool wt_ok = p.max_walltime_s == 0 || p.max_walltime_s >= r.walltime_s;
    if (p.cpus_total >= r.cpus && p.memory_gb_total >= r.memory_gb && acc_ok && wt_ok) {
      f.ever = true;
      if (p.cpus_free >= r.cpus && p.memory_gb_free >= r.memory_gb &&
          (!r.accelerators || acc_free >= r.accelerators->count)) {
        f.now = true;
      }
    }
  }
  return f;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string human_duration(double s) {
  if (s < 1) return "now";
  if (s < 90) return "in " + fmt("%.0f", s) + " s";
  if (s < 5400) return "in " + fmt("%.0f", s / 60) + " min";
  return "in " + fmt("%.1f", s / 3600) + " h";
}

std::string human_bytes(double b) {
  if (b >= 1e12) return fmt("%.1f TB", b / 1e12);
  if (b >= 1e9) return fmt("%.1f GB", b / 1e9);
  if (b >= 1e6) return fmt("%.1f MB", b / 1e6);
  return fmt("%.0f B", b);
}

}  // namespace

model::Weights weights_for(const model::Routing& routing) {
  model::Weights w;
  if (routing.weights) {
    w = *routing.weights;
  } else if (routing.policy == "cheapest") {
    w = {1, 0, 0, 0};
  } else if (routing.policy == "fastest") {
    w = {0, 1, 0, 0};
  } else if (routing.policy == "data-local") {
    w = {0.2, 0.2, 0, 0.6};
  } else {  // balanced
    w = {0.45, 0.35, 0.1, 0.1};
  }
  const double sum = w.price + w.time + w.latency + w.locality;
  if (sum > 0) w = {w.price / sum, w.time / sum, w.latency / sum, w.locality / sum};
  return w;
}

Decision decide(const Request& req, const Snapshot& snap) {
  const model::JobSpec& job = *req.spec;
  const model::Network& net = *snap.network;
  Decision d;
  d.policy = job.routing.policy;
  d.weights = weights_for(job.routing);

  // Inputs resolved once: size and the regions holding a replica.
  struct Input {
    int64_t size = 0;
    std::vector<std::string> regions;
  };
  std::vector<Input> inputs;
  for (const auto& in : job.inputs) {
    Input x;
    if (!in.dataset.empty()) {
      auto it = snap.datasets.find(in.dataset);
      if (it == snap.datasets.end()) continue;  // validated by the caller; skip defensively
      x.size = it->second->size_bytes;
      for (const auto& r : it->second->replicas) x.regions.push_back(r.region);
    } else {
      x.size = in.size_bytes;
      x.regions.push_back(in.region);
    }
    inputs.push_back(std::move(x));
  }

  auto reject = [&](const model::Site& s, std::string code, std::string msg) {
    d.rejected.push_back({s.id, s.name, std::move(code), std::move(msg)});
  };
  const auto& res = job.resources;
  const auto& con = job.constraints;

  for (const auto& st : snap.sites) {
    const model::Site& s = *st.site;
    if (contains(req.blocked_sites, s.id)) {
      reject(s, "blocked", "this site refused or lost this job before");
      continue;
    }
    if (s.drained || s.status == model::SiteStatus::draining) {
      reject(s, "draining", "the operator is draining this site");
      continue;
    }
    if (s.status == model::SiteStatus::offline) {
      reject(s, "offline", "the site is not answering");
      continue;
    }
    if (!con.sites.empty() && !contains(con.sites, s.id)) {
      reject(s, "site_not_allowed", "not among constraints.sites");
      continue;
    }
    if (contains(con.deny_sites, s.id)) {
      reject(s, "site_denied", "listed in constraints.deny_sites");
      continue;
    }
    if (!con.regions.empty() && !contains(con.regions, s.region)) {
      reject(s, "region_not_allowed", "region " + s.region + " is not among constraints.regions");
      continue;
    }
    if (contains(con.deny_regions, s.region)) {
      reject(s, "region_denied", "region " + s.region + " is in constraints.deny_regions");
      continue;
    }
    if ((!s.policy.allowed_orgs.empty() && !contains(s.policy.allowed_orgs, req.org_id)) ||
        contains(s.policy.denied_orgs, req.org_id)) {
      reject(s, "org_not_allowed", "the site's policy does not accept jobs from this org");
      continue;
    }
    if (!job.image.empty() && !st.supports_images) {
      reject(s, "no_images", "the site cannot run container images");
      continue;
    }
    if (res.walltime_s > s.policy.max_walltime_s) {
      reject(s, "walltime",
             "walltime " + std::to_string(res.walltime_s) + " s exceeds the site's limit of " +
                 std::to_string(s.policy.max_walltime_s) + " s");
      continue;
    }
    if (res.accelerators && !s.pricing.gpu_hour.contains(res.accelerators->model)) {
      reject(s, "no_accelerator_model", "the site offers no " + res.accelerators->model);
      continue;
    }
    if (st.in_flight >= s.policy.max_in_flight) {
      reject(s, "in_flight_cap",
             "the site already has " + std::to_string(st.in_flight) +
                 " jobs in flight from the gateway (its cap)");
      continue;
    }
    if (!st.capacity) {
      reject(s, "capacity_unknown", "the site has not reported its capacity yet");
      continue;
    }
    if (st.capacity_age_s > snap.capacity_stale_after_s) {
      reject(s, "capacity_stale",
             "the site's capacity report is " + fmt("%.0f", st.capacity_age_s) + " s old");
      continue;
    }
    const Fit f = fit(*st.capacity, res);
    if (!f.ever) {
      reject(s, "too_large",
             "no partition of the site can ever hold " + std::to_string(res.cpus) + " CPUs, " +
                 fmt("%g", res.memory_gb) + " GB" +
                 (res.accelerators ? ", " + std::to_string(res.accelerators->count) + " " +
                                         res.accelerators->model
                                   : std::string()) +
                 " for " + std::to_string(res.walltime_s) + " s");
      continue;
    }

    Candidate c;
    c.site_id = s.id;
    c.site_name = s.name;
    c.region = s.region;
    const int64_t runtime = job.runtime_estimate_s();
    c.compute_cost_cny = accounting::compute_cost_cny(s.pricing, res, runtime);
    int64_t cross_bytes = 0;
    for (const auto& in : inputs) {
      // The replica that arrives soonest.
      double best_t = std::numeric_limits<double>::max();
      model::NetworkLink best_link;
      for (const auto& r : in.regions) {
        const auto l = net.link(r, s.region);
        const double t = transfer_seconds(l, in.size);
        if (t < best_t) {
          best_t = t;
          best_link = l;
        }
      }
      if (best_link.a != best_link.b) {
        cross_bytes += in.size;
        c.egress_cost_cny += static_cast<double>(in.size) / kGB * best_link.egress_cny_per_gb;
      }
      c.transfer_in_s = std::max(c.transfer_in_s, best_t);  // inputs move in parallel
    }
    c.bytes_moved = cross_bytes;
    if (job.outputs && job.outputs->size_bytes > 0) {
      const auto l = net.link(s.region, job.outputs->region);
      c.transfer_out_s = transfer_seconds(l, job.outputs->size_bytes);
      if (l.a != l.b) {
        c.bytes_moved += job.outputs->size_bytes;
        c.egress_cost_cny += static_cast<double>(job.outputs->size_bytes) / kGB *
                             (l.egress_cny_per_gb + s.pricing.egress_gb);
      }
    }
    c.total_cost_cny = c.compute_cost_cny + c.egress_cost_cny;
    if (con.max_price_cny && c.total_cost_cny > *con.max_price_cny) {
      reject(s, "over_max_price",
             "estimated ¥" + fmt("%.2f", c.total_cost_cny) +
                 " exceeds constraints.max_price_cny ¥" + fmt("%.2f", *con.max_price_cny));
      continue;
    }
    const auto& cap = *st.capacity;
    if (!f.now) {
      c.queue_wait_s = cap.est_queue_wait_s > 0
                           ? cap.est_queue_wait_s
                           : (cap.cpus_total() > 0 ? cap.queued_work_core_s / cap.cpus_total() : 0);
      if (c.queue_wait_s <= 0) c.queue_wait_s = static_cast<double>(runtime);  // busy, unknown
    }
    c.start_s = std::max(c.transfer_in_s, c.queue_wait_s);
    c.result_s = c.start_s + static_cast<double>(runtime) + c.transfer_out_s;
    if (con.deadline &&
        snap.now + std::chrono::milliseconds(static_cast<int64_t>(c.result_s * 1000)) >
            *con.deadline) {
      reject(s, "deadline",
             "results would arrive " + human_duration(c.result_s) + ", after constraints.deadline");
      continue;
    }
    c.rtt_ms = job.submitter_region.empty() ? 0 : net.link(job.submitter_region, s.region).rtt_ms;
    c.raw = {{"price", c.total_cost_cny},
             {"time", c.result_s},
             {"latency", c.rtt_ms},
             {"locality", static_cast<double>(cross_bytes)}};
    d.ranked.push_back(std::move(c));
  }

  // Normalise each criterion across the candidates, then weigh.
  for (const char* k : {"price", "time", "latency", "locality"}) {
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    for (const auto& c : d.ranked) {
      lo = std::min(lo, c.raw.at(k));
      hi = std::max(hi, c.raw.at(k));
    }
    for (auto& c : d.ranked) c.normalized[k] = hi > lo ? (c.raw.at(k) - lo) / (hi - lo) : 0.0;
  }
  for (auto& c : d.ranked) {
    c.score = d.weights.price * c.normalized["price"] + d.weights.time * c.normalized["time"] +
              d.weights.latency * c.normalized["latency"] +
              d.weights.locality * c.normalized["locality"];
  }
  std::sort(d.ranked.begin(), d.ranked.end(), [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score < b.score;
    if (a.total_cost_cny != b.total_cost_cny) return a.total_cost_cny < b.total_cost_cny;
    if (a.result_s != b.result_s) return a.result_s < b.result_s;
    return a.site_id < b.site_id;
  });

  if (d.ranked.empty()) {
    d.summary = "no site can run this job: " + std::to_string(d.rejected.size()) +
                " sites rejected it (see rejected)";
    return d;
  }
  const Candidate& best = d.ranked.front();
  d.summary = best.site_name + ": ¥" + fmt("%.2f", best.total_cost_cny) + ", starts " +
              human_duration(best.start_s);
  if (best.bytes_moved > 0) {
    d.summary += ", " + human_bytes(static_cast<double>(best.bytes_moved)) + " moved in " +
                 fmt("%.1f", best.transfer_in_s + best.transfer_out_s) + " s";
  } else {
    d.summary += ", no data moved";
  }
  const auto fastest = std::min_element(d.ranked.begin(), d.ranked.end(),
                                        [](auto& a, auto& b) { return a.result_s < b.result_s; });
  if (fastest->site_id != best.site_id && fastest->total_cost_cny > 0) {
    const double pct = 100.0 * (1.0 - best.total_cost_cny / fastest->total_cost_cny);
    if (pct >= 1) d.summary += "; " + fmt("%.0f", pct) + "% cheaper than the fastest site";
  } else if (d.ranked.size() > 1 && fastest->site_id == best.site_id) {
    d.summary += "; also the fastest of " + std::to_string(d.ranked.size()) + " sites";
  }
  return d;
}

Json to_json(const Decision& d) {
  Json ranked = Json::array();
  for (const auto& c : d.ranked) {
    ranked.push_back({{"site", c.site_id},
                      {"site_name", c.site_name},
                      {"region", c.region},
                      {"estimated_cost_cny", round_cny(c.total_cost_cny)},
                      {"compute_cost_cny", round_cny(c.compute_cost_cny)},
                      {"egress_cost_cny", round_cny(c.egress_cost_cny)},
                      {"bytes_moved", c.bytes_moved},
                      {"transfer_in_s", c.transfer_in_s},
                      {"transfer_out_s", c.transfer_out_s},
                      {"queue_wait_s", c.queue_wait_s},
                      {"start_s", c.start_s},
                      {"result_s", c.result_s},
                      {"rtt_ms", c.rtt_ms},
                      {"raw", c.raw},
                      {"normalized", c.normalized},
                      {"score", c.score}});
  }
  Json rejected = Json::array();
  for (const auto& r : d.rejected) {
    rejected.push_back(
        {{"site", r.site_id}, {"site_name", r.site_name}, {"code", r.code}, {"reason", r.message}});
  }
  Json out = {{"policy", d.policy},
              {"weights",
               {{"price", d.weights.price},
                {"time", d.weights.time},
                {"latency", d.weights.latency},
                {"locality", d.weights.locality}}},
              {"ranked", std::move(ranked)},
              {"rejected", std::move(rejected)},
              {"summary", d.summary}};
  out["chosen"] = d.ranked.empty() ? Json(nullptr) : out["ranked"][0];
  return out;
}

}  // namespace suanwang::placement
