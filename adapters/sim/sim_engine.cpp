// The sim adapter's discrete-event model of a compute center.
#include "adapters/sim/sim_engine.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "adapters/common/log_chunk.hpp"
#include "adapters/common/queue_forecast.hpp"

namespace suanwang::adapters::sim {
namespace {

double to_seconds(TimePoint::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string rfc3339(TimePoint t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%.*s.%03dZ", static_cast<int>(n), buf, millis);
  return out;
}

std::string number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

bool is_final(RemoteState s) {
  return s != RemoteState::queued && s != RemoteState::running;
}

// Why `pool` can never run `demand` for `walltime_s`; empty when it can.
std::string never_fits(const SimPool& pool, const FreeResources& total, const Demand& demand,
                       int64_t walltime_s) {
  if (demand.cpus > total.cpus) return "has " + std::to_string(total.cpus) + " cpus";
  if (demand.memory_mib > total.memory_mib) return "has " + number(pool.memory_gb) + " GB memory";
  if (demand.accelerator_count > 0) {
    auto it = total.accelerators.find(demand.accelerator_model);
    if (it == total.accelerators.end()) return "has no " + demand.accelerator_model;
    if (it->second < demand.accelerator_count) {
      return "has " + std::to_string(it->second) + " x " + demand.accelerator_model;
    }
  }
  if (pool.max_walltime_s > 0 && walltime_s > pool.max_walltime_s) {
    return "allows at most " + std::to_string(pool.max_walltime_s) + " s walltime";
  }
  return {};
}

std::optional<std::string> bad_request(const JobRequest& job) {
  if (job.key.empty()) return "job key is empty";
  if (job.command.empty() == job.script.empty()) {
    return "a job needs exactly one of command or script";
  }
  if (job.cpus < 1) return "cpus must be at least 1";
  if (!std::isfinite(job.memory_gb) || job.memory_gb < 0) return "memory_gb must be >= 0";
  if (job.walltime_s < 1) return "walltime_s must be at least 1";
  if (job.expected_runtime_s && *job.expected_runtime_s < 0) {
    return "expected_runtime_s is negative";
  }
  if (job.accelerators && job.accelerators->count < 0) return "accelerator count is negative";
  if (job.accelerators && job.accelerators->count > 0 && job.accelerators->model.empty()) {
    return "accelerator model is empty";
  }
  return std::nullopt;
}

}  // namespace

void SimEngine::JobQueue::pop_front() {
  ++head_;
  if (head_ == items_.size()) {
    items_.clear();
    head_ = 0;
  } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
    // Compact once the departed half outweighs the rest: amortised O(1) per pop.
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void SimEngine::JobQueue::erase(size_t index) {
  items_.erase(
      std::remove(items_.begin() + static_cast<std::ptrdiff_t>(head_), items_.end(), index),
      items_.end());
  if (empty()) {
    items_.clear();
    head_ = 0;
  }
}

SimEngine::SimEngine(SimOptions options, uint64_t seed)
    : options_(std::move(options)), seed_(seed) {
  for (const auto& spec : options_.pools) {
    Pool pool;
    pool.spec = spec;
    pool.total.cpus = spec.cpus;
    pool.total.memory_mib = gb_to_mib(spec.memory_gb);
    pool.total.accelerators = spec.accelerators;
    pool.free = pool.total;
    pools_.push_back(std::move(pool));
  }
}

double SimEngine::draw() {
  if (!rng_) rng_ = std::make_unique<std::mt19937_64>(seed_);
  ++draws_;
  ++changes_;
  return static_cast<double>((*rng_)() >> 11) * 0x1.0p-53;
}

Description SimEngine::describe() const {
  Description d;
  d.adapter = "sim";
  d.api_version = "sim/1";
  std::set<std::string> models;
  bool unlimited = false;
  for (const auto& p : options_.pools) {
    for (const auto& [model, count] : p.accelerators) models.insert(model);
    if (p.max_walltime_s == 0) unlimited = true;
    d.max_walltime_s = std::max(d.max_walltime_s, p.max_walltime_s);
  }
  if (unlimited) d.max_walltime_s = 0;
  d.accelerator_models.assign(models.begin(), models.end());
  d.supports_images = true;
  d.supports_scripts = true;
  return d;
}

Health SimEngine::health() const {
  return Health{true, options_.rtt_ms, "emulated site (sim adapter)"};
}

void SimEngine::advance_to(TimePoint now) {
  if (!started_clock_) {
    clock_ = now;
    started_clock_ = true;
  }
  // A wall clock stepping back must not rewind the model: events already happened.
  now = std::max(now, clock_);
  while (!releases_.empty() && releases_.top().at <= now) {
    const Release r = releases_.top();
    releases_.pop();
    const Job& job = jobs_[r.job];
    // Entries of jobs cancelled while running stay in the heap; skip them here.
    if (job.state != RemoteState::running || *job.started_at + job.hold != r.at) continue;
    RemoteState final_state = RemoteState::lost;
    switch (job.outcome) {
      case Outcome::exits:
        final_state = options_.exit_code == 0 ? RemoteState::succeeded : RemoteState::failed;
        break;
      case Outcome::walltime_exceeded:
        final_state = RemoteState::failed;
        break;
      case Outcome::lost:
        final_state = RemoteState::lost;
        break;
    }
    clock_ = r.at;
    release(r.job, r.at, final_state);
    start_queued(pools_[job.pool], r.at);
  }
  clock_ = now;
}

void SimEngine::start_queued(Pool& pool, TimePoint at) {
  // Strict FIFO, no backfill: a large job at the head is not overtaken by small ones.
  while (!pool.queue.empty() && fits(pool.free, jobs_[pool.queue.front()].demand)) {
    const size_t index = pool.queue.front();
    pool.queue.pop_front();
    start(index, at);
  }
}

void SimEngine::start(size_t index, TimePoint at) {
  Job& job = jobs_[index];
  Pool& pool = pools_[job.pool];
  take(pool.free, job.demand);
  pool.running.insert(index);
  job.state = RemoteState::running;
  job.started_at = at;
  releases_.push(Release{at + job.hold, index});
}

void SimEngine::release(size_t index, TimePoint at, RemoteState final_state) {
  Job& job = jobs_[index];
  Pool& pool = pools_[job.pool];
  give(pool.free, job.demand);
  pool.running.erase(index);
  job.state = final_state;
  job.finished_at = at;
}

std::optional<size_t> SimEngine::find(const std::string& remote_id) const {
  constexpr std::string_view kPrefix = "sim-";
  if (!remote_id.starts_with(kPrefix)) return std::nullopt;
  size_t n = 0;
  const char* first = remote_id.data() + kPrefix.size();
  const char* last = remote_id.data() + remote_id.size();
  auto [end, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || end != last || n < 1 || n > jobs_.size()) return std::nullopt;
  if (remote_id != "sim-" + std::to_string(n)) return std::nullopt;  // "sim-01" is not "sim-1"
  return n - 1;
}

Capacity SimEngine::capacity(TimePoint now) {
  advance_to(now);
  Capacity cap;
  cap.observed_at = clock_;
  std::optional<TimePoint> best_start;
  for (const auto& pool : pools_) {
    PoolCapacity pc;
    pc.name = pool.spec.name;
    pc.cpus_total = pool.total.cpus;
    pc.cpus_free = pool.free.cpus;
    pc.memory_gb_total = pool.spec.memory_gb;
    // From the configured figure, so an idle pool reports free == total exactly.
    pc.memory_gb_free = std::max(
        0.0, pool.spec.memory_gb - mib_to_gb(pool.total.memory_mib - pool.free.memory_mib));
    for (const auto& [model, total] : pool.total.accelerators) {
      auto it = pool.free.accelerators.find(model);
      pc.accelerators[model] =
          AcceleratorCount{total, it == pool.free.accelerators.end() ? 0 : it->second};
    }
    pc.max_walltime_s = pool.spec.max_walltime_s;

    cap.running_jobs += static_cast<int>(pool.running.size());
    cap.queued_jobs += static_cast<int>(pool.queue.size());
    std::vector<RunningWork> running;
    running.reserve(pool.running.size());
    for (size_t i : pool.running)
      running.push_back({*jobs_[i].started_at + jobs_[i].hold, jobs_[i].demand});
    std::vector<QueuedWork> queued;
    queued.reserve(pool.queue.size());
    for (size_t i : pool.queue) {
      pc.queued_work_core_s += jobs_[i].demand.cpus * to_seconds(jobs_[i].hold);
      queued.push_back({jobs_[i].demand, jobs_[i].hold});
    }
    pc.queued_jobs = static_cast<int>(pool.queue.size());
    cap.queued_work_core_s += pc.queued_work_core_s;
    // The wait a small (1-cpu) job would see in this pool (no job appended now starts earlier,
    // FIFO); the site's figure is the best pool.
    auto start =
        forecast_fifo_start(pool.free, std::move(running), queued, Demand{1, 0, {}, 0}, clock_);
    if (start && (!best_start || *start < *best_start)) best_start = start;
    if (start) pc.est_queue_wait_s = to_seconds(*start - clock_);
    cap.pools.push_back(std::move(pc));
  }
  if (best_start) cap.est_queue_wait_s = to_seconds(*best_start - clock_);
  return cap;
}

AdapterResult<SubmitResult> SimEngine::submit(const JobRequest& request, TimePoint now) {
  advance_to(now);
  if (auto it = by_key_.find(request.key); it != by_key_.end()) {
    return SubmitResult{"sim-" + std::to_string(it->second + 1), true};
  }
  if (auto bad = bad_request(request)) {
    return adapter_fail(AdapterErrc::refused, "sim: " + *bad);
  }
  const Demand demand = demand_of(request);
  std::optional<size_t> pool_index;
  std::string reasons;
  for (size_t i = 0; i < pools_.size() && !pool_index; ++i) {
    auto why = never_fits(pools_[i].spec, pools_[i].total, demand, request.walltime_s);
    if (why.empty()) {
      pool_index = i;
    } else {
      reasons += (reasons.empty() ? "" : "; ") + ("pool " + pools_[i].spec.name + " " + why);
    }
  }
  if (!pool_index) {
    return adapter_fail(AdapterErrc::refused,
                        "sim: no pool can ever run this job (" + reasons + ")");
  }
  if (draw() < options_.failure_rate) {
    return adapter_fail(AdapterErrc::refused,
                        "sim: seeded refusal (failure_rate " + number(options_.failure_rate) + ")");
  }
  const bool lost = draw() < options_.lose_rate;  // drawn even at rate 0 to keep the sequence

  Job job;
  job.key = request.key;
  job.pool = *pool_index;
  job.demand = demand;
  job.walltime_s = request.walltime_s;
  job.submitted_at = clock_;
  const int64_t runtime_s = request.expected_runtime_s
                                ? *request.expected_runtime_s
                                : std::min(request.walltime_s, options_.default_runtime_s);
  if (runtime_s > request.walltime_s) {
    job.outcome = Outcome::walltime_exceeded;
    job.hold = bounded_seconds(request.walltime_s);
  } else {
    job.hold = bounded_seconds(runtime_s);
  }
  if (lost) {
    job.outcome = Outcome::lost;
    job.hold /= 2;  // the node dies mid-run
  }
  const size_t index = jobs_.size();
  jobs_.push_back(std::move(job));
  by_key_.emplace(request.key, index);
  ++changes_;
  Pool& pool = pools_[*pool_index];
  pool.queue.push_back(index);
  start_queued(pool, clock_);
  return SubmitResult{"sim-" + std::to_string(index + 1), false};
}

RemoteStatus SimEngine::status_of(size_t index) const {
  const Job& job = jobs_[index];
  RemoteStatus s;
  s.remote_id = "sim-" + std::to_string(index + 1);
  s.state = job.state;
  s.started_at = job.started_at;
  s.finished_at = job.finished_at;
  const std::string& pool = pools_[job.pool].spec.name;
  switch (job.state) {
    case RemoteState::queued:
      s.reason = "waiting for resources on pool " + pool;
      break;
    case RemoteState::running:
      s.reason = "running on pool " + pool;
      break;
    case RemoteState::canceled:
      s.reason = "canceled";
      break;
    case RemoteState::lost:
      s.reason = "emulated node failure (seeded loss)";
      break;
    case RemoteState::succeeded:
    case RemoteState::failed:
      if (job.outcome == Outcome::walltime_exceeded) {
        s.reason = "walltime exceeded";
      } else {
        s.exit_code = options_.exit_code;
        s.reason = "exit code " + std::to_string(options_.exit_code);
      }
      break;
  }
  return s;
}

std::vector<RemoteStatus> SimEngine::status(const std::vector<std::string>& remote_ids,
                                            TimePoint now) {
  advance_to(now);
  std::vector<RemoteStatus> out;
  out.reserve(remote_ids.size());
  for (const auto& id : remote_ids) {
    if (auto index = find(id)) {
      out.push_back(status_of(*index));
    } else {
      RemoteStatus s;
      s.remote_id = id;
      s.state = RemoteState::lost;
      s.reason = "unknown to site";
      out.push_back(std::move(s));
    }
  }
  return out;
}

AdapterResult<void> SimEngine::cancel(const std::string& remote_id, TimePoint now) {
  advance_to(now);
  auto index = find(remote_id);
  if (!index) return adapter_fail(AdapterErrc::not_found, "sim: no job " + remote_id);
  Job& job = jobs_[*index];
  Pool& pool = pools_[job.pool];
  if (job.state == RemoteState::queued) {
    ++changes_;
    pool.queue.erase(*index);
    job.state = RemoteState::canceled;
    job.finished_at = clock_;
    start_queued(pool, clock_);  // it may have been the head blocking others
  } else if (job.state == RemoteState::running) {
    ++changes_;
    release(*index, clock_, RemoteState::canceled);
    start_queued(pool, clock_);
  }
  return {};
}

std::string SimEngine::log_text(size_t index) const {
  const Job& job = jobs_[index];
  const std::string& pool = pools_[job.pool].spec.name;
  const std::string who = "job " + job.key;
  std::string text = "[sim] " + rfc3339(job.submitted_at) + " " + who + " queued on pool " + pool +
                     " (emulated site: no real process runs, output is synthetic)\n";
  if (job.started_at) {
    text += "[sim] " + rfc3339(*job.started_at) + " " + who + " started on pool " + pool + ": " +
            std::to_string(job.demand.cpus) + " cpus, " + number(mib_to_gb(job.demand.memory_mib)) +
            " GB memory";
    if (job.demand.accelerator_count > 0) {
      text += ", " + std::to_string(job.demand.accelerator_count) + " x " +
              job.demand.accelerator_model;
    }
    text += "\n";
  }
  if (job.finished_at) {
    text += "[sim] " + rfc3339(*job.finished_at) + " " + who + " ";
    switch (job.state) {
      case RemoteState::canceled:
        text += "canceled";
        break;
      case RemoteState::lost:
        text += "lost: emulated node failure";
        break;
      default:
        if (job.outcome == Outcome::walltime_exceeded) {
          text += "killed: walltime exceeded (" + std::to_string(job.walltime_s) + " s)";
        } else {
          text += "finished exit " + std::to_string(options_.exit_code);
        }
    }
    text += "\n";
  }
  return text;
}

AdapterResult<LogChunk> SimEngine::logs(const std::string& remote_id, int64_t offset,
                                        int64_t max_bytes, TimePoint now) {
  advance_to(now);
  auto index = find(remote_id);
  if (!index) return adapter_fail(AdapterErrc::not_found, "sim: no job " + remote_id);
  return slice_log(log_text(*index), log_window(offset, max_bytes), is_final(jobs_[*index].state));
}

SimSnapshot SimEngine::snapshot() const {
  SimSnapshot out;
  out.clock = clock_;
  out.draws = draws_;
  out.jobs.reserve(jobs_.size());
  for (const Job& job : jobs_) {
    out.jobs.push_back(SimJobRecord{job.key, pools_[job.pool].spec.name, job.demand, job.walltime_s,
                                    job.hold, job.outcome, job.state, job.submitted_at,
                                    job.started_at, job.finished_at});
  }
  return out;
}

AdapterResult<void> SimEngine::restore(const SimSnapshot& snapshot) {
  // Everything is checked before anything changes, so a refused snapshot leaves a fresh engine.
  std::vector<size_t> pool_of(snapshot.jobs.size());
  std::vector<FreeResources> room;  // what each pool has left for the running jobs so far
  for (const auto& pool : pools_) room.push_back(pool.total);
  for (size_t i = 0; i < snapshot.jobs.size(); ++i) {
    const SimJobRecord& r = snapshot.jobs[i];
    const std::string id = "sim-" + std::to_string(i + 1);
    auto named = std::find_if(pools_.begin(), pools_.end(),
                              [&](const Pool& p) { return p.spec.name == r.pool; });
    if (named == pools_.end()) {
      return adapter_fail(AdapterErrc::invalid_config,
                          "sim state: job " + id + " is in pool " + r.pool + ", which is gone");
    }
    pool_of[i] = static_cast<size_t>(named - pools_.begin());
    if (is_final(r.state)) continue;
    if (auto why = never_fits(named->spec, named->total, r.demand, r.walltime_s); !why.empty()) {
      return adapter_fail(
          AdapterErrc::invalid_config,
          "sim state: job " + id + " no longer fits pool " + r.pool + ": it " + why);
    }
    if (r.state == RemoteState::running) {
      if (!fits(room[pool_of[i]], r.demand)) {
        return adapter_fail(AdapterErrc::invalid_config,
                            "sim state: pool " + r.pool + " is now too small for its running jobs");
      }
      take(room[pool_of[i]], r.demand);
    }
  }

  jobs_.reserve(snapshot.jobs.size());
  for (size_t i = 0; i < snapshot.jobs.size(); ++i) {
    const SimJobRecord& r = snapshot.jobs[i];
    Job job;
    job.key = r.key;
    job.pool = pool_of[i];
    job.demand = r.demand;
    job.walltime_s = r.walltime_s;
    job.hold = r.hold;
    job.outcome = r.outcome;
    job.state = r.state;
    job.submitted_at = r.submitted_at;
    job.started_at = r.started_at;
    job.finished_at = r.finished_at;
    by_key_.emplace(job.key, i);
    Pool& pool = pools_[job.pool];
    if (job.state == RemoteState::running) {
      take(pool.free, job.demand);
      pool.running.insert(i);
      releases_.push(Release{*job.started_at + job.hold, i});
    } else if (job.state == RemoteState::queued) {
      pool.queue.push_back(i);  // ids grow with submission, so this is the FIFO order
    }
    jobs_.push_back(std::move(job));
  }
  clock_ = snapshot.clock;
  started_clock_ = true;
  if (snapshot.draws > 0) {
    rng_ = std::make_unique<std::mt19937_64>(seed_);
    rng_->discard(snapshot.draws);
    draws_ = snapshot.draws;
  }
  // Pools that grew since may start queued jobs now; with the same options this starts none.
  for (auto& pool : pools_) start_queued(pool, clock_);
  return {};
}

}  // namespace suanwang::adapters::sim
