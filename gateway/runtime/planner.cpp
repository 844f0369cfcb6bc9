// Snapshot building and reference checks for placement (see planner.hpp).
#include "gateway/runtime/planner.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace suanwang::runtime {

Planner::Planned Planner::decide_locked(const PlanInput& in) {
  const auto shared_views = directory_.snapshot();
  const auto& views = *shared_views;
  const auto network = geography_.network();
  const auto regions = geography_.regions();
  const TimePoint now = clock_.now();
  std::unordered_map<std::string_view, const federation::SiteView*> by_id;  // on first use
  holds_.expire(now, config_.hold_ttl, [&](const std::string& site) -> std::optional<TimePoint> {
    if (by_id.empty()) {
      for (const auto& v : views) by_id.emplace(v.site.id, &v);
    }
    auto it = by_id.find(site);
    if (it == by_id.end() || !it->second->capacity) return std::nullopt;
    return it->second->capacity->observed_at;
  });
  placement::Snapshot snap;
  snap.network = network.get();
  snap.regions = regions.get();
  snap.now = now;
  snap.capacity_stale_after_s = std::chrono::duration<double>(config_.capacity_stale_after).count();
  snap.sites.reserve(views.size());
  for (const auto& v : views) {
    placement::SiteState st;
    st.site = &v.site;
    st.capacity = v.capacity;
    if (v.capacity) {
      st.capacity_age_s =
          std::max(0.0, std::chrono::duration<double>(now - v.capacity->observed_at).count());
      st.held = holds_.held_at(v.site.id, *v.capacity);
    }
    auto it = in_flight_.find(v.site.id);
    st.in_flight = it == in_flight_.end() ? 0 : it->second;
    st.supports_images = v.description.supports_images;
    st.supports_staging = v.description.supports_staging;
    snap.sites.push_back(std::move(st));
  }
  for (const auto& d : *in.datasets) snap.datasets[d.id] = &d;
  placement::Request req;
  req.spec = in.spec;
  req.org_id = in.org_id;
  req.blocked_sites = in.blocked_sites;
  req.budget_remaining_cny = in.budget_remaining_cny;
  req.predicted_runtime_s = runtimes_.predict(in.org_id, *in.spec);
  req.queue_model = config_.learn_queue_waits ? &queues_ : nullptr;
  Planned out{placement::decide(req, snap)};
  const auto& d = out.decision;
  if (d.feasible()) {
    out.reported_queue_s =
        placement::reported_queue_wait_s(snap, d.ranked.front(), in.spec->resources, d.runtime_s);
  }
  return out;
}

void Planner::set_metrics(metrics::Registry& registry) {
  const std::string name = "suanwang_placement_duration_seconds";
  const std::string help = "Time to decide a placement (snapshot, filters, scores), by kind.";
  quote_seconds_ = &registry.histogram(name, help, {"kind"}, {"quote"});
  place_seconds_ = &registry.histogram(name, help, {"kind"}, {"place"});
}

placement::Decision Planner::quote(const PlanInput& in) {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto d = decide_locked(in).decision;
  observe_since(quote_seconds_, started);
  return d;
}

placement::Decision Planner::probe(const PlanInput& in) {
  std::lock_guard lock(mu_);
  return decide_locked(in).decision;
}

placement::Decision Planner::place(const std::string& job_id, const PlanInput& in) {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto planned = decide_locked(in);
  auto& d = planned.decision;
  if (d.feasible()) {
    const auto& best = d.ranked.front();
    holds_.add({job_id, best.site_id, best.pool, in.spec->resources, clock_.now(), std::nullopt});
    untrack_locked(job_id);
    in_flight_jobs_[job_id] =
        InFlight{best.site_id, clock_.now(), best.pool, planned.reported_queue_s, std::nullopt};
    in_flight_[best.site_id] += 1;
  } else {
    holds_.release(job_id);
    untrack_locked(job_id);
  }
  observe_since(place_seconds_, started);
  return d;
}

