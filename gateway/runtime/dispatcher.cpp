// The job dispatcher and reconciler (see dispatcher.hpp).
#include "gateway/runtime/dispatcher.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "gateway/accounting/billing.hpp"
#include "gateway/accounting/spending.hpp"
#include "gateway/lifecycle/state_machine.hpp"
#include "gateway/runtime/job_writes.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/dataset_repo.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::runtime {

namespace asio = boost::asio;
using S = model::JobState;
using E = model::EventType;

namespace {
// How often the working set is read again from the store, as a safety net (see the header),
// and in pages of how many jobs.
constexpr auto kResync = std::chrono::minutes(5);
constexpr int kResyncPage = 2000;
// Waiting jobs tried per reconcile pass. A try that finds no site is one decision in memory
// (Dispatcher::place reads the store only once a site can take the job), so 1,000 cost about
// 10 ms over the demo's eleven sites, and a queue of 10,000 is gone round within ten passes.
constexpr std::size_t kWaitingTries = 1000;
// ... and the time a pass spends on them at most (a decision over 10,000 sites takes ~1 ms).
constexpr auto kWaitingTime = std::chrono::milliseconds(100);
// No ending reported (every outcome but a job's end).
const Dispatcher::Ending kNoEnding{};

// Refusals are final for this site; transport trouble may pass.
bool is_refusal(adapters::AdapterErrc c) {
  using E = adapters::AdapterErrc;
  return c == E::refused || c == E::unsupported || c == E::invalid_config || c == E::not_found;
}

// What staging or collecting meets at a gateway without a data mover.
template <class Failed>
Failed no_data_plane() {
  const i18n::Message m{"reason.no_data_plane", {}};
  return Failed{i18n::render(m, i18n::Lang::en), {m}};
}

}  // namespace

lifecycle::Input submit_failed(const adapters::AdapterError& e) {
  if (is_refusal(e.code)) return lifecycle::SubmitRefused{e.message};
  return lifecycle::SubmitUnreachable{e.message};
}

lifecycle::Remote remote_state(adapters::RemoteState s) {
  using R = adapters::RemoteState;
  switch (s) {
    case R::queued:
      return lifecycle::Remote::queued;
    case R::running:
      return lifecycle::Remote::running;
    case R::succeeded:
      return lifecycle::Remote::succeeded;
    case R::failed:
      return lifecycle::Remote::failed;
    case R::canceled:
      return lifecycle::Remote::canceled;
    case R::lost:
      return lifecycle::Remote::lost;
  }
  return lifecycle::Remote::lost;
}

lifecycle::Limits Dispatcher::limits(const Config& config) {
  lifecycle::Limits l;
  l.max_attempts = config.max_placement_attempts;
  return l;
}

adapters::JobRequest site_request(const std::string& job_id, const model::JobSpec& spec) {
  adapters::JobRequest r;
  r.key = job_id;
  r.name = spec.name;
  r.command = spec.command;
  r.script = spec.script;
  r.image = spec.image;
  r.env = spec.env;
  r.cpus = spec.resources.cpus;
  r.memory_gb = spec.resources.memory_gb;
  if (spec.resources.accelerators) {
    r.accelerators = adapters::AcceleratorRequest{spec.resources.accelerators->model,
                                                  spec.resources.accelerators->count};
  }
  r.walltime_s = spec.resources.walltime_s;
  r.expected_runtime_s = spec.expected_runtime_s;
  r.staged_inputs = std::any_of(spec.inputs.begin(), spec.inputs.end(),
                                [](const model::InputSpec& in) { return in.staged; });
  if (spec.outputs) r.output_globs = spec.outputs->paths;
  return r;
}

Dispatcher::Dispatcher(asio::io_context& io, store::Store& store,
                       federation::SiteDirectory& directory, Planner& planner, const Config& config,
                       const Clock& clock, Logger& log)
    : strand_(asio::make_strand(io)),
      store_(store),
      directory_(directory),
      planner_(planner),
      config_(config),
      clock_(clock),
      log_(log),
      limits_(limits(config)),
      timer_(strand_, clock),
      joined_(strand_, asio::steady_timer::time_point::max()) {}

