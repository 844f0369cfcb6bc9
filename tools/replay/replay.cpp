// The replay driver: a discrete-event loop over the real Planner and SimEngine (see replay.hpp).
#include "tools/replay/replay.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <queue>
#include <sstream>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include "adapters/registry.hpp"
#include "adapters/sim/sim_engine.hpp"
#include "gateway/accounting/cost.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/lifecycle/lifecycle.hpp"
#include "gateway/placement/holds.hpp"
#include "gateway/runtime/dispatcher.hpp"
#include "gateway/runtime/planner.hpp"

namespace suanwang::replay {
namespace {

using adapters::sim::SimEngine;

// Monday 2026-11-23 00:00 China Standard Time: the workload's t = 0.
const TimePoint kEpoch = from_unix_ms(1'795'363'200'000);
// Every replayed job's org (the workload's datasets belong to it).
constexpr char kOrg[] = "org_replay";

bool violates_residency(const model::Constraints& c, const std::string& region) {
  if (!c.regions.empty() &&
      std::find(c.regions.begin(), c.regions.end(), region) == c.regions.end())
    return true;
  return std::find(c.deny_regions.begin(), c.deny_regions.end(), region) != c.deny_regions.end();
}

bool overfilled(const adapters::Capacity& cap) {
  for (const auto& p : cap.pools) {
    if (p.cpus_free < 0 || p.cpus_free > p.cpus_total || p.memory_gb_free < -1e-6 ||
        p.memory_gb_free > p.memory_gb_total + 1e-6) {
      return true;
    }
    for (const auto& [model, a] : p.accelerators) {
      if (a.free < 0 || a.free > a.total) return true;
    }
  }
  return false;
}

enum class Phase { waiting, staging, at_site, done };

// A job's state in the replay. Its lifecycle state proper (`life`) moves only by
// lifecycle::step, as in the gateway; `phase` is where the replay's event loop has it.
struct JobState {
  Phase phase = Phase::waiting;
  lifecycle::Facts life;
  std::size_t site = 0;
  std::string remote_id;
  std::vector<std::string> blocked;
  double transfer_out_s = 0;
  bool started = false;
};

struct Event {
  double t = 0;
  int order = 0;  // at equal times: ticks (0) before staged jobs (1) before arrivals (2)
  uint64_t seq = 0;
  std::size_t job = 0;
  bool operator>(const Event& o) const {
    if (t != o.t) return t > o.t;
    if (order != o.order) return order > o.order;
    return seq > o.seq;
  }
};

class Driver {
 public:
  Driver(const ReplayFederation& fed, const Workload& w, const PolicySpec& policy,
         const ReplayOptions& o)
      : fed_(fed),
        w_(w),
        policy_(policy),
        o_(o),
        clock_(kEpoch),
        registry_(adapters::AdapterRegistry::builtin()),
        log_(sink_, LogLevel::error),
        directory_(io_, registry_, clock_, "/nonexistent-replay", std::chrono::seconds(10), log_),
        planner_(directory_, geography_, config_, clock_),
        chooser_(o.seed ^ 0x5EEDBA5Eull),
        limits_(runtime::Dispatcher::limits(config_)) {}

