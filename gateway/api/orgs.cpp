// Orgs and API keys: /api/v1/orgs, /api/v1/api-keys (services::OrgService, KeyService).
#include "gateway/api/api.hpp"

namespace suanwang::api {
namespace {

Json org_json(const model::Org& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"kind", model::org_kind_name(o.kind)},
          {"budget_cny", o.budget_cny ? Json(round_cny(*o.budget_cny)) : Json(nullptr)},
          {"created_at", format_rfc3339(o.created_at)}};
}

// An org's money next to its identity: charged so far, held by its jobs in flight (their
// estimates), its prepaid balance and what that leaves (null without a prepaid account), and
// what it may still commit to a job (the smaller of budget and credit left; null = no limit).
Json account_json(const services::OrgAccount& a) {
  Json out = org_json(a.org);
  if (!a.money) return out;
  const services::BudgetState& b = *a.money;
  auto cny = [](std::optional<double> v) { return v ? Json(round_cny(*v)) : Json(nullptr); };
  const auto remaining = b.remaining_cny();
  out["spent_cny"] = round_cny(b.spent_cny);
  out["held_cny"] = round_cny(b.held_cny);
  out["remaining_cny"] = cny(remaining);
  out["prepaid"] = b.credit_cny.has_value();
  out["credit_cny"] = cny(b.credit_cny);
  out["available_cny"] = cny(b.credit_left_cny());
  out["limited_by"] = remaining ? Json(b.binding_limit()) : Json(nullptr);
  return out;
}

Json key_json(const services::ApiKeyRecord& k) {
  return {{"id", k.id},
          {"org_id", k.org_id},
          {"user_id", k.user_id ? Json(*k.user_id) : Json(nullptr)},
          {"name", k.name},
          {"prefix", k.prefix},
          {"created_at", format_rfc3339(k.created_at)},
          {"last_used_at", k.last_used_at ? Json(format_rfc3339(*k.last_used_at)) : Json(nullptr)},
          {"revoked_at", k.revoked_at ? Json(format_rfc3339(*k.revoked_at)) : Json(nullptr)}};
}

Awaitable create_org(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto org = co_await c.services.orgs.create(caller_of(rc, who), body);
  if (!org) co_return problem(rc, org.error());
  co_return json(rc, Status::created, org_json(*org));
}

Awaitable list_orgs(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto orgs = co_await c.services.orgs.list(who, *page);
  if (!orgs) co_return problem(rc, orgs.error());
  co_return json(rc, Status::ok, page_json(*orgs, account_json));
}

Awaitable get_org(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto org = co_await c.services.orgs.find(who, rc.param("id"));
  if (!org) co_return problem(rc, org.error());
  co_return json(rc, Status::ok, account_json(*org));
}

// PATCH /api/v1/orgs/{id}: an admin sets ("budget_cny": n) or removes (null) an org's budget,
// and opens ("prepaid": true) or closes (false, only at a zero balance) its prepaid account.
Awaitable update_org(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto org = co_await c.services.orgs.update(caller_of(rc, who), rc.param("id"), body);
  if (!org) co_return problem(rc, org.error());
  co_return json(rc, Status::ok, account_json(*org));
}

Awaitable create_key(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto key = co_await c.services.keys.create(caller_of(rc, who), body);
  if (!key) co_return problem(rc, key.error());
  Json out = key_json(key->key);
  out["key"] = key->secret;  // the only time it is ever shown
  co_return json(rc, Status::created, out);
}

Awaitable list_keys(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto keys = co_await c.services.keys.list(who, rc.query_param("org_id"), *page);
  if (!keys) co_return problem(rc, keys.error());
  co_return json(rc, Status::ok, page_json(*keys, key_json));
}

Awaitable revoke_key(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto done = co_await c.services.keys.revoke(caller_of(rc, who), rc.param("id"));
  if (!done) co_return problem(rc, done.error());
  co_return http::Response{Status::no_content, rc.request.version()};
}

}  // namespace

void register_orgs(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/orgs", bind(c, create_org));
  r.add(Verb::get, "/api/v1/orgs", bind(c, list_orgs));
  r.add(Verb::get, "/api/v1/orgs/{id}", bind(c, get_org));
  r.add(Verb::patch, "/api/v1/orgs/{id}", bind(c, update_org));
  r.add(Verb::post, "/api/v1/api-keys", bind(c, create_key));
  r.add(Verb::get, "/api/v1/api-keys", bind(c, list_keys));
  r.add(Verb::delete_, "/api/v1/api-keys/{id}", bind(c, revoke_key));
}

}  // namespace suanwang::api