void Dispatcher::spawn(asio::awaitable<void> task, std::function<void(std::exception_ptr)> done) {
  ++tasks_;
  asio::co_spawn(strand_, std::move(task), [this, done = std::move(done)](std::exception_ptr e) {
    done(e);
    if (--tasks_ == 0 && stopped_) joined_.cancel();
  });
}

void Dispatcher::start() {
  asio::post(strand_, [this] {
    spawn(loop(), [this](std::exception_ptr e) {
      if (e) log_.error("dispatcher loop ended by an exception");
    });
  });
}

void Dispatcher::stop() {
  stopped_ = true;
  asio::post(strand_, [this] {
    timer_.cancel();
    if (tasks_ == 0) joined_.cancel();
  });
}

asio::awaitable<void> Dispatcher::join() {
  co_await asio::post(strand_, asio::use_awaitable);
  while (tasks_ > 0) {
    co_await joined_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

void Dispatcher::wake_on_strand() {
  woken_ = true;
  if (!coalescing_) timer_.cancel();
}

void Dispatcher::job_created(const model::JobRecord& job) {
  asio::post(strand_, [this, j = job]() mutable {
    j.decision = nullptr;  // the store has it; the dispatcher never reads it
    // Before the first read of the store the job comes with it; it is not counted twice.
    // A pending one was just found no site: it waits for the next reconcile pass.
    if (!busy_.contains(j.id)) {
      if (j.state == S::pending) waiting_.insert(j.id);
      remember(std::move(j));
    }
    wake_on_strand();
  });
}

void Dispatcher::job_changed(const std::string& job_id) {
  asio::post(strand_, [this, id = job_id] {
    stale_.insert(id);
    wake_on_strand();
  });
}

void Dispatcher::forget(const std::string& id) {
  if (reading_) touched_.insert(id);
  active_.erase(id);
  to_act_.erase(id);
  waiting_.erase(id);
}

void Dispatcher::wait(const std::string& id) {
  waiting_.insert(id);
  to_act_.erase(id);
}

void Dispatcher::remember(model::JobRecord job) {
  const std::string id = job.id;
  if (model::is_terminal(job.state)) {
    forget(id);
    return;
  }
  if (reading_) touched_.insert(id);
  if (job.state != S::pending) waiting_.erase(id);
  if (job.state == S::placed || job.state == S::staging || job.state == S::collecting ||
      (job.state == S::pending && !waiting_.contains(id))) {
    to_act_.insert(id);
  } else {
    to_act_.erase(id);
    if (job.cancel_requested) reconcile_now_.insert(job.site_id);
  }
  // Counted in flight at its site (idempotent: a placement already counted it).
  if (job.state != S::pending && !job.site_id.empty())
    planner_.track(id, job.site_id, clock_.now());
  job.decision = nullptr;
  active_.insert_or_assign(id, std::move(job));
}

asio::awaitable<void> Dispatcher::loop() {
  while (!stopped_) {
    woken_ = false;
    try {
      if (!synced_ || clock_.steady_now() - last_resync_ >= kResync) {
        co_await resync();
      }
      co_await reload_stale();
      const bool due =
          !reconciled_ || clock_.steady_now() - last_reconcile_ >= config_.reconcile_interval;
      co_await run_pass(due);
    } catch (const std::exception& e) {
      log_.error("dispatcher pass failed", {{"error", e.what()}});
    }
    if (stopped_) continue;
    // Woken during the pass (new jobs keep arriving under load): gather the wakes of the next
    // few milliseconds into one pass. Otherwise sleep until the next reconciliation is due.
    coalescing_ = woken_;
    const SteadyTime next_reconcile = last_reconcile_ + config_.reconcile_interval;
    const SteadyTime until =
        coalescing_ ? std::min(clock_.steady_now() + std::chrono::milliseconds(5), next_reconcile)
                    : next_reconcile;
    co_await timer_.wait_until(until);
    coalescing_ = false;
  }
}

asio::awaitable<void> Dispatcher::resync() {
  std::map<std::string, model::JobRecord> fresh;
  std::string after;
  const TimePoint read_started = clock_.now();
  reading_ = true;
  touched_.clear();
  for (;;) {
    auto page = co_await store_.run(
        [&](store::Db& db) { return store::list_active_jobs(db, after, kResyncPage); });
    if (!page) {
      log_.error("cannot list active jobs", {{"error", page.error().message}});
      reading_ = false;
      co_return;  // keep the working set; try again next pass
    }
    for (auto& j : *page) {
      after = j.id;
      fresh.insert_or_assign(j.id, std::move(j));
    }
    if (page->size() < static_cast<std::size_t>(kResyncPage)) break;
  }
  reading_ = false;
  // Jobs with an operation under way, or changed while the pages were read, keep their
  // working copy: it is newer than what was read.
  const auto keep = [&](const std::string& id) {
    return busy_.contains(id) || touched_.contains(id);
  };
  std::vector<std::string> gone;
  for (const auto& [id, j] : active_) {
    if (!keep(id) && !fresh.contains(id)) gone.push_back(id);
  }
  for (const auto& id : gone) forget(id);
  // What is in flight at each site, as the store has it (the planner's counts move by each
  // placement and departure between reads; this corrects any drift).
  std::map<std::string, std::string> site_by_job;
  for (const auto& [id, j] : fresh) {
    if (!j.site_id.empty() && j.state != S::pending) site_by_job.emplace(id, j.site_id);
  }
  // A job placed just before the read may be committed only after its page was read: only
  // what was counted a minute before the read and is not in the store is forgotten.
  planner_.sync_in_flight(site_by_job, read_started - std::chrono::minutes(1));
  for (auto& [id, j] : fresh) {
    if (!keep(id)) remember(std::move(j));
  }
  synced_ = true;
  last_resync_ = clock_.steady_now();
}

asio::awaitable<void> Dispatcher::reload_stale() {
  // A busy job is read when its operation ends (the task wakes the loop).
  std::vector<std::string> ids;
  for (const auto& id : stale_) {
    if (!busy_.contains(id)) ids.push_back(id);
  }
  for (const auto& id : ids) stale_.erase(id);
  if (ids.empty()) co_return;
  reading_ = true;
  touched_.clear();
  std::vector<std::pair<std::string, std::optional<model::JobRecord>>> read;
  for (const auto& id : ids) {
    auto job = co_await store_.run([&](store::Db& db) { return store::find_job(db, id); });
    if (!job) {
      stale_.insert(id);  // try again next pass
      continue;
    }
    read.emplace_back(id, std::move(*job));
  }
  reading_ = false;
  for (auto& [id, job] : read) {
    if (busy_.contains(id) || touched_.contains(id)) continue;  // newer than what was read
    if (job) {
      remember(std::move(*job));
    } else {
      forget(id);
    }
  }
}

asio::awaitable<void> Dispatcher::run_pass(bool reconcile_all) {
  datasets_.clear();  // read again once per pass: an org may have added one
  std::vector<model::JobRecord> to_place;
  for (const auto& id : std::vector<std::string>(to_act_.begin(), to_act_.end())) {
    if (busy_.contains(id)) continue;
    auto it = active_.find(id);
    if (it == active_.end()) {
      to_act_.erase(id);
      continue;
    }
    if (it->second.state == S::pending) {
      to_place.push_back(it->second);
    } else if (it->second.state == S::placed) {
      spawn_submit(it->second);  // stays in to_act_ until the site accepts it
    } else if (it->second.state == S::staging) {
      spawn_stage(it->second);  // then submits it
    } else if (it->second.state == S::collecting) {
      spawn_collect(it->second);
    }
  }
  for (auto& j : to_place) {
    if (stopped_) co_return;
    co_await place_busy(std::move(j));
  }
  if (reconcile_all) co_await place_waiting();

  std::map<std::string, std::vector<model::JobRecord>> by_site;
  if (reconcile_all || !reconcile_now_.empty()) {
    for (const auto& [id, j] : active_) {
      if (j.state != S::submitted && j.state != S::running) continue;
      if (busy_.contains(id) || reconciling_.contains(j.site_id)) continue;
      if (!reconcile_all && !reconcile_now_.contains(j.site_id)) continue;
      by_site[j.site_id].push_back(j);
    }
    if (reconcile_all) {
      last_reconcile_ = clock_.steady_now();
      reconciled_ = true;
      reconcile_now_.clear();
    } else {
      for (const auto& [site, jobs] : by_site) reconcile_now_.erase(site);
    }
  }
  for (auto& [site, jobs] : by_site) {
    reconciling_.insert(site);
    std::vector<std::string> ids;
    for (const auto& j : jobs) {
      busy_.insert(j.id);
      ids.push_back(j.id);
    }
    spawn(reconcile_site(site, std::move(jobs)), [this, site, ids](std::exception_ptr e) {
      reconciling_.erase(site);
      for (const auto& id : ids) busy_.erase(id);
      if (e) log_.error("reconcile task failed", {{"site", site}});
    });
  }
}

asio::awaitable<void> Dispatcher::place_busy(model::JobRecord job) {
  const std::string id = job.id;
  busy_.insert(id);
  try {
    co_await place(std::move(job));
  } catch (...) {
    busy_.erase(id);  // else the job would be skipped until a restart
    throw;
  }
  busy_.erase(id);
}

asio::awaitable<void> Dispatcher::place_waiting() {
  // Round the queue from after the last one tried, oldest first (ids sort by time), within a
  // count and a time budget, letting the strand's other work in every few tries.
  // Real time, not the clock's: this budget keeps the strand responsive, whatever the clock.
  const auto started = std::chrono::steady_clock::now();
  const std::size_t tries = std::min(kWaitingTries, waiting_.size());
  for (std::size_t n = 0; n < tries && !waiting_.empty() && !stopped_; ++n) {
    if (std::chrono::steady_clock::now() - started > kWaitingTime) break;
    if (n > 0 && n % 64 == 0) co_await asio::post(strand_, asio::use_awaitable);
    auto it = waiting_.upper_bound(waiting_cursor_);
    if (it == waiting_.end()) it = waiting_.begin();
    const std::string id = *it;
    waiting_cursor_ = id;
    auto job = active_.find(id);
    if (job == active_.end() || job->second.state != S::pending) {
      waiting_.erase(id);  // not expected: remember() and forget() keep the two in step
      continue;
    }
    if (busy_.contains(id)) continue;
    co_await place_busy(job->second);
  }
}

void Dispatcher::spawn_stage(model::JobRecord job) {
  const std::string id = job.id;
  busy_.insert(id);
  spawn(stage_then_submit(std::move(job)), [this, id](std::exception_ptr e) {
    busy_.erase(id);
    if (e) log_.error("staging task failed", {{"job", id}});
    if (stale_.contains(id)) wake_on_strand();
  });
}

void Dispatcher::spawn_collect(model::JobRecord job) {
  const std::string id = job.id;
  busy_.insert(id);
  spawn(collect(std::move(job)), [this, id](std::exception_ptr e) {
    busy_.erase(id);
    if (e) log_.error("collection task failed", {{"job", id}});
    if (stale_.contains(id)) wake_on_strand();
  });
}

asio::awaitable<void> Dispatcher::stage_then_submit(model::JobRecord job) {
  lifecycle::Input in = no_data_plane<lifecycle::StagingFailed>();
  if (mover_ != nullptr) in = co_await mover_->stage(job);
  const auto facts = lifecycle::facts_of(job, submit_failures_[job.id]);
  auto out = lifecycle::step(facts, in, limits_);
  model::JobRecord next = job;
  const bool submit_now = out.effects.submit;
  const bool recorded = co_await execute(job, out, next, kNoEnding);
  if (!recorded || !submit_now) co_return;
  lifecycle::apply(out, next);
  co_await submit(std::move(next));
}

asio::awaitable<void> Dispatcher::collect(model::JobRecord job) {
  lifecycle::Input in = no_data_plane<lifecycle::CollectFailed>();
  if (mover_ != nullptr) in = co_await mover_->collect(job);
  auto out = lifecycle::step(lifecycle::facts_of(job), in, limits_);
  const Ending end{job.exit_code, job.started_at, job.finished_at};
  co_await execute(job, std::move(out), job, end);
}

void Dispatcher::spawn_submit(model::JobRecord job) {
  const std::string id = job.id;
  busy_.insert(id);
  spawn(submit(std::move(job)), [this, id](std::exception_ptr e) {
    busy_.erase(id);
    if (e) log_.error("submit task failed", {{"job", id}});
    if (stale_.contains(id)) wake_on_strand();
  });
}

asio::awaitable<bool> Dispatcher::transition(model::JobRecord& next, S from, E type,
                                             std::string reason,
                                             std::vector<i18n::Message> reason_parts) {
  if (!lifecycle::can_transition(from, next.state)) {
    // A bug in this file: log loudly and refuse to write it.
    log_.error("illegal job transition", {{"job", next.id},
                                          {"from", model::job_state_name(from)},
                                          {"to", model::job_state_name(next.state)}});
    co_return false;
  }
  const TimePoint now = clock_.now();
  next.updated_at = now;
  next.reason = reason;
  next.reason_parts = reason_parts;
  model::JobEvent ev{0,           now,          type, next.state, next.site_id, next.attempt,
                     std::move(reason), std::move(reason_parts)};
  auto applied = co_await store_.run(
      [&](store::Db& db) { return runtime::write_job_change(db, next, from, ev); });
  if (!applied) {
    log_.error("cannot record job transition",
               {{"job", next.id}, {"error", applied.error().message}});
    stale_.insert(next.id);
    co_return false;
  }
  if (!*applied) stale_.insert(next.id);  // moved by someone else: read it again
  if (*applied) {
    remember(next);
    // Routine: in the log file, not on a text terminal (one line per job step floods it).
    log_.log(LogLevel::info, "job transition",
             {{"job", next.id},
              {"from", model::job_state_name(from)},
              {"to", model::job_state_name(next.state)},
              {"site", next.site_id},
              {"reason", next.reason}},
             LogChannel::routine);
  }
  co_return *applied;
}

asio::awaitable<void> Dispatcher::place(model::JobRecord job) {
  if (job.cancel_requested) {
    auto out = lifecycle::step(lifecycle::facts_of(job), lifecycle::CancelRequested{}, limits_);
    co_await execute(job, std::move(out), job, kNoEnding);
    co_return;
  }
  const std::string org = job.org_id;
  const auto datasets = co_await org_datasets(org);
  if (!datasets) co_return;
  PlanInput in{&job.spec, job.org_id, job.blocked_sites, datasets.get(), std::nullopt};
  // The budget only adds rejections, each after every rejection that may clear: a job that no
  // site takes without it is decided (to wait or to fail) without reading the budget, which
  // keeps a queue of waiting jobs off the database thread.
  auto decision = planner_.probe(in);
  if (decision.feasible()) {
    // The budget left, not counting this job's own hold (it is being placed again).
    auto budget =
        co_await store_.run([&](store::Db& db) { return org_money_except(db, org, job.id); });
    if (!budget) co_return;
    in.budget_remaining_cny =
        *budget ? accounting::remaining_cny(**budget) : std::optional<double>();
    decision = planner_.place(job.id, in);  // holds and counts it in flight, atomically
  }
  const auto facts = lifecycle::facts_of(job);
  model::JobRecord next = job;
  lifecycle::Outcome out;
  if (decision.feasible()) {
    const auto& best = decision.ranked.front();
    out = lifecycle::step(
        facts, lifecycle::Placed{best.site_id, decision.summary, decision.summary_parts}, limits_);
    if (out.next == S::placed) {
      next.site_id = best.site_id;
      next.remote_id.clear();
      next.estimated_cost_cny = best.total_cost_cny;
    }
  } else {
    out = lifecycle::step(
        facts, lifecycle::NoSite{decision.may_clear(), decision.summary, decision.summary_parts},
        limits_);
  }
  if (out.event) next.decision = placement::to_json(decision);
  // planner_.place counted the job at the chosen site; if nothing is recorded (the job changed
  // meanwhile), its place is given back. (A recorded outcome that does not place it releases
  // it through its effects.)
  const bool counted = decision.feasible();
  const bool recorded = co_await execute(job, std::move(out), std::move(next), kNoEnding);
  if (!recorded && counted) planner_.left_site(job.id);
}

asio::awaitable<std::shared_ptr<const std::vector<model::Dataset>>> Dispatcher::org_datasets(
    const std::string& org) {
  if (auto it = datasets_.find(org); it != datasets_.end()) co_return it->second;
  auto read = co_await store_.run(
      [&](store::Db& db) { return store::list_datasets(db, std::string_view(org)); });
  if (!read) co_return nullptr;
  auto shared = std::make_shared<const std::vector<model::Dataset>>(std::move(*read));
  datasets_.insert_or_assign(org, shared);
  co_return shared;
}

asio::awaitable<bool> Dispatcher::execute(const model::JobRecord& job, lifecycle::Outcome out,
                                          model::JobRecord next, const Ending& end) {
  const S from = job.state;
  const std::string site = job.site_id;
  bool applied = true;
  if (out.event) {
    lifecycle::apply(out, next);
    if (model::is_terminal(out.next)) {
      const TimePoint now = clock_.now();
      next.exit_code = end.exit_code;
      if (!next.started_at && end.started_at) next.started_at = end.started_at;
      next.finished_at = end.finished_at.value_or(now);
      // What it used, billed at the site's prices; nothing when the failure was not the job's.
      std::optional<federation::SiteView> view;  // copied only when the end is charged
      if (out.charge) view = directory_.view(site);
      next.final_cost_cny =
          accounting::final_cost_cny(out.charge, view ? &view->site.pricing : nullptr,
                                     job.spec.resources, next.started_at, *next.finished_at);
    } else if (out.next == S::collecting && from != S::collecting) {
      // It ended at the site: its run is over (and billed to here) while its outputs come back.
      next.exit_code = end.exit_code;
      if (!next.started_at && end.started_at) next.started_at = end.started_at;
      next.finished_at = end.finished_at.value_or(clock_.now());
    } else if (out.next == S::running && !next.started_at) {
      next.started_at = end.started_at.value_or(clock_.now());
    }
    applied = co_await transition(next, from, *out.event, out.reason, out.reason_parts);
    if (!applied) co_return false;
  }
  const auto& fx = out.effects;
  // Its start became known (running, or ended between two polls): its queue wait is learnt
  // before left_site() forgets where it was placed.
  if (out.event && next.started_at && !job.started_at) planner_.started(job.id, *next.started_at);
  if (fx.release) planner_.left_site(job.id);
  if (fx.hold_accepted) planner_.accepted(job.id);
  if (fx.learn_runtime && next.started_at && next.finished_at) {
    const auto ran =
        std::chrono::duration_cast<std::chrono::seconds>(*next.finished_at - *next.started_at);
    planner_.finished(job.org_id, job.spec, std::max<int64_t>(0, ran.count()));
  }
  if (out.unreachable_submits > 0) {
    submit_failures_[job.id] = out.unreachable_submits;
  } else {
    submit_failures_.erase(job.id);
  }
  if (fx.retry_submit)
    log_.warn("submit failed; will retry", {{"job", job.id}, {"error", out.reason}});
  if (fx.retry_stage)
    log_.warn("staging failed; will retry", {{"job", job.id}, {"error", out.reason}});
  if (fx.stage || fx.collect) wake_on_strand();  // the next pass runs it as its own task
  if (fx.cancel_at_site && !job.remote_id.empty()) {
    const std::string remote = job.remote_id;
    auto c =
        co_await directory_.call(site, [&](adapters::SiteAdapter& a) { return a.cancel(remote); });
    if (!c) log_.warn("cancel at site failed", {{"job", job.id}, {"error", c.error().message}});
  }
  if (fx.wait) wait(job.id);
  if (fx.submit) wake_on_strand();  // the next pass submits it as its own task
  if (fx.place) {
    next.site_id.clear();
    co_await place(std::move(next));
  }
  co_return applied;
}

asio::awaitable<void> Dispatcher::submit(model::JobRecord job) {
  auto request = site_request(job.id, job.spec);
  auto r = co_await directory_.call(job.site_id,
                                    [&](adapters::SiteAdapter& a) { return a.submit(request); });
  const auto facts = lifecycle::facts_of(job, submit_failures_[job.id]);
  model::JobRecord next = job;
  if (!r) {
    const lifecycle::Input in = submit_failed(r.error());
    auto out = lifecycle::step(facts, in, limits_);
    co_await execute(job, std::move(out), std::move(next), kNoEnding);
    co_return;
  }
  next.remote_id = r->remote_id;
  const auto out =
      lifecycle::step(facts, lifecycle::SubmitAccepted{r->remote_id, r->already_existed}, limits_);
  const bool recorded = co_await execute(job, out, std::move(next), kNoEnding);
  if (recorded) co_return;
  // The job changed meanwhile. Take it back from the site unless the store says it is there
  // (submitted or running at this site: an earlier submit of it was recorded) — typically it
  // was canceled while we were submitting.
  const std::string id = job.id;
  auto stored = co_await store_.run([&](store::Db& db) { return store::find_job(db, id); });
  if (!stored) co_return;  // cannot tell; the reconciler sees the site's copy as unknown
  const bool belongs_there = *stored &&
                             ((*stored)->state == S::submitted || (*stored)->state == S::running) &&
                             (*stored)->site_id == job.site_id;
  if (!belongs_there) {
    const std::string remote = r->remote_id;
    (void)co_await directory_.call(job.site_id,
                                   [&](adapters::SiteAdapter& a) { return a.cancel(remote); });
  }
}

asio::awaitable<void> Dispatcher::reconcile_site(std::string site_id,
                                                 std::vector<model::JobRecord> jobs) {
  std::vector<std::string> remote_ids;
  std::map<std::string, model::JobRecord*> by_remote;
  for (auto& j : jobs) {
    if (j.cancel_requested) {
      auto out = lifecycle::step(lifecycle::facts_of(j), lifecycle::CancelRequested{}, limits_);
      co_await execute(j, std::move(out), j, kNoEnding);
    }
    remote_ids.push_back(j.remote_id);
    by_remote[j.remote_id] = &j;
  }
  auto statuses = co_await directory_.call(
      site_id, [&](adapters::SiteAdapter& a) { return a.status(remote_ids); });
  if (!statuses) {
    log_.debug("status call failed", {{"site", site_id}, {"error", statuses.error().message}});
    // Limitation: nothing cancels a copy left at an offline site if the site comes back, so
    // it may still run there once (at most once per placement attempt).
    const auto view = directory_.view(site_id);
    if (view && view->site.status == model::SiteStatus::offline) {
      const lifecycle::Input in = lifecycle::SiteOffline{view->last_error};
      for (auto& j : jobs) {
        auto out = lifecycle::step(lifecycle::facts_of(j), in, limits_);
        co_await execute(j, std::move(out), j, kNoEnding);
      }
    }
    co_return;
  }
  for (const auto& st : *statuses) {
    auto it = by_remote.find(st.remote_id);
    if (it == by_remote.end()) continue;
    const model::JobRecord& job = *it->second;
    const lifecycle::Input in =
        lifecycle::Reported{remote_state(st.state), st.exit_code, st.reason};
    const Ending end{st.exit_code, st.started_at, st.finished_at};
    auto out = lifecycle::step(lifecycle::facts_of(job), in, limits_);
    co_await execute(job, std::move(out), job, end);
  }
}

}  // namespace suanwang::runtime
