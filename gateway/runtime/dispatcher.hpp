// Dispatcher: drives every job from `placed` to a final state. It is a shell around the job
// lifecycle (gateway/lifecycle): it gathers what happened to a job (a placement, a site's answer
// to a submit, a status report, a cancellation, a site gone offline), asks lifecycle::step what
// that means, records the event and carries out the effects. What a refusal, a loss or a
// cancellation does to a job is decided there, not here.
//   - It places pending jobs (after a failover) on the best site not blocked for them,
//   - submits placed jobs through their site's adapter (idempotent by job id, so after a crash
//     a job is found at the site, not started twice),
//   - reconciles submitted/running jobs with a batch status call per site every
//     reconcile_interval (at once for a site with a cancellation to forward), recording exit
//     codes, final cost and whose fault a failure was.
// Every change is a state transition written with its event and the money it moves
// (runtime/job_writes: accounting decides, the store writes both at once); the database stays
// the truth.
//
// It works from memory: the active jobs (without their decisions) are read once at start,
// then kept current by its own transitions and by JobListener calls from the API side (a new
// job, a cancellation). It reads them all again every five minutes as a safety net, and reads one
// job again whenever a transition of it does not apply (someone else moved it). Submissions
// and status calls run as their own tasks, so one slow or hanging site delays only its own
// jobs, never a pass. Jobs no site can take now (every candidate full, offline or unreported)
// wait in `pending` and are tried again each reconcile pass.
//
// Time comes from the injected Clock (wall and monotonic) and the dispatcher sleeps on a
// ClockTimer, so tests drive it with a ManualClock. stop() then join() ends it: the loop and
// every submission and status task it spawned have finished when join() returns.
//
// Threading: all its coroutines run on one strand, so its maps need no lock.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/clock_timer.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/lifecycle/lifecycle.hpp"
#include "gateway/runtime/job_listener.hpp"
#include "gateway/runtime/data_mover.hpp"
#include "gateway/runtime/planner.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::runtime {

// What a site is told of a job (adapters::JobRequest): its id as the key, the spec's command,
// resources and hints, whether its inputs were staged and which outputs it leaves; no owner,
// prices or placement reasons. Also used by the replay.
adapters::JobRequest site_request(const std::string& job_id, const model::JobSpec& spec);

// What a failed submit means to the lifecycle: a refusal (final for that site) or a site that
// did not answer (tried again). Also used by the replay.
lifecycle::Input submit_failed(const adapters::AdapterError& e);

// A site's report of a job, in the lifecycle's terms.
lifecycle::Remote remote_state(adapters::RemoteState s);

class Dispatcher final : public JobListener {
 public:
  // What the site reported at the job's end, for a final outcome.
  struct Ending {
    std::optional<int> exit_code;
    std::optional<TimePoint> started_at;
    std::optional<TimePoint> finished_at;
  };

  Dispatcher(boost::asio::io_context& io, store::Store& store, federation::SiteDirectory& directory,
             Planner& planner, const Config& config, const Clock& clock, Logger& log);

  void start();
  // Asks the loop to stop; join() waits until it and every task it spawned have ended.
  void stop();
  boost::asio::awaitable<void> join();
  // The lifecycle's limits, from the config (also what the replay runs with).
  static lifecycle::Limits limits(const Config& config);
  // The data plane (staging and collection); without one, jobs with files fail over and fail.
  void set_data_mover(DataMover* mover) { mover_ = mover; }
  void job_created(const model::JobRecord& job) override;
  void job_changed(const std::string& job_id) override;

