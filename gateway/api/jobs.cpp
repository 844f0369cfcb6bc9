// Quotes and jobs: /api/v1/quotes, /api/v1/jobs and its sub-resources.
#include "gateway/api/api.hpp"
#include "gateway/auth/api_key.hpp"
#include "gateway/store/job_repo.hpp"

namespace suanwang::api {
namespace {

Awaitable create_quote(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto spec = model::parse_job_spec(*body);
  if (!spec) co_return problem(rc, spec.error());
  auto d = co_await c.jobs.quote(*who, *spec);
  if (!d) co_return problem(rc, d.error());
  co_return http::json_response(Status::ok, placement::to_json_text(*d), rc.request.version());
}

Awaitable create_job(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string key(rc.header("Idempotency-Key"));
  if (key.size() > 128) {
    co_return problem(
        rc, Error::invalid("Idempotency-Key", "Idempotency-Key is longer than 128 characters"));
  }
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto spec = model::parse_job_spec(*body);
  if (!spec) co_return problem(rc, spec.error());
  // The canonical form of the body identifies a retry (key order and spacing do not matter).
  const std::string hash = auth::hash_api_key(body->dump());
  std::optional<services::PlacementRefusal> refusal;
  // Written in the job's own transaction (the job's id, org and site are filled in there).
  store::AuditEntry created = audit_entry(c, rc, *who, "job.create", "job", "", "");
  auto out = co_await c.jobs.submit(*who, std::move(*spec), key, hash, refusal, &created);
  if (!out) {
    if (refusal) co_return problem(rc, out.error(), {{"decision", refusal->decision}});
    co_return problem(rc, out.error());
  }
  Response res = json(rc, out->created ? Status::created : Status::ok, model::to_json(out->job));
  res.set(http::bhttp::field::location, "/api/v1/jobs/" + out->job.id);
  co_return res;
}

Awaitable list_jobs(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto size = page_size(rc);
  if (!size) co_return problem(rc, size.error());
  store::JobFilter f;
  f.limit = *size + 1;
  if (auto s = rc.query_param("state")) {
    f.state = model::parse_job_state(*s);
    if (!f.state) {
      co_return problem(rc, Error::invalid("state",
                                           "state must be one of pending, placed, submitted, "
                                           "running, succeeded, failed, canceled"));
    }
  }
  if (auto t = rc.query_param("page_token")) {
    if (!is_valid_id(*t, "job"))
      co_return problem(rc, Error::invalid("page_token", "malformed page_token"));
    f.before_id = *t;
  }
  if (who->is_operator()) {
    // An operator sees the jobs placed on its own sites.
    std::vector<std::string> mine;
    const auto site_views = c.directory.snapshot();
    for (const auto& v : *site_views) {
      if (v.site.org_id == who->org_id) mine.push_back(v.site.id);
    }
    f.site_ids = std::move(mine);
  } else if (!who->is_admin()) {
    f.org_id = who->org_id;
  }
  if (auto site = rc.query_param("site")) {
    if (f.site_ids) {
      std::erase_if(*f.site_ids, [&](const std::string& s) { return s != *site; });
    } else {
      f.site_ids = std::vector<std::string>{*site};
    }
  }
  auto rows = co_await c.store.run([&](store::Db& db) { return store::list_jobs(db, f); });
  if (!rows) co_return problem(rc, rows.error());
  Json items = Json::array();
  Json next = nullptr;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if (static_cast<int>(i) == *size) {
      next = (*rows)[i - 1].id;
      break;
    }
    const auto& j = (*rows)[i];
    items.push_back(model::to_json(j, c.jobs.sees_as_operator(*who, j)));
  }
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", next}});
}

Awaitable get_job(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto job = co_await c.jobs.find_visible(*who, rc.param("id"), store::DecisionPart::summary);
  if (!job) co_return problem(rc, job.error());
  co_return json(rc, Status::ok, model::to_json(*job, c.jobs.sees_as_operator(*who, *job)));
}

Awaitable cancel_job(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto job = co_await c.jobs.cancel(*who, rc.param("id"));
  if (!job) co_return problem(rc, job.error());
  co_await audit(c, rc, *who, "job.cancel", "job", job->id, job->org_id);
  co_return json(rc, Status::accepted, model::to_json(*job));
}

Awaitable job_decision(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto job = co_await c.jobs.find_visible(*who, rc.param("id"));
  if (!job) co_return problem(rc, job.error());
  Json d = job->decision.is_object() ? job->decision : Json::object();
  d["attempt"] = job->attempt;
  co_return json(rc, Status::ok, d);
}

Awaitable job_events(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto job = co_await c.jobs.find_visible(*who, rc.param("id"));
  if (!job) co_return problem(rc, job.error());
  const std::string id = job->id;
  auto events = co_await c.store.run([&](store::Db& db) { return store::list_job_events(db, id); });
  if (!events) co_return problem(rc, events.error());
  Json items = Json::array();
  for (const auto& e : *events) items.push_back(model::to_json(e));
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", nullptr}});
}

Awaitable job_logs(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto job = co_await c.jobs.find_visible(*who, rc.param("id"));
  if (!job) co_return problem(rc, job.error());
  if (!who->owns(job->org_id)) co_return problem(rc, Error::not_found("no job " + job->id));
  auto num = [&](const char* name, int64_t def, int64_t lo, int64_t hi) -> Result<int64_t> {
    auto v = rc.query_param(name);
    if (!v) return def;
    try {
      std::size_t used = 0;
      const int64_t n = std::stoll(*v, &used);
      if (used == v->size() && n >= lo && n <= hi) return n;
    } catch (const std::exception&) {
    }
    return fail(Error::invalid(name, std::string(name) + " must be an integer from " +
                                         std::to_string(lo) + " to " + std::to_string(hi)));
  };
  auto offset = num("offset", 0, 0, int64_t{1} << 50);
  if (!offset) co_return problem(rc, offset.error());
  auto max = num("max_bytes", 65536, 1, 1 << 20);
  if (!max) co_return problem(rc, max.error());
  if (job->remote_id.empty()) {
    co_return problem(rc, Error::conflict("job " + job->id + " has not reached a site yet (state " +
                                          model::job_state_name(job->state) + ")"));
  }
  const std::string remote = job->remote_id;
  const int64_t off = *offset, mx = *max;
  auto chunk = co_await c.directory.call(
      job->site_id, [&](adapters::SiteAdapter& a) { return a.logs(remote, off, mx); });
  if (!chunk) {
    co_return problem(
        rc, Error::unavailable("the site could not return logs: " + chunk.error().message));
  }
  co_return json(rc, Status::ok,
                 {{"job", job->id},
                  {"offset", chunk->offset},
                  {"next_offset", chunk->next_offset},
                  {"data", chunk->data},
                  {"eof", chunk->eof}});
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
}

}  // namespace suanwang::api