  Result<ReplayRun> run() {
    const auto wall_start = std::chrono::steady_clock::now();
    geography_.set(fed_.regions, fed_.links);
    for (std::size_t i = 0; i < fed_.sites.size(); ++i) {
      const auto& s = fed_.sites[i];
      if (auto r = directory_.upsert(s.site); !r) return fail(r.error());
      engines_.push_back(std::make_unique<SimEngine>(s.sim, o_.seed * 1315423911ull + i));
      index_[s.site.id] = i;
      site_ids_.push_back(s.site.id);
      SiteUsage u;
      u.site_id = s.site.id;
      u.name = s.site.name;
      u.region = s.site.region;
      for (const auto& p : s.sim.pools) {
        if (p.accelerators.empty()) u.cpu_cores += p.cpus;
        for (const auto& [m, n] : p.accelerators) u.accelerators += n;
      }
      run_.sites.push_back(std::move(u));
    }
    run_.policy = std::string(policy_.name);
    run_.jobs.resize(w_.jobs.size());
    jobs_.resize(w_.jobs.size());
    for (std::size_t i = 0; i < w_.jobs.size(); ++i) jobs_[i].life.rerun = w_.jobs[i].spec.rerun;
    for (std::size_t i = 0; i < w_.jobs.size(); ++i) {
      run_.jobs[i].arrival_s = w_.jobs[i].arrival_s;
      push(w_.jobs[i].arrival_s, 2, i);
    }
    open_ = w_.jobs.size();
    push(0, 0, 0);
    const double stop_at = w_.span_s + o_.drain_limit_s;
    while (!events_.empty()) {
      const Event e = events_.top();
      events_.pop();
      if (e.t > stop_at) break;
      now_s_ = e.t;
      clock_.set(at(e.t));
      switch (e.order) {
        case 0:
          tick();
          if (open_ > 0) push(e.t + o_.capacity_interval_s, 0, 0);
          break;
        case 1:
          staged(e.job);
          break;
        default:
          place(e.job);
          break;
      }
      if (open_ == 0) break;
    }
    run_.end_s = now_s_;
    run_.wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return std::move(run_);
  }

 private:
  TimePoint at(double t) const {
    return kEpoch + std::chrono::milliseconds(static_cast<int64_t>(std::llround(t * 1000)));
  }
  double seconds(TimePoint t) const { return std::chrono::duration<double>(t - kEpoch).count(); }

  void push(double t, int order, std::size_t job) { events_.push({t, order, seq_++, job}); }

  void finish(std::size_t i, FinalState s) {
    run_.jobs[i].state = s;
    jobs_[i].phase = Phase::done;
    --open_;
  }

  SiteLoad load_of(const std::string& site_id, const model::Resources& r) const {
    SiteLoad l;
    const auto v = directory_.view(site_id);
    if (!v || !v->capacity) return l;
    const auto held = mirror_.held_at(site_id, *v->capacity);
    double free_units = 0, total_units = 0;
    for (std::size_t k = 0; k < v->capacity->pools.size(); ++k) {
      const auto& p = v->capacity->pools[k];
      double cpus = p.cpus_free, mem = p.memory_gb_free, acc = 0, acc_total = 0;
      if (k < held.size()) {
        cpus -= held[k].cpus;
        mem -= held[k].memory_gb;
      }
      if (r.accelerators) {
        auto it = p.accelerators.find(r.accelerators->model);
        if (it == p.accelerators.end()) continue;
        acc = it->second.free;
        acc_total = it->second.total;
        if (k < held.size()) {
          auto h = held[k].accelerators.find(r.accelerators->model);
          if (h != held[k].accelerators.end()) acc -= h->second;
        }
        free_units += std::max(0.0, acc);
        total_units += acc_total;
      } else {
        free_units += std::max(0.0, cpus);
        total_units += p.cpus_total;
      }
      double fit = std::floor(cpus / std::max(1, r.cpus));
      if (r.memory_gb > 0) fit = std::min(fit, std::floor(mem / r.memory_gb));
      if (r.accelerators) fit = std::min(fit, std::floor(acc / std::max(1, r.accelerators->count)));
      l.available_replicas += std::max(0.0, fit);
    }
    l.utilisation = total_units > 0 ? 1.0 - free_units / total_units : 1.0;
    return l;
  }

  // Carries out the lifecycle's outcome for job i: its new state and what it leaves behind.
  // Returns the outcome for the caller's own part (placing, starting, ending).
  lifecycle::Outcome advance(std::size_t i, const lifecycle::Input& in) {
    JobState& js = jobs_[i];
    const lifecycle::Outcome out = lifecycle::step(js.life, in, limits_);
    if (!out.event) {
      js.life.unreachable_submits = out.unreachable_submits;
      return out;
    }
    const std::string site = js.life.site_id;
    js.life.state = out.next;
    js.life.attempt = out.attempt;
    js.life.unreachable_submits = out.unreachable_submits;
    if (out.effects.release) {
      planner_.left_site(w_.jobs[i].id);
      mirror_.release(w_.jobs[i].id);
    }
    if (out.effects.hold_accepted) {
      planner_.accepted(w_.jobs[i].id);
      mirror_.accepted(w_.jobs[i].id, clock_.now());
    }
    if (out.block_site && !site.empty()) js.blocked.push_back(site);
    if (out.next == model::JobState::pending) {
      js.life.site_id.clear();
      js.remote_id.clear();
      js.started = false;
      js.phase = Phase::waiting;
    }
    return out;
  }

