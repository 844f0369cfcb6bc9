// Sites: /api/v1/sites and its sub-resources. Sites are the network's public catalogue: every
// caller sees their public fields; only the owner (and admins) see adapter details or change them.
#include "gateway/api/api.hpp"
#include "gateway/store/job_repo.hpp"
#include "gateway/store/site_repo.hpp"

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
  } else {
    j["capacity"] = nullptr;
  }
  j["health"] = {{"consecutive_failures", v.consecutive_failures},
                 {"last_error", v.last_error},
                 {"rtt_ms", v.rtt_ms}};
  return j;
}

// Validates a full site document (create, or the result of a merge patch).
Result<model::Site> validate_site(ApiContext& c, const Json& doc) {
  auto site = model::parse_site(doc);
  if (!site) return site;
  if (!c.geography.has_region(site->region)) {
    return fail(
        Error{Errc::unprocessable, "region: unknown region '" + site->region + "'", "region"});
  }
  if (auto v = c.registry.validate(federation::to_adapter_config(site->adapter)); !v) {
    return fail(Error::invalid("adapter", v.error().message));
  }
  return site;
}

// The caller's site, or 404 / 403. Sites are public, so a non-owner learns nothing new from 403.
Result<federation::SiteView> owned_site(ApiContext& c, const auth::Principal& who,
                                        const std::string& id) {
  auto v = c.directory.view(id);
  if (!v) return fail(Error::not_found("no site " + id));
  if (!who.owns(v->site.org_id)) {
    return fail(Error::forbidden("site " + id + " belongs to another operator"));
  }
  return std::move(*v);
}

Awaitable create_site(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  if (!who->is_operator() && !who->is_admin()) {
    co_return problem(rc, Error::forbidden("only operator orgs register sites"));
  }
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto site = validate_site(c, *body);
  if (!site) co_return problem(rc, site.error());
  site->id = c.ids.next("site");
  site->org_id = who->org_id;
  site->created_at = site->updated_at = c.clock.now();
  site->status = model::SiteStatus::online;
  if (auto up = c.directory.upsert(*site); !up) co_return problem(rc, up.error());
  auto ins = co_await c.store.run([&](store::Db& db) { return c.vault.insert_site(db, *site); });
  if (!ins) {
    c.directory.remove(site->id);
    co_return problem(rc, ins.error());
  }
  Json detail = {{"name", site->name}, {"adapter", site->adapter.type}};
  co_await audit(c, rc, *who, "site.create", "site", site->id, site->org_id, detail);
  co_return json(rc, Status::created, site_json(c, *who, *c.directory.view(site->id)));
}

Awaitable list_sites(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const auto region = rc.query_param("region");
  Json items = Json::array();
  const auto site_views = c.directory.snapshot();
  for (const auto& v : *site_views) {
    if (region && v.site.region != *region) continue;
    // The snapshot leaves out adapter options; an owner is shown them, from the full view.
    if (who->owns(v.site.org_id)) {
      if (auto full = c.directory.view(v.site.id)) {
        items.push_back(site_json(c, *who, *full));
        continue;
      }
    }
    items.push_back(site_json(c, *who, v));
  }
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", nullptr}});
}

Awaitable get_site(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto v = c.directory.view(rc.param("id"));
  if (!v) co_return problem(rc, Error::not_found("no site " + rc.param("id")));
  co_return json(rc, Status::ok, site_json(c, *who, *v));
}

Awaitable patch_site(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto v = owned_site(c, *who, rc.param("id"));
  if (!v) co_return problem(rc, v.error());
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  if (!body->is_object())
    co_return problem(rc, Error::invalid("", "the body must be a JSON object"));
  for (const auto& [k, val] : body->items()) {
    if (k == "id" || k == "org_id" || k == "status" || k == "created_at" || k == "updated_at") {
      co_return problem(rc,
                        Error::invalid(k, k + " cannot be changed (use drain/undrain for status)"));
    }
  }
  // RFC 7386 merge patch over the stored document, then the same validation as a create.
  Json doc = model::site_to_stored_json(v->site);
  doc.merge_patch(*body);
  auto site = validate_site(c, doc);
  if (!site) co_return problem(rc, site.error());
  site->id = v->site.id;
  site->org_id = v->site.org_id;
  site->status = v->site.status;
  site->drained = v->site.drained;
  site->created_at = v->site.created_at;
  site->updated_at = c.clock.now();
  auto up = co_await c.store.run([&](store::Db& db) { return c.vault.update_site(db, *site); });
  if (!up) co_return problem(rc, up.error());
  if (auto d = c.directory.upsert(*site); !d) co_return problem(rc, d.error());
  // The changed fields' names only: values may be credentials.
  Json fields = Json::array();
  for (const auto& [k, val] : body->items()) fields.push_back(k);
  Json detail = {{"fields", fields}};
  co_await audit(c, rc, *who, "site.update", "site", site->id, site->org_id, detail);
  co_return json(rc, Status::ok, site_json(c, *who, *c.directory.view(site->id)));
}

Awaitable delete_site(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto v = owned_site(c, *who, rc.param("id"));
  if (!v) co_return problem(rc, v.error());
  const std::string id = v->site.id;
  auto active = co_await c.store.run([&](store::Db& db) -> Result<int64_t> {
    auto st = db.prepare(
        "SELECT COUNT(*) FROM jobs WHERE site_id = ? AND state IN "
        "('placed','submitted','running')");
    if (!st) return fail(st.error());
    st->bind(1, id);
    if (auto r = st->step(); !r) return fail(r.error());
    return st->int64(0);
  });
  if (!active) co_return problem(rc, active.error());
  if (*active > 0) {
    co_return problem(rc, Error::conflict("site " + id + " still has " + std::to_string(*active) +
                                          " active jobs; drain it and wait for them to finish"));
  }
  const TimePoint now = c.clock.now();
  auto del = co_await c.store.run([&](store::Db& db) { return store::delete_site(db, id, now); });
  if (!del) co_return problem(rc, del.error());
  c.directory.remove(id);
  co_await audit(c, rc, *who, "site.delete", "site", id, v->site.org_id);
  co_return http::Response{Status::no_content, rc.request.version()};
}

Awaitable set_drain(ApiContext& c, RequestContext& rc, bool drain) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto v = owned_site(c, *who, rc.param("id"));
  if (!v) co_return problem(rc, v.error());
  model::Site site = v->site;
  site.drained = drain;
  site.status = drain ? model::SiteStatus::draining : model::SiteStatus::online;
  site.updated_at = c.clock.now();
  auto up = co_await c.store.run([&](store::Db& db) { return store::update_site(db, site); });
  if (!up) co_return problem(rc, up.error());
  c.directory.update_config(site);
  const std::string action = drain ? "site.drain" : "site.undrain";
  co_await audit(c, rc, *who, action, "site", site.id, site.org_id);
  co_return json(rc, Status::ok, site_json(c, *who, *c.directory.view(site.id)));
}

Awaitable drain_site(ApiContext& c, RequestContext& rc) {
  return set_drain(c, rc, true);
}
Awaitable undrain_site(ApiContext& c, RequestContext& rc) {
  return set_drain(c, rc, false);
}

Awaitable site_capacity(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto v = c.directory.view(rc.param("id"));
  if (!v) co_return problem(rc, Error::not_found("no site " + rc.param("id")));
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
