// Quote, submit, cancel and visibility (see job_service.hpp).
#include "gateway/services/job_service.hpp"

#include <algorithm>

#include "gateway/data/file_path.hpp"

#include <algorithm>
#include <cstdio>

#include "gateway/accounting/spending.hpp"
#include "gateway/runtime/job_writes.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/dataset_repo.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

namespace {
// `limit` names what binds: the org's budget or its prepaid credit (accounting::binding_limit).
Error budget_error(double estimate, double remaining, const char* limit) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "the cheapest estimate, ¥%.2f, exceeds the org's remaining %s of ¥%.2f by ¥%.2f",
                estimate, limit, std::max(0.0, remaining), estimate - std::max(0.0, remaining));
  return Error{Errc::budget_exceeded, buf, {}};
}

// A job's data as the data plane takes it: input paths and output globs checked, and inputs
// of `files` datasets marked to be staged (they must be sealed: a job never starts on files
// that may still change).
Result<void> prepare_data(model::JobSpec& spec, const std::vector<model::Dataset>& datasets) {
  for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
    auto& in = spec.inputs[i];
    const std::string f = "inputs[" + std::to_string(i) + "]";
    in.staged = false;
    if (in.dataset.empty()) continue;
    auto d = std::find_if(datasets.begin(), datasets.end(),
                          [&](const model::Dataset& x) { return x.id == in.dataset; });
    if (d == datasets.end() || d->kind != model::DatasetKind::files) {
      if (!in.path.empty()) {
        return fail(Error::invalid(f + ".path", f + ".path: dataset " + in.dataset +
                                                    " is declared (no files to put there)"));
      }
      continue;
    }
    if (!d->sealed_at) {
      return fail(Error{Errc::conflict,
                        f + ".dataset: dataset " + in.dataset +
                            " is still open; seal it (POST /api/v1/datasets/" + in.dataset +
                            "/seal) so that the job reads files that no longer change",
                        f + ".dataset"});
    }
    auto dir = data::check_dir_path(in.path, f + ".path");
    if (!dir) return fail(dir.error());
    in.path = *dir;
    in.staged = true;
  }
  if (spec.outputs) {
    for (std::size_t i = 0; i < spec.outputs->paths.size(); ++i) {
      auto g = data::check_glob(spec.outputs->paths[i],
                                "outputs.paths[" + std::to_string(i) + "]");
      if (!g) return fail(g.error());
    }
  }
  return ok();
}

}  // namespace

asio::awaitable<Result<JobService::OrgContext>> JobService::org_context(const std::string& org) {
  // One trip to the database thread for both.
  co_return co_await store_.run([&](store::Db& db) -> Result<OrgContext> {
    auto datasets = store::list_datasets(db, std::string_view(org));
    if (!datasets) return fail(datasets.error());
    auto money = store::find_org_money(db, org);
    if (!money) return fail(money.error());
    if (!*money) return fail(Error::not_found("no org " + org));
    return OrgContext{std::move(*datasets), SpendLimit{accounting::remaining_cny(**money),
                                                       accounting::binding_limit(**money)}};
  });
}

asio::awaitable<Result<placement::Decision>> JobService::quote(const auth::Principal& who,
                                                               const model::JobSpec& spec) {
  auto ctx = co_await org_context(who.org_id);
  if (!ctx) co_return fail(ctx.error());
  if (auto r = planner_.check_references(spec, ctx->datasets); !r) co_return fail(r.error());
  model::JobSpec prepared = spec;
  if (auto r = prepare_data(prepared, ctx->datasets); !r) co_return fail(r.error());
  const runtime::PlanInput in{&prepared, who.org_id, {}, &ctx->datasets, ctx->limit.remaining_cny};
  co_return planner_.quote(in);
}