  void place(std::size_t i) {
    const WorkloadJob& wj = w_.jobs[i];
    JobState& js = jobs_[i];
    JobOutcome& out = run_.jobs[i];
    model::JobSpec spec = wj.spec;
    spec.routing.policy = policy_.kind == PolicyKind::engine
                              ? model::parse_routing_policy(policy_.routing).value()
                              : model::RoutingPolicy::balanced;
    runtime::PlanInput in{&spec, kOrg, js.blocked, &w_.datasets, std::nullopt};
    placement::Decision d;
    model::JobSpec pinned;
    if (policy_.kind == PolicyKind::engine) {
      d = planner_.place(wj.id, in);
    } else {
      const auto quote = planner_.quote(in);
      ++run_.decisions;
      const placement::Candidate* pick =
          chooser_.choose(policy_.kind, quote, site_ids_,
                          [&](const std::string& id) { return load_of(id, spec.resources); });
      if (pick == nullptr) {
        d = quote;
      } else {
        pinned = spec;
        pinned.constraints.sites = {pick->site_id};
        in.spec = &pinned;
        d = planner_.place(wj.id, in);
      }
    }
    ++run_.decisions;
    if (!d.feasible()) {
      // As the API: a new job no site could ever run is refused, and nothing is stored.
      if (js.life.attempt == 0 && !d.may_clear()) {
        finish(i, FinalState::refused);
        return;
      }
      const auto o = advance(i, lifecycle::NoSite{d.may_clear(), d.summary});
      if (o.next == model::JobState::failed) {
        finish(i, FinalState::failed);
      } else if (o.effects.wait) {
        js.phase = Phase::waiting;
        waiting_.push_back(i);
      }
      return;
    }
    const placement::Candidate& c = d.ranked.front();
    js.life.site_id = c.site_id;  // the site the planner counted it at (released if not placed)
    const auto o = advance(i, lifecycle::Placed{c.site_id, d.summary});
    if (o.next != model::JobState::placed) {
      finish(i, o.next == model::JobState::canceled ? FinalState::canceled : FinalState::failed);
      return;
    }
    js.site = index_.at(c.site_id);
    js.phase = Phase::staging;
    js.transfer_out_s = c.transfer_out_s;
    out.attempts = js.life.attempt;
    out.site_id = c.site_id;
    out.region = c.region;
    out.egress_cny = c.egress_cost_cny;
    out.bytes_moved = c.bytes_moved;
    out.rtt_ms = c.rtt_ms;
    out.placed_s = now_s_;
    out.forecast_runtime_s = static_cast<double>(d.runtime_s);
    out.forecast_queue_wait_s = c.queue_wait_s;
    out.forecast_result_s = c.result_s;
    if (violates_residency(wj.spec.constraints, c.region)) out.residency_violation = true;
    mirror_.add({wj.id, c.site_id, c.pool, spec.resources, clock_.now(), std::nullopt});
    push(now_s_ + c.transfer_in_s, 1, i);
  }

