// Quotes and jobs: /api/v1/quotes, /api/v1/jobs and its sub-resources (services::JobService).
#include "gateway/api/api.hpp"
#include "gateway/auth/api_key.hpp"

namespace suanwang::api {
namespace {

// A decision's summary and reasons in the caller's language. The stored and quoted text is
// English, so an English reader gets it as it is, without a parse.
Response decision_response(const RequestContext& rc, std::string text) {
  const i18n::Lang lang = lang_of(rc);
  if (lang != i18n::Lang::en) {
    Json d = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    placement::localize_decision(d, lang);
    if (!d.is_discarded()) text = d.dump();
  }
  Response res = http::json_response(Status::ok, std::move(text), rc.request.version());
  res.set(http::bhttp::field::content_language, i18n::lang_tag(lang));
  return res;
}

// A reason (a job's or an event's) in `lang`, with its coded parts for programs. Rows written
// before reasons carried codes keep their stored English, and an empty `reason_parts`.
void localize_reason(Json& j, const std::vector<i18n::Message>& parts, i18n::Lang lang) {
  Json coded = Json::array();
  for (const auto& m : parts) coded.push_back(i18n::message_json(m));
  j["reason_parts"] = std::move(coded);
  if (lang != i18n::Lang::en && !parts.empty()) j["reason"] = i18n::render(parts, lang);
}

// A job as JSON with its reason and placement summary in the caller's language.
Json job_json(const RequestContext& rc, const model::JobRecord& job, bool as_operator = false) {
  Json j = model::to_json(job, as_operator);
  const i18n::Lang lang = lang_of(rc);
  localize_reason(j, job.reason_parts, lang);
  const auto p = j.find("placement");
  if (lang == i18n::Lang::en || p == j.end() || !p->is_object()) return j;
  Json brief = job.decision;  // chosen, summary and summary_parts: small
  placement::localize_decision(brief, lang);
  if (brief.is_object() && brief["summary"].is_string()) (*p)["summary"] = brief["summary"];
  return j;
}

// A refusal to place a job: its decision in the caller's language, and the error's sentence,
// when it is the decision's summary, in the same words.
Response refusal_problem(const RequestContext& rc, Error e, Json decision) {
  const bool says_summary =
      decision.is_object() && decision.contains("summary") && decision["summary"] == e.message;
  placement::localize_decision(decision, lang_of(rc));
  if (says_summary && decision["summary"].is_string()) e.message = decision["summary"];
  return problem(rc, e, {{"decision", std::move(decision)}});
}

Awaitable create_quote(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto spec = model::parse_job_spec(*body);
  if (!spec) co_return problem(rc, spec.error());
  auto d = co_await c.services.jobs.quote(who, *spec);
  if (!d) co_return problem(rc, d.error());
  co_return decision_response(rc, placement::to_json_text(*d));
}

Awaitable create_job(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const std::string key(rc.header("Idempotency-Key"));
  if (key.size() > 128) {
    co_return problem(rc,
                      Error::invalid_coded("Idempotency-Key", {"jobs.idempotency_key_long", {}}));
  }
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto spec = model::parse_job_spec(*body);
  if (!spec) co_return problem(rc, spec.error());
  // The canonical form of the body identifies a retry (key order and spacing do not matter).
  const std::string hash = auth::hash_api_key(body->dump());
  std::optional<services::PlacementRefusal> refusal;
  // Written in the job's own transaction (the job's id, org and site are filled in there).
  services::AuditEntry created =
      c.services.audit.entry(caller_of(rc, who), "job.create", "job", "", "");
  auto out = co_await c.services.jobs.submit(who, std::move(*spec), key, hash, refusal, &created);
  if (!out) {
    if (refusal) co_return refusal_problem(rc, out.error(), refusal->decision);
    co_return problem(rc, out.error());
  }
  Response res = json(rc, out->created ? Status::created : Status::ok, job_json(rc, out->job));
  res.set(http::bhttp::field::location, "/api/v1/jobs/" + out->job.id);
  co_return res;
}

Awaitable list_jobs(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  std::optional<model::JobState> state;
  if (auto s = rc.query_param("state")) {
    state = model::parse_job_state(*s);
    if (!state) {
      co_return problem(rc, Error::invalid_coded("state", {"jobs.state_filter", {}}));
    }
  }
  auto jobs = co_await c.services.jobs.list(who, state, rc.query_param("site"), *page);
  if (!jobs) co_return problem(rc, jobs.error());
  co_return json(rc, Status::ok, page_json(*jobs, [&](const model::JobRecord& j) {
                   return job_json(rc, j, c.services.jobs.sees_as_operator(who, j));
                 }));
}

Awaitable get_job(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto job =
      co_await c.services.jobs.find_visible(who, rc.param("id"), services::DecisionPart::summary);
  if (!job) co_return problem(rc, job.error());
  co_return json(rc, Status::ok, job_json(rc, *job, c.services.jobs.sees_as_operator(who, *job)));
}

Awaitable cancel_job(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto job = co_await c.services.jobs.cancel(caller_of(rc, who), rc.param("id"));
  if (!job) co_return problem(rc, job.error());
  co_return json(rc, Status::accepted, job_json(rc, *job));
}

Awaitable job_decision(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto job = co_await c.services.jobs.find_visible(who, rc.param("id"));
  if (!job) co_return problem(rc, job.error());
  Json d = job->decision.is_object() ? job->decision : Json::object();
  d["attempt"] = job->attempt;
  placement::localize_decision(d, lang_of(rc));
  co_return json(rc, Status::ok, d);
}

Awaitable job_events(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto events = co_await c.services.jobs.events(who, rc.param("id"), *page);
  if (!events) co_return problem(rc, events.error());
  const i18n::Lang lang = lang_of(rc);
  co_return json(rc, Status::ok, page_json(*events, [lang](const model::JobEvent& e) {
                   Json j = model::to_json(e);
                   localize_reason(j, e.reason_parts, lang);
                   return j;
                 }));
}

Awaitable job_logs(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto offset = int_param(rc, "offset", 0, int64_t{1} << 50);
  if (!offset) co_return problem(rc, offset.error());
  auto max = int_param(rc, "max_bytes", 1, 1 << 20);
  if (!max) co_return problem(rc, max.error());
  const int64_t off = offset->value_or(0);
  const int64_t mx = max->value_or(65536);
  auto chunk = co_await c.services.jobs.logs(who, rc.param("id"), off, mx);
  if (!chunk) co_return problem(rc, chunk.error());
  co_return json(rc, Status::ok,
                 {{"job", rc.param("id")},
                  {"offset", chunk->offset},
                  {"next_offset", chunk->next_offset},
                  {"data", chunk->data},
                  {"eof", chunk->eof}});
}

// The dataset of the job's collected outputs, with its files.
Awaitable job_outputs(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto d = co_await c.services.datasets.outputs_of(who, rc.param("id"));
  if (!d) co_return problem(rc, d.error());
  auto files = co_await c.services.datasets.files(who, d->id);
  if (!files) co_return problem(rc, files.error());
  Json list = Json::array();
  for (const auto& f : *files) list.push_back(model::to_json(f));
  co_return json(rc, Status::ok, {{"dataset", model::to_json(*d)}, {"files", std::move(list)}});
}

}  // namespace

void register_jobs(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/quotes", bind(c, create_quote));
  r.add(Verb::post, "/api/v1/jobs", bind(c, create_job));
  r.add(Verb::get, "/api/v1/jobs", bind(c, list_jobs));
  r.add(Verb::get, "/api/v1/jobs/{id}", bind(c, get_job));
  r.add(Verb::post, "/api/v1/jobs/{id}/cancel", bind(c, cancel_job));
  r.add(Verb::get, "/api/v1/jobs/{id}/decision", bind(c, job_decision));
  r.add(Verb::get, "/api/v1/jobs/{id}/events", bind(c, job_events));
  r.add(Verb::get, "/api/v1/jobs/{id}/logs", bind(c, job_logs));
  r.add(Verb::get, "/api/v1/jobs/{id}/outputs", bind(c, job_outputs));
}

}  // namespace suanwang::api
