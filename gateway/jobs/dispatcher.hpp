// Dispatcher: drives every job from `placed` to a final state. Each pass it
//   - places pending jobs (after a failover) on the best site not blocked for them,
//   - submits placed jobs through their site's adapter (idempotent by job id, so after a crash
//     a job is found at the site, not started twice),
//   - reconciles submitted/running jobs with a batch status call per site, forwarding
//     cancellations, recording exit codes, final cost and whose fault a failure was.
// A pass runs every reconcile_interval, or at once when woken (a new job, a cancel).
// Every change is a state transition written with its event (store::update_job).
//
// Threading: all its coroutines run on one strand, so busy_ needs no lock.
#pragma once

#include <atomic>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/jobs/planner.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::jobs {

// What a site is told of a job (adapters::JobRequest): its id as the key, the spec's command,
// resources and hints; no owner, prices or placement reasons. Also used by the replay.
adapters::JobRequest site_request(const std::string& job_id, const model::JobSpec& spec);

class Dispatcher {
 public:
  Dispatcher(boost::asio::io_context& io, store::Store& store, federation::SiteDirectory& directory,
             Planner& planner, const Config& config, const Clock& clock, Logger& log);

  void start();
  void stop();
  void wake();  // thread-safe
  // One full pass; tests call it directly.
  boost::asio::awaitable<void> run_pass();

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> place(model::JobRecord job);
  boost::asio::awaitable<void> submit(model::JobRecord job);
  boost::asio::awaitable<void> reconcile_site(std::string site_id,
                                              std::vector<model::JobRecord> jobs);
  boost::asio::awaitable<void> fail_over(model::JobRecord job, std::string why);
  // Writes the transition; false when the job changed meanwhile (then nothing was written).
  boost::asio::awaitable<bool> transition(model::JobRecord& next, model::JobState from,
                                          std::string type, std::string reason);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  store::Store& store_;
  federation::SiteDirectory& directory_;
  Planner& planner_;
  const Config& config_;
  const Clock& clock_;
  Logger& log_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> woken_{false};
  bool coalescing_ = false;                     // the short wait after a woken pass (strand only)
  std::set<std::string> busy_;                  // job ids with an operation under way
  std::map<std::string, int> submit_failures_;  // consecutive unreachable submits, by job
};

}  // namespace suanwang::jobs