  void staged(std::size_t i) {
    const WorkloadJob& wj = w_.jobs[i];
    JobState& js = jobs_[i];
    adapters::JobRequest r = runtime::site_request(wj.id, wj.spec);
    r.expected_runtime_s = wj.runtime_s;  // the sim runs a job for its declared runtime
    auto sub = engines_[js.site]->submit(r, clock_.now());
    if (!sub) {
      const auto o = advance(i, runtime::submit_failed(sub.error()));
      if (o.effects.retry_submit) {
        push(now_s_ + o_.capacity_interval_s, 1, i);  // the dispatcher's next pass
      } else if (o.effects.place) {
        place(i);
      } else if (model::is_terminal(o.next)) {
        finish(i, FinalState::failed);
      }
      return;
    }
    js.remote_id = sub->remote_id;
    js.phase = Phase::at_site;
    advance(i, lifecycle::SubmitAccepted{sub->remote_id, sub->already_existed});
    run_.jobs[i].submitted_s = seconds(clock_.now());  // the site's (millisecond) clock
    at_site_[js.site].push_back(i);
  }

  void ended(std::size_t i, const adapters::RemoteStatus& st, FinalState state, bool charge) {
    const WorkloadJob& wj = w_.jobs[i];
    JobState& js = jobs_[i];
    JobOutcome& out = run_.jobs[i];
    const auto& site = fed_.sites[js.site].site;
    const TimePoint fin = st.finished_at.value_or(clock_.now());
    const TimePoint beg = st.started_at.value_or(fin);
    out.started_s = seconds(beg);
    out.finished_s = seconds(fin);
    out.result_s = out.finished_s + js.transfer_out_s;
    const auto used = static_cast<int64_t>(std::llround(out.finished_s - out.started_s));
    // A failure that was the site's is not charged (the lifecycle's rule, as in the gateway).
    out.cost_cny = charge ? accounting::compute_cost_cny(site.pricing, wj.spec.resources, used) +
                                out.egress_cny
                          : 0.0;
    // Energy is drawn whether or not the job is charged (the usage record's rule).
    const model::Region* region = nullptr;
    for (const auto& r : fed_.regions) {
      if (r.id == site.region) region = &r;
    }
    const auto energy = model::estimate_energy(model::power_model(site.energy, region),
                                               wj.spec.resources, static_cast<double>(used));
    out.energy_kwh = energy.kwh;
    out.co2_kg = energy.co2_kg;
    SiteUsage& u = run_.sites[js.site];
    ++u.jobs;
    const double busy =
        std::max(0.0, std::min(out.finished_s, w_.span_s) - std::max(out.started_s, 0.0));
    if (wj.spec.resources.accelerators) {
      u.accel_s += busy * wj.spec.resources.accelerators->count;
    } else {
      u.cpu_core_s += busy * wj.spec.resources.cpus;
    }
    if (state == FinalState::succeeded)
      planner_.finished(kOrg, wj.spec, used);  // as the dispatcher
    finish(i, state);
  }

  // Shortcuts of the replay (the answers are the same, only fewer questions are asked): a
  // running job cannot end before its runtime is up, and a queued job cannot have started
  // unless the site's report changed since the last round (a start takes free resources).
  void reconcile(std::size_t s, bool report_changed) {
    auto& list = at_site_[s];
    if (list.empty()) return;
    std::vector<std::string> ids;
    std::vector<std::size_t> asked;
    for (std::size_t i : list) {
      const JobState& js = jobs_[i];
      if (js.started
              ? run_.jobs[i].started_s + static_cast<double>(w_.jobs[i].runtime_s) > now_s_ + 0.001
              : !report_changed) {
        continue;
      }
      ids.push_back(js.remote_id);
      asked.push_back(i);
    }
    if (ids.empty()) return;
    const auto statuses = engines_[s]->status(ids, clock_.now());
    bool removed = false;
    for (std::size_t k = 0; k < statuses.size() && k < asked.size(); ++k) {
      const std::size_t i = asked[k];
      const auto& st = statuses[k];
      JobState& js = jobs_[i];
      if (st.state == adapters::RemoteState::running && !js.started) {
        js.started = true;
        run_.jobs[i].started_s = seconds(st.started_at.value_or(clock_.now()));
      }
      // As the dispatcher: the queue wait is learnt once the start is known (once per placement).
      if (st.started_at) planner_.started(w_.jobs[i].id, *st.started_at);
      const auto o =
          advance(i, lifecycle::Reported{runtime::remote_state(st.state), st.exit_code, st.reason});
      if (!o.event || o.next == model::JobState::running) continue;
      removed = true;
      switch (o.next) {
        case model::JobState::succeeded:
          ended(i, st, FinalState::succeeded, o.charge);
          break;
        case model::JobState::failed:
          ended(i, st, FinalState::failed, o.charge);
          break;
        case model::JobState::canceled:
          ended(i, st, FinalState::canceled, o.charge);
          break;
        case model::JobState::pending:
          place(i);  // o.effects.place: failed over, placed again at once
          break;
        default:
          break;
      }
    }
    if (removed) {
      std::erase_if(list, [&](std::size_t i) {
        return jobs_[i].phase != Phase::at_site ||
               fed_.sites[jobs_[i].site].site.id != fed_.sites[s].site.id;
      });
    }
  }

