// Sites: /api/v1/sites and its sub-resources. Sites are the network's public catalogue: every
// caller sees their public fields; only the owner (and admins) see adapter details or change
// them (services::SiteService).
#include "gateway/api/api.hpp"

namespace suanwang::api {
namespace {

double age_s(const ApiContext& c, const model::SiteCapacity& cap) {
  return std::max(0.0, std::chrono::duration<double>(c.clock.now() - cap.observed_at).count());
}

Json site_json(const ApiContext& c, const auth::Principal& who, const federation::SiteView& v) {
  Json j = model::site_to_json(v.site, who.owns(v.site.org_id));
  if (v.capacity) {
    model::CapacityTotals t;
    t.add(*v.capacity);
    j["capacity"] = model::to_json(t);
    j["capacity"]["observed_at"] = format_rfc3339(v.capacity->observed_at);
    j["capacity"]["age_s"] = age_s(c, *v.capacity);
    Json pools = Json::array();
    for (const auto& p : v.capacity->pools) pools.push_back(p.name);
    j["capacity"]["pools"] = std::move(pools);
  } else {
    j["capacity"] = nullptr;
  }
  j["health"] = {{"consecutive_failures", v.consecutive_failures},
                 {"last_error", v.last_error},
                 {"rtt_ms", v.rtt_ms},
                 {"api_version", v.description.api_version},
                 {"release", v.description.release},
                 {"container_runtime", v.description.container_runtime}};
  return j;
}

Awaitable create_site(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  if (!who.is_operator() && !who.is_admin()) {
    co_return problem(rc, Error::coded(Errc::forbidden, "", {"site.operators_only", {}}));
  }
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto v = co_await c.services.sites.create(caller_of(rc, who), *body);
  if (!v) co_return problem(rc, v.error());
  co_return json(rc, Status::created, site_json(c, who, *v));
}

Awaitable list_sites(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto sites = c.services.sites.list(who, rc.query_param("region"), *page);
  if (!sites) co_return problem(rc, sites.error());
  co_return json(rc, Status::ok, page_json(*sites, [&](const federation::SiteView& v) {
                   return site_json(c, who, v);
                 }));
}

Awaitable get_site(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto v = c.services.sites.find(rc.param("id"));
  if (!v) co_return problem(rc, v.error());
  co_return json(rc, Status::ok, site_json(c, who, *v));
}

Awaitable patch_site(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  // The caller's rights before the body: a non-owner learns nothing from its shape.
  if (auto v = c.services.sites.owned(who, rc.param("id")); !v) co_return problem(rc, v.error());
  auto body = json_body(c, rc, /*merge_patch=*/true);
  if (!body) co_return problem(rc, body.error());
  auto v = co_await c.services.sites.patch(caller_of(rc, who), rc.param("id"), *body);
  if (!v) co_return problem(rc, v.error());
  co_return json(rc, Status::ok, site_json(c, who, *v));
}

Awaitable delete_site(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto done = co_await c.services.sites.remove(caller_of(rc, who), rc.param("id"));
  if (!done) co_return problem(rc, done.error());
  co_return http::Response{Status::no_content, rc.request.version()};
}

Awaitable set_drain(ApiContext& c, RequestContext& rc, const auth::Principal& who, bool drain) {
  auto v = co_await c.services.sites.set_drain(caller_of(rc, who), rc.param("id"), drain);
  if (!v) co_return problem(rc, v.error());
  co_return json(rc, Status::ok, site_json(c, who, *v));
}

Awaitable drain_site(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  return set_drain(c, rc, who, true);
}
Awaitable undrain_site(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  return set_drain(c, rc, who, false);
}

Awaitable site_capacity(ApiContext& c, RequestContext& rc, const auth::Principal&) {
  auto v = c.services.sites.find(rc.param("id"));
  if (!v) co_return problem(rc, v.error());
  Json out = {{"site", v->site.id}, {"status", model::site_status_name(v->site.status)}};
  if (!v->capacity) {
    out["observed_at"] = nullptr;
    out["age_s"] = nullptr;
    out["pools"] = Json::array();
    out["totals"] = nullptr;
    out["running_jobs"] = 0;
    out["queued_jobs"] = 0;
    co_return json(rc, Status::ok, out);
  }
  model::CapacityTotals t;
  t.add(*v->capacity);
  Json pools = Json::array();
  for (const auto& p : v->capacity->pools) pools.push_back(model::to_json(p));
  out["observed_at"] = format_rfc3339(v->capacity->observed_at);
  out["age_s"] = age_s(c, *v->capacity);
  out["pools"] = pools;
  out["totals"] = model::to_json(t);
  out["running_jobs"] = v->capacity->running_jobs;
  out["queued_jobs"] = v->capacity->queued_jobs;
  co_return json(rc, Status::ok, out);
}

}  // namespace

void register_sites(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/sites", bind(c, create_site));
  r.add(Verb::get, "/api/v1/sites", bind(c, list_sites));
  r.add(Verb::get, "/api/v1/sites/{id}", bind(c, get_site));
  r.add(Verb::patch, "/api/v1/sites/{id}", bind(c, patch_site));
  r.add(Verb::delete_, "/api/v1/sites/{id}", bind(c, delete_site));
  r.add(Verb::post, "/api/v1/sites/{id}/drain", bind(c, drain_site));
  r.add(Verb::post, "/api/v1/sites/{id}/undrain", bind(c, undrain_site));
  r.add(Verb::get, "/api/v1/sites/{id}/capacity", bind(c, site_capacity));
}

}  // namespace suanwang::api