void Planner::observe_since(metrics::Histogram* h, std::chrono::steady_clock::time_point t0) {
  if (h != nullptr) {
    h->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}

void Planner::accepted(const std::string& job_id) {
  std::lock_guard lock(mu_);
  holds_.accepted(job_id, clock_.now());
  auto it = in_flight_jobs_.find(job_id);
  if (it != in_flight_jobs_.end() && !it->second.accepted_at) {
    it->second.accepted_at = clock_.now();
  }
}

void Planner::started(const std::string& job_id, TimePoint started_at) {
  std::lock_guard lock(mu_);
  auto it = in_flight_jobs_.find(job_id);
  if (it == in_flight_jobs_.end()) return;
  InFlight& f = it->second;
  if (!f.queue_estimate_s || !f.accepted_at) return;
  const double waited =
      std::max(0.0, std::chrono::duration<double>(started_at - *f.accepted_at).count());
  queues_.observe(f.site_id, f.pool, *f.queue_estimate_s, waited);
  f.queue_estimate_s.reset();  // learnt once per placement
}

std::size_t Planner::holds() const {
  std::lock_guard lock(mu_);
  return holds_.size();
}

void Planner::untrack_locked(const std::string& job_id) {
  auto it = in_flight_jobs_.find(job_id);
  if (it == in_flight_jobs_.end()) return;
  auto site = in_flight_.find(it->second.site_id);
  if (site != in_flight_.end() && --site->second <= 0) in_flight_.erase(site);
  in_flight_jobs_.erase(it);
}

void Planner::track(const std::string& job_id, const std::string& site_id, TimePoint since) {
  std::lock_guard lock(mu_);
  auto it = in_flight_jobs_.find(job_id);
  if (it != in_flight_jobs_.end() && it->second.site_id == site_id) return;
  untrack_locked(job_id);
  in_flight_jobs_[job_id] = InFlight{site_id, since, {}, std::nullopt, std::nullopt};
  in_flight_[site_id] += 1;
}

void Planner::sync_in_flight(const std::map<std::string, std::string>& site_by_job,
                             TimePoint read_started) {
  std::lock_guard lock(mu_);
  std::vector<std::string> gone;
  for (const auto& [job, f] : in_flight_jobs_) {
    if (!site_by_job.contains(job) && f.since < read_started) gone.push_back(job);
  }
  for (const auto& job : gone) untrack_locked(job);
  for (const auto& [job, site] : site_by_job) {
    auto it = in_flight_jobs_.find(job);
    if (it != in_flight_jobs_.end() && it->second.site_id == site) continue;
    untrack_locked(job);
    in_flight_jobs_[job] = InFlight{site, read_started, {}, std::nullopt, std::nullopt};
    in_flight_[site] += 1;
  }
}

int Planner::in_flight(const std::string& site_id) const {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(site_id);
  return it == in_flight_.end() ? 0 : it->second;
}

void Planner::left_site(const std::string& job_id) {
  std::lock_guard lock(mu_);
  untrack_locked(job_id);
  holds_.release(job_id);
}

void Planner::finished(const std::string& org_id, const model::JobSpec& spec, int64_t runtime_s) {
  std::lock_guard lock(mu_);
  runtimes_.observe(org_id, spec, runtime_s);
}

Result<void> Planner::check_references(const model::JobSpec& spec,
                                       const std::vector<model::Dataset>& datasets) const {
  auto region_ok = [&](const std::string& r) { return geography_.has_region(r); };
  auto unknown = [](std::string field, const std::string& what) {
    return fail(Error{Errc::unprocessable, field + ": unknown " + what, field});
  };
  if (!spec.submitter_region.empty() && !region_ok(spec.submitter_region)) {
    return unknown("submitter_region", "region '" + spec.submitter_region + "'");
  }
  for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
    const auto& in = spec.inputs[i];
    const std::string f = "inputs[" + std::to_string(i) + "]";
    if (!in.dataset.empty()) {
      if (std::none_of(datasets.begin(), datasets.end(),
                       [&](const auto& d) { return d.id == in.dataset; })) {
        return unknown(f + ".dataset", "dataset '" + in.dataset + "'");
      }
    } else if (!region_ok(in.region)) {
      return unknown(f + ".region", "region '" + in.region + "'");
    }
  }
  if (spec.outputs && !spec.outputs->region.empty() && !region_ok(spec.outputs->region)) {
    return unknown("outputs.region", "region '" + spec.outputs->region + "'");
  }
  for (const auto& [list, name] :
       {std::pair{&spec.constraints.regions, "constraints.regions"},
        std::pair{&spec.constraints.deny_regions, "constraints.deny_regions"}}) {
    for (const auto& r : *list) {
      if (!region_ok(r)) return unknown(name, "region '" + r + "'");
    }
  }
  for (const auto& [list, name] :
       {std::pair{&spec.constraints.sites, "constraints.sites"},
        std::pair{&spec.constraints.deny_sites, "constraints.deny_sites"}}) {
    for (const auto& s : *list) {
      if (!directory_.view(s)) return unknown(name, "site '" + s + "'");
    }
  }
  return ok();
}

}  // namespace suanwang::runtime