  void tick() {
    std::vector<bool> changed(engines_.size());
    for (std::size_t s = 0; s < engines_.size(); ++s) {
      const auto cap = engines_[s]->capacity(clock_.now());
      if (overfilled(cap)) ++run_.overfill_events;
      std::vector<int64_t> sig = {cap.running_jobs, cap.queued_jobs};
      for (const auto& p : cap.pools) {
        sig.push_back(p.cpus_free);
        for (const auto& [m, a] : p.accelerators) sig.push_back(a.free);
      }
      changed[s] = sig != last_report_[s];
      last_report_[s] = std::move(sig);
      directory_.record_capacity(fed_.sites[s].site.id, federation::to_model(cap),
                                 fed_.sites[s].sim.rtt_ms);
    }
    mirror_.expire(clock_.now(), config_.hold_ttl,
                   [&](const std::string&) -> std::optional<TimePoint> {
                     return clock_.now();  // every site reported at this tick
                   });
    for (std::size_t s = 0; s < engines_.size(); ++s) reconcile(s, changed[s]);
    std::vector<std::size_t> again;
    again.swap(waiting_);
    for (std::size_t i : again) place(i);
  }

  const ReplayFederation& fed_;
  const Workload& w_;
  const PolicySpec& policy_;
  const ReplayOptions& o_;
  ManualClock clock_;
  boost::asio::io_context io_;  // the directory's strands live here; never run
  adapters::AdapterRegistry registry_;
  std::ostringstream sink_;
  Logger log_;
  Config config_;
  federation::SiteDirectory directory_;
  federation::Geography geography_;
  runtime::Planner planner_;
  BaselineChooser chooser_;
  lifecycle::Limits limits_;
  placement::HoldBook mirror_;  // the holds as a baseline sees them (least-loaded)
  std::vector<std::unique_ptr<SimEngine>> engines_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> site_ids_;
  std::vector<JobState> jobs_;
  std::unordered_map<std::size_t, std::vector<std::size_t>> at_site_;
  std::unordered_map<std::size_t, std::vector<int64_t>> last_report_;  // by site, for changes
  std::vector<std::size_t> waiting_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  std::size_t open_ = 0;
  double now_s_ = 0;
  ReplayRun run_;
};

}  // namespace

const char* final_state_name(FinalState s) {
  switch (s) {
    case FinalState::succeeded:
      return "succeeded";
    case FinalState::failed:
      return "failed";
    case FinalState::canceled:
      return "canceled";
    case FinalState::refused:
      return "refused";
    case FinalState::unfinished:
      return "unfinished";
  }
  return "unfinished";
}

double SiteUsage::utilisation(double span_s) const {
  double sum = 0;
  int n = 0;
  if (cpu_cores > 0 && span_s > 0) {
    sum += cpu_core_s / (cpu_cores * span_s);
    ++n;
  }
  if (accelerators > 0 && span_s > 0) {
    sum += accel_s / (accelerators * span_s);
    ++n;
  }
  return n > 0 ? sum / n : 0;
}

Result<ReplayRun> run_replay(const ReplayFederation& federation, const Workload& workload,
                             const PolicySpec& policy, const ReplayOptions& options) {
  auto driver = std::make_unique<Driver>(federation, workload, policy, options);
  return driver->run();
}

}  // namespace suanwang::replay