 private:
  boost::asio::awaitable<void> loop();
  // Reads every active job again (in pages, so other database work interleaves).
  boost::asio::awaitable<void> resync();
  // Reads the jobs named by job_changed() or by a transition that did not apply.
  boost::asio::awaitable<void> reload_stale();
  boost::asio::awaitable<void> run_pass(bool reconcile_all);
  boost::asio::awaitable<void> place(model::JobRecord job);
  // place() with the job marked busy meanwhile.
  boost::asio::awaitable<void> place_busy(model::JobRecord job);
  // Tries the waiting jobs again, as many as the budgets allow (see dispatcher.cpp).
  boost::asio::awaitable<void> place_waiting();
  boost::asio::awaitable<void> submit(model::JobRecord job);
  boost::asio::awaitable<void> reconcile_site(std::string site_id,
                                              std::vector<model::JobRecord> jobs);
  // The org's datasets, read once per pass (shared: a placement may outlive the pass).
  boost::asio::awaitable<std::shared_ptr<const std::vector<model::Dataset>>> org_datasets(
      const std::string& org);
  // Records `out` for `job` (when it has an event) and carries out its effects. `next` is the
  // record to write (a copy of `job` the caller may have filled in further). False when the
  // job changed meanwhile (then nothing was written and it is read again before its next pass).
  boost::asio::awaitable<bool> execute(const model::JobRecord& job, lifecycle::Outcome out,
                                       model::JobRecord next, const Ending& end);
  // Writes the transition; false when the job changed meanwhile (then nothing was written and
  // the job is read again before its next pass).
  boost::asio::awaitable<bool> transition(model::JobRecord& next, model::JobState from,
                                          model::EventType type, std::string reason,
                                          std::vector<i18n::Message> reason_parts);
  // Spawns `task` on the strand, counted in tasks_ so join() waits for it.
  void spawn(boost::asio::awaitable<void> task, std::function<void(std::exception_ptr)> done);
  // Keeps `job` as the working copy (dropping its decision), or forgets it once final.
  void remember(model::JobRecord job);
  void forget(const std::string& id);
  // `id` (pending) found no site for now: tried again on reconcile passes only (waiting_).
  void wait(const std::string& id);
  void spawn_submit(model::JobRecord job);
  // Stages a job's inputs (state staging) and, once they are there, submits it.
  void spawn_stage(model::JobRecord job);
  boost::asio::awaitable<void> stage_then_submit(model::JobRecord job);
  // Collects an ended job's outputs (state collecting).
  void spawn_collect(model::JobRecord job);
  boost::asio::awaitable<void> collect(model::JobRecord job);
  void wake_on_strand();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  store::Store& store_;
  federation::SiteDirectory& directory_;
  Planner& planner_;
  const Config& config_;
  const Clock& clock_;
  Logger& log_;
  DataMover* mover_ = nullptr;
  const lifecycle::Limits limits_;
  ClockTimer timer_;
  std::atomic<bool> stopped_{false};
  int tasks_ = 0;                     // spawned tasks still running, the loop included
  boost::asio::steady_timer joined_;  // canceled when tasks_ drops to zero after stop()
  // All below: strand only.
  bool woken_ = false;
  bool coalescing_ = false;                         // the short wait after a woken pass
  std::map<std::string, model::JobRecord> active_;  // the working set: active jobs by id
  // placed, staging or collecting (to submit, stage or collect), or pending and not waiting
  // (to place)
  std::set<std::string> to_act_;
  // Pending jobs whose last placement found no site for reasons that clear by themselves (a
  // full, offline or unreported site). They are tried again on reconcile passes only, within a
  // count and a time budget a pass, going round from where the last pass stopped, so a long
  // queue of waiting jobs neither loads every pass nor starves its tail.
  std::set<std::string> waiting_;
  std::string waiting_cursor_;  // the last waiting job tried
  std::map<std::string, std::shared_ptr<const std::vector<model::Dataset>>> datasets_;  // by org
  std::set<std::string> stale_;                 // to read again from the store
  std::set<std::string> reconcile_now_;         // sites with a cancellation to forward
  std::set<std::string> busy_;                  // job ids with an operation under way
  std::set<std::string> reconciling_;           // sites with a status call under way
  std::map<std::string, int> submit_failures_;  // consecutive unreachable submits, by job
  bool reading_ = false;                        // a resync or reload is reading the store
  std::set<std::string> touched_;  // ids remembered or forgotten meanwhile (newer than read)
  SteadyTime last_reconcile_{};
  SteadyTime last_resync_{};
  bool reconciled_ = false;  // a first reconcile pass has run
  bool synced_ = false;
};

}  // namespace suanwang::runtime