asio::awaitable<Result<SubmitOutcome>> JobService::submit(
    const auth::Principal& who, model::JobSpec spec, std::string idempotency_key,
    std::string request_hash, std::optional<PlacementRefusal>& refusal, store::AuditEntry* audit) {
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
  auto ctx = co_await org_context(who.org_id);
  if (!ctx) co_return fail(ctx.error());
  if (auto r = planner_.check_references(spec, ctx->datasets); !r) co_return fail(r.error());
  if (auto r = prepare_data(spec, ctx->datasets); !r) co_return fail(r.error());
  const SpendLimit& limit = ctx->limit;
  const std::optional<double>& remaining = limit.remaining_cny;

  model::JobRecord job;
  job.id = ids_.next("job");
  const runtime::PlanInput in{&spec, who.org_id, {}, &ctx->datasets, remaining};
  auto decision = planner_.place(job.id, in);
  const bool budget_only = !decision.feasible() && decision.cheapest_over_budget_cny && remaining &&
                           decision.rejected_count(placement::RejectCode::over_budget) > 0;
  // No site free now, but one that could run the job is only full, offline, draining or
  // unreported: the job is accepted and waits (pending) for the dispatcher to place it.
  const bool waits = !decision.feasible() && !budget_only && decision.may_clear();
  if (!decision.feasible() && !waits) {
    Json decision_json = placement::to_json(decision);
    if (budget_only) {
      const double est = *decision.cheapest_over_budget_cny;
      decision_json["budget"] = {{"limit", limit.name},
                                 {"remaining_cny", round_cny(*remaining)},
                                 {"cheapest_estimate_cny", round_cny(est)},
                                 {"over_by_cny", round_cny(est - std::max(0.0, *remaining))}};
      refusal =
          PlacementRefusal{budget_error(est, *remaining, limit.name), std::move(decision_json)};
    } else {
      refusal = PlacementRefusal{Error{Errc::unprocessable, decision.summary, {}},
                                 std::move(decision_json)};
    }
    co_return fail(refusal->error);
  }
  const TimePoint now = clock_.now();
  job.org_id = who.org_id;
  job.spec = std::move(spec);
  // The record carries what reads of a job carry (chosen and summary); the stored decision,
  // every ranked and rejected site, is written straight to text below: building it as a JSON
  // tree and freeing it was a fifth of a submission's CPU.
  job.decision = placement::brief_json(decision);
  const i18n::Message created{"event.created", {}};
  std::vector<model::JobEvent> events = {{0, now, model::EventType::created,
                                          model::JobState::pending, "", 0,
                                          i18n::render(created, i18n::Lang::en), {created}}};
  // The new job's first step in its lifecycle, as the dispatcher would take it.
  lifecycle::Facts fresh = lifecycle::facts_of(job);
  fresh.state = model::JobState::pending;
  if (waits) {
    // Nothing is held for it: its estimate, and the budget check, come when it is placed.
    const auto out =
        lifecycle::step(fresh, lifecycle::NoSite{true, decision.summary, decision.summary_parts},
                        runtime::Dispatcher::limits(config_));
    job.state = out.next;
    job.reason = out.reason;
    job.reason_parts = out.reason_parts;
    events.front().reason = job.reason;
    events.front().reason_parts = job.reason_parts;
  } else {
    const auto& best = decision.ranked.front();
    const auto out = lifecycle::step(
        fresh, lifecycle::Placed{best.site_id, decision.summary, decision.summary_parts},
        runtime::Dispatcher::limits(config_));
    job.site_id = best.site_id;
    lifecycle::apply(out, job);
    job.estimated_cost_cny = best.total_cost_cny;
    events.push_back({0, now, *out.event, job.state, best.site_id, job.attempt, out.reason,
                      out.reason_parts});
  }
  job.idempotency_key = idempotency_key;
  job.request_hash = request_hash;
  job.created_at = job.updated_at = now;
  if (audit != nullptr) {
    audit->object_id = job.id;
    audit->object_org_id = job.org_id;
    audit->detail["name"] = job.spec.name;
    audit->detail["site"] = job.site_id.empty() ? Json(nullptr) : Json(job.site_id);
  }
  // Serialised here, on this I/O thread: the database thread is the one that limits durable
  // submissions, and the decision is most of the row's bytes.
  store::JobText text = store::job_text(job);
  text.decision_json = placement::to_json_text(decision);
  // The budget is checked again in the insert's transaction: two submissions racing for the
  // last of a budget cannot both pass (the database thread runs one transaction at a time).
  auto inserted = co_await store_.run([&](store::Db& db) -> Result<void> {
    return db.transaction([&]() -> Result<void> {
      auto money = store::find_org_money(db, job.org_id);
      if (!money) return fail(money.error());
      const auto left = *money ? accounting::remaining_cny(**money) : std::nullopt;
      if (left && job.estimated_cost_cny && *job.estimated_cost_cny > *left) {
        return fail(
            budget_error(*job.estimated_cost_cny, *left, accounting::binding_limit(**money)));
      }
      if (auto r = runtime::write_new_job(db, job, events, text); !r) return r;
      if (audit == nullptr) return ok();
      return store::insert_audit(db, *audit);
    });
  });
  if (!inserted) {
    planner_.left_site(job.id);  // not stored: its place is given back
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
  {
    // The dispatcher keeps no decisions: hand it the job without copying this one.
    Json decision = std::move(job.decision);
    job.decision = nullptr;
    dispatcher_.job_created(job);
    job.decision = std::move(decision);
  }
  co_return SubmitOutcome{std::move(job), true};
}

asio::awaitable<Result<model::JobRecord>> JobService::cancel(const Caller& caller,
                                                             const std::string& job_id) {
  const auth::Principal& who = caller.who;
  for (int tries = 0; tries < 3; ++tries) {
    auto job = co_await find_visible(who, job_id);
    if (!job) co_return fail(job.error());
    if (!who.owns(job->org_id)) co_return fail(Error::not_found("no job " + job_id));
    const AuditEntry canceled = audit_.entry(caller, "job.cancel", "job", job->id, job->org_id);
    using S = model::JobState;
    switch (job->state) {
      case S::canceled: {
        AuditEntry again = canceled;
        co_await audit_.record(std::move(again));
        co_return std::move(*job);
      }
      case S::succeeded:
      case S::failed:
        co_return fail(
            Error::conflict("job " + job_id + " already " + model::job_state_name(job->state)));
      case S::pending:
      case S::placed:
      case S::staging: {
        // Not at a site yet (staged files are not a job there): cancel here. If the dispatcher moves it meanwhile, the update
        // does not apply and we go round again.
        const S from = job->state;
        const TimePoint now = clock_.now();
        const auto out = lifecycle::step(lifecycle::facts_of(*job), lifecycle::CancelRequested{},
                                         runtime::Dispatcher::limits(config_));
        model::JobRecord next = *job;
        lifecycle::apply(out, next);
        next.cancel_requested = true;
        next.updated_at = now;
        next.finished_at = now;
        next.final_cost_cny = 0;
        model::JobEvent ev{0,          now,        *out.event, next.state, next.site_id,
                           next.attempt, out.reason, out.reason_parts};
        auto applied = co_await store_.run([&](store::Db& db) -> Result<bool> {
          return db.transaction([&]() -> Result<bool> {
            auto a = runtime::write_job_change(db, next, from, ev);
            if (!a || !*a) return a;  // not applied: no change, nothing to audit
            if (auto w = store::insert_audit(db, canceled); !w) return fail(w.error());
            return true;
          });
        });
        if (!applied) co_return fail(applied.error());
        if (*applied) {
          if (out.effects.release) planner_.left_site(job->id);
          dispatcher_.job_changed(job_id);
          co_return next;
        }
        continue;
      }
      case S::submitted:
      case S::running:
      case S::collecting: {
        const TimePoint now = clock_.now();
        auto r = co_await store_.run([&](store::Db& db) {
          return db.transaction([&]() -> Result<void> {
            if (auto c = store::request_cancel(db, job_id, now); !c) return c;
            return store::insert_audit(db, canceled);
          });
        });
        if (!r) co_return fail(r.error());
        dispatcher_.job_changed(job_id);
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
                                                                   const std::string& job_id,
                                                                   store::DecisionPart part) {
  if (!is_valid_id(job_id, "job")) co_return fail(Error::not_found("no job " + job_id));
  auto job = co_await store_.run([&](store::Db& db) { return store::find_job(db, job_id, part); });
  if (!job) co_return fail(job.error());
  if (!*job || !can_view(who, **job)) co_return fail(Error::not_found("no job " + job_id));
  co_return std::move(**job);
}

asio::awaitable<Result<Page<model::JobRecord>>> JobService::list(
    const auth::Principal& who, std::optional<model::JobState> state,
    std::optional<std::string> site, const PageRequest& page) {
  store::JobFilter f;
  f.limit = page.size + 1;  // one more than asked: is there a next page?
  f.state = state;
  if (page.token) {
    if (!is_valid_id(*page.token, "job")) co_return fail(malformed_page_token());
    f.before_id = *page.token;
  }
  if (who.is_operator()) {
    // An operator sees the jobs placed on its own sites.
    std::vector<std::string> mine;
    const auto site_views = directory_.snapshot();
    for (const auto& v : *site_views) {
      if (v.site.org_id == who.org_id) mine.push_back(v.site.id);
    }
    f.site_ids = std::move(mine);
  } else if (!who.is_admin()) {
    f.org_id = who.org_id;
  }
  if (site) {
    if (f.site_ids) {
      std::erase_if(*f.site_ids, [&](const std::string& s) { return s != *site; });
    } else {
      f.site_ids = std::vector<std::string>{*site};
    }
  }
  auto rows = co_await store_.run([&](store::Db& db) { return store::list_jobs(db, f); });
  if (!rows) co_return fail(rows.error());
  co_return trim_page(std::move(*rows), page.size,
                      [](const model::JobRecord& j) -> const std::string& { return j.id; });
}

asio::awaitable<Result<Page<model::JobEvent>>> JobService::events(const auth::Principal& who,
                                                                  const std::string& job_id,
                                                                  const PageRequest& page) {
  auto job = co_await find_visible(who, job_id, store::DecisionPart::none);
  if (!job) co_return fail(job.error());
  const std::string id = job->id;
  auto events = co_await store_.run([&](store::Db& db) { return store::list_job_events(db, id); });
  if (!events) co_return fail(events.error());
  co_return page_of(std::move(*events), page, [](const model::JobEvent& e) { return e.seq; });
}

asio::awaitable<Result<adapters::LogChunk>> JobService::logs(const auth::Principal& who,
                                                             const std::string& job_id,
                                                             int64_t offset, int64_t max_bytes) {
  auto job = co_await find_visible(who, job_id, store::DecisionPart::none);
  if (!job) co_return fail(job.error());
  if (!who.owns(job->org_id)) co_return fail(Error::not_found("no job " + job->id));
  if (job->remote_id.empty()) {
    co_return fail(Error::conflict("job " + job->id + " has not reached a site yet (state " +
                                   model::job_state_name(job->state) + ")"));
  }
  const std::string remote = job->remote_id;
  auto chunk = co_await directory_.call(
      job->site_id, [&](adapters::SiteAdapter& a) { return a.logs(remote, offset, max_bytes); });
  if (!chunk) {
    co_return fail(Error::unavailable("the site could not return logs: " + chunk.error().message));
  }
  co_return std::move(*chunk);
}

}  // namespace suanwang::services
