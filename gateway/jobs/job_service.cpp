// Quote, submit, cancel and visibility (see job_service.hpp).
#include "gateway/jobs/job_service.hpp"

#include "gateway/store/job_repo.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::jobs {

namespace asio = boost::asio;

asio::awaitable<Result<std::vector<model::Dataset>>> JobService::org_datasets(
    const std::string& org) {
  co_return co_await store_.run(
      [&](store::Db& db) { return store::list_datasets(db, std::string_view(org)); });
}

asio::awaitable<Result<placement::Decision>> JobService::quote(const auth::Principal& who,
                                                               const model::JobSpec& spec) {
  auto datasets = co_await org_datasets(who.org_id);
  if (!datasets) co_return fail(datasets.error());
  if (auto r = planner_.check_references(spec, *datasets); !r) co_return fail(r.error());
  co_return planner_.plan(spec, who.org_id, {}, *datasets);
}

asio::awaitable<Result<SubmitOutcome>> JobService::submit(
    const auth::Principal& who, model::JobSpec spec, std::string idempotency_key,
    std::string request_hash, std::optional<PlacementRefusal>& refusal) {
  if (!who.is_user() && !who.is_admin()) {
    co_return fail(Error::forbidden("only user orgs (and admins) submit jobs"));
  }
  if (!idempotency_key.empty()) {
    const std::string org = who.org_id;
    auto prior = co_await store_.run([&](store::Db& db) {
      return store::find_job_by_idempotency_key(db, org, idempotency_key);
    });
    if (!prior) co_return fail(prior.error());
    if (*prior) {
      if ((*prior)->request_hash != request_hash) {
        co_return fail(
            Error{Errc::conflict,
                  "Idempotency-Key '" + idempotency_key + "' was used for a different request body",
                  "Idempotency-Key"});
      }
      co_return SubmitOutcome{std::move(**prior), false};
    }
  }
  auto datasets = co_await org_datasets(who.org_id);
  if (!datasets) co_return fail(datasets.error());
  if (auto r = planner_.check_references(spec, *datasets); !r) co_return fail(r.error());
  auto decision = planner_.plan(spec, who.org_id, {}, *datasets);
  if (!decision.feasible()) {
    refusal = PlacementRefusal{Error{Errc::unprocessable, decision.summary, {}},
                               placement::to_json(decision)};
    co_return fail(refusal->error);
  }
  const auto& best = decision.ranked.front();
  const TimePoint now = clock_.now();
  model::JobRecord job;
  job.id = ids_.next("job");
  job.org_id = who.org_id;
  job.spec = std::move(spec);
  job.state = model::JobState::placed;
  job.site_id = best.site_id;
  job.attempt = 1;
  job.decision = placement::to_json(decision);
  job.estimated_cost_cny = best.total_cost_cny;
  job.reason = decision.summary;
  job.idempotency_key = idempotency_key;
  job.request_hash = request_hash;
  job.created_at = job.updated_at = now;
  std::vector<model::JobEvent> events = {
      {0, now, "created", model::JobState::pending, "", 0, "submitted through the API"},
      {0, now, "placed", model::JobState::placed, best.site_id, 1, decision.summary}};
  auto inserted =
      co_await store_.run([&](store::Db& db) { return store::insert_job(db, job, events); });
  if (!inserted) {
    if (inserted.error().code == Errc::already_exists && !idempotency_key.empty()) {
      // A concurrent request with the same key won the race: answer with its job.
      const std::string org = who.org_id;
      auto prior = co_await store_.run([&](store::Db& db) {
        return store::find_job_by_idempotency_key(db, org, idempotency_key);
      });
      if (prior && *prior && (*prior)->request_hash == request_hash) {
        co_return SubmitOutcome{std::move(**prior), false};
      }
      co_return fail(Error{Errc::conflict, "Idempotency-Key reused", "Idempotency-Key"});
    }
    co_return fail(inserted.error());
  }
  planner_.add_in_flight(job.site_id, 1);
  wake_dispatcher_();
  co_return SubmitOutcome{std::move(job), true};
}

asio::awaitable<Result<model::JobRecord>> JobService::cancel(const auth::Principal& who,
                                                             const std::string& job_id) {
  for (int tries = 0; tries < 3; ++tries) {
    auto job = co_await find_visible(who, job_id);
    if (!job) co_return fail(job.error());
    if (!who.owns(job->org_id)) co_return fail(Error::not_found("no job " + job_id));
    using S = model::JobState;
    switch (job->state) {
      case S::canceled:
        co_return std::move(*job);
      case S::succeeded:
      case S::failed:
        co_return fail(
            Error::conflict("job " + job_id + " already " + model::job_state_name(job->state)));
      case S::pending:
      case S::placed: {
        // Not at a site yet: cancel here. If the dispatcher moves it meanwhile, the update
        // does not apply and we go round again.
        const S from = job->state;
        const TimePoint now = clock_.now();
        model::JobRecord next = *job;
        next.state = S::canceled;
        next.cancel_requested = true;
        next.reason = "canceled by the owner before it reached a site";
        next.updated_at = now;
        next.finished_at = now;
        next.final_cost_cny = 0;
        model::JobEvent ev{0,          now, "canceled", S::canceled, job->site_id, job->attempt,
                           next.reason};
        auto applied = co_await store_.run(
            [&](store::Db& db) { return store::update_job(db, next, from, ev); });
        if (!applied) co_return fail(applied.error());
        if (*applied) {
          if (from == S::placed) planner_.add_in_flight(job->site_id, -1);
          co_return next;
        }
        continue;
      }
      case S::submitted:
      case S::running: {
        const TimePoint now = clock_.now();
        auto r = co_await store_.run(
            [&](store::Db& db) { return store::request_cancel(db, job_id, now); });
        if (!r) co_return fail(r.error());
        wake_dispatcher_();
        job->cancel_requested = true;
        co_return std::move(*job);
      }
    }
  }
  co_return fail(Error::conflict("job " + job_id + " is changing state; try again"));
}

bool JobService::sees_as_operator(const auth::Principal& who, const model::JobRecord& job) const {
  if (who.owns(job.org_id) || !who.is_operator() || job.site_id.empty()) return false;
  auto v = directory_.view(job.site_id);
  return v && v->site.org_id == who.org_id;
}

bool JobService::can_view(const auth::Principal& who, const model::JobRecord& job) const {
  return who.owns(job.org_id) || sees_as_operator(who, job);
}

asio::awaitable<Result<model::JobRecord>> JobService::find_visible(const auth::Principal& who,
                                                                   const std::string& job_id) {
  if (!is_valid_id(job_id, "job")) co_return fail(Error::not_found("no job " + job_id));
  auto job = co_await store_.run([&](store::Db& db) { return store::find_job(db, job_id); });
  if (!job) co_return fail(job.error());
  if (!*job || !can_view(who, **job)) co_return fail(Error::not_found("no job " + job_id));
  co_return std::move(**job);
}

}  // namespace suanwang::jobs
