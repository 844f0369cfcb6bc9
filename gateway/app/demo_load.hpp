// DemoLoad: the demo federation's background demand (issue 22 item 9). With `serve --demo` the
// org `demo-load` submits a light, seeded stream of jobs (demo_demand.hpp) so that the map, the
// charts and the queues move; `--demo-load off` (config demo_load: false) stops it.
//
//   who        its own user org, `demo-load` (bootstrap.hpp), so that the demo user's job list,
//              usage and bill hold only what the demo user did; admins see its jobs, and the
//              demo operator sees them on its sites, as any customer's
//   how        through JobService::submit, as the API does (placement, holds, the dispatcher),
//              with constraints.sites = the demo federation's emulated (`sim`) sites as they
//              were at start-up: never the `local` site, which runs real processes on this
//              machine, nor a site an operator registers meanwhile. Not audited: no one acted.
//   bounded    an arrival finds demo_load_max_in_flight of its jobs unfinished: it is skipped
//              (the load throttles itself when the federation is slow). After each arrival the
//              org's finished jobs beyond the newest demo_load_keep_jobs are deleted with their
//              events, decisions and usage records, so a demo that runs for weeks keeps a few
//              hundred of them, not millions.
//   seeded     the same seed gives the same jobs at the same gaps after every start.
//
// Threading: its loop runs on its own strand; stop() then join() ends it (the arrival under way
// finishes first).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/app/demo_demand.hpp"
#include "gateway/auth/principal.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/clock_timer.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/services/job_service.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::app {

struct DemoLoadSettings {
  std::string org_id;           // the demo-load org's
  std::set<std::string> sites;  // the emulated sites it may use (those still registered)
  uint64_t seed = 1;
  int jobs_per_minute = 3;
  int max_in_flight = 10;
  int keep_jobs = 200;
  int time_scale = 30;  // the generator's runtimes run this many times faster
};

class DemoLoad {
 public:
  enum class Outcome { submitted, throttled, no_site, refused };

  DemoLoad(boost::asio::io_context& io, services::JobService& jobs,
           const federation::SiteDirectory& directory, store::Store& store, const Clock& clock,
           Logger& log, DemoLoadSettings settings);

  void start();
  void stop();
  boost::asio::awaitable<void> join();

  // One arrival: submits `spec` on the sim sites unless the load is at its bound, then deletes
  // what is beyond the kept finished jobs. Run by the loop; tests call it directly.
  boost::asio::awaitable<Outcome> arrive(model::JobSpec spec);

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  services::JobService& jobs_;
  const federation::SiteDirectory& directory_;
  store::Store& store_;
  const Clock& clock_;
  Logger& log_;
  DemoLoadSettings settings_;
  auth::Principal who_;
  DemoDemand demand_;
  ClockTimer timer_;
  bool stopped_ = false;  // REQUIRES: on strand_
  bool running_ = false;  // REQUIRES: on strand_
  boost::asio::steady_timer joined_;  // canceled when the loop ends after stop()
};

}  // namespace suanwang::app
