// The demo's background demand (see demo_load.hpp).
#include "gateway/app/demo_load.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/store/job_retention.hpp"

namespace suanwang::app {

namespace asio = boost::asio;

DemoLoad::DemoLoad(asio::io_context& io, services::JobService& jobs,
                   const federation::SiteDirectory& directory, store::Store& store,
                   const Clock& clock, Logger& log, DemoLoadSettings settings)
    : strand_(asio::make_strand(io)),
      jobs_(jobs),
      directory_(directory),
      store_(store),
      clock_(clock),
      log_(log),
      settings_(std::move(settings)),
      demand_(settings_.seed, settings_.jobs_per_minute, settings_.time_scale),
      timer_(strand_, clock),
      joined_(strand_, asio::steady_timer::time_point::max()) {
  who_.org_id = settings_.org_id;
  who_.org_name = "demo-load";
  who_.kind = model::OrgKind::user;
  who_.org_role = "admin";
}

void DemoLoad::start() {
  asio::post(strand_, [this] {
    if (stopped_ || running_) return;
    running_ = true;
    log_.info("demo load on: background jobs on the emulated sites (--demo-load off stops it)",
              {{"org", settings_.org_id},
               {"jobs_per_minute", settings_.jobs_per_minute},
               {"max_in_flight", settings_.max_in_flight},
               {"seed", settings_.seed}});
    asio::co_spawn(strand_, loop(), [this](std::exception_ptr e) {
      if (e) log_.error("demo load ended by an exception");
      running_ = false;
      joined_.cancel();
    });
  });
}

void DemoLoad::stop() {
  asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

asio::awaitable<void> DemoLoad::join() {
  co_await asio::post(strand_, asio::use_awaitable);
  while (running_) {
    co_await joined_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> DemoLoad::loop() {
  while (!stopped_) {
    DemoJob job = demand_.next();
    const auto gap = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(job.after_s));
    co_await timer_.wait_until(clock_.steady_now() + gap);
    if (stopped_) break;
    co_await arrive(std::move(job.spec));
  }
}

asio::awaitable<DemoLoad::Outcome> DemoLoad::arrive(model::JobSpec spec) {
  // The demo's emulated sites still registered: the `local` site runs real processes here.
  std::vector<std::string> sims;
  for (const auto& v : *directory_.snapshot()) {
    if (v.site.adapter.type == "sim" && settings_.sites.contains(v.site.id)) {
      sims.push_back(v.site.id);
    }
  }
  const std::string org = settings_.org_id;
  const int64_t keep = settings_.keep_jobs;
  Outcome outcome = Outcome::no_site;
  if (!sims.empty()) {
    auto unfinished = co_await store_.run(
        [&](store::Db& db) { return store::count_unfinished_jobs_of_org(db, org); });
    if (!unfinished) {
      log_.warn("demo load: cannot count its jobs", {{"error", unfinished.error().message}});
      co_return Outcome::refused;
    }
    outcome = Outcome::throttled;
    if (*unfinished < settings_.max_in_flight) {
      spec.constraints.sites = std::move(sims);
      std::optional<services::PlacementRefusal> refusal;
      auto r = co_await jobs_.submit(who_, std::move(spec), std::string(), std::string(), refusal);
      if (r) {
        outcome = Outcome::submitted;
        log_.debug("demo load: job submitted",
                   {{"job", r->job.id}, {"state", model::job_state_name(r->job.state)}});
      } else {
        outcome = Outcome::refused;
        log_.warn("demo load: job refused", {{"error", r.error().message}});
      }
    }
  }
  auto pruned = co_await store_.run(
      [&](store::Db& db) { return store::delete_finished_jobs_beyond(db, org, keep); });
  if (!pruned) {
    log_.warn("demo load: cannot delete its old jobs", {{"error", pruned.error().message}});
  } else if (*pruned > 0) {
    log_.debug("demo load: old jobs deleted", {{"jobs", *pruned}});
  }
  co_return outcome;
}

}  // namespace suanwang::app
