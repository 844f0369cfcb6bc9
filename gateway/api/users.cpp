// An org's people: /api/v1/orgs/{id}/users (services::UserService). Platform admins and the
// org's own admins add and disable members; every member may list them. Another org's users
// answer 404.
#include "gateway/api/api.hpp"

#include "gateway/services/not_found.hpp"

namespace suanwang::api {
namespace {

Json user_json(const services::UserRecord& u) {
  return {{"id", u.id},
          {"org_id", u.org_id},
          {"email", u.email},
          {"name", u.name},
          {"role", u.role},
          {"created_at", format_rfc3339(u.created_at)},
          {"disabled_at", u.disabled_at ? Json(format_rfc3339(*u.disabled_at)) : Json(nullptr)}};
}

Awaitable create_user(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto u = co_await c.services.users.create(caller_of(rc, who), rc.param("id"), body);
  if (!u) co_return problem(rc, u.error());
  co_return json(rc, Status::created, user_json(*u));
}

Awaitable list_users(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const std::string org_id = rc.param("id");
  if (!who.owns(org_id)) co_return problem(rc, services::no_org(org_id));
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto users = co_await c.services.users.list(who, org_id, *page);
  if (!users) co_return problem(rc, users.error());
  co_return json(rc, Status::ok, page_json(*users, user_json));
}

Awaitable disable_user(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto done =
      co_await c.services.users.disable(caller_of(rc, who), rc.param("id"), rc.param("user_id"));
  if (!done) co_return problem(rc, done.error());
  co_return Response{Status::no_content, rc.request.version()};
}

}  // namespace

void register_users(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/orgs/{id}/users", bind(c, create_user));
  r.add(Verb::get, "/api/v1/orgs/{id}/users", bind(c, list_users));
  r.add(Verb::delete_, "/api/v1/orgs/{id}/users/{user_id}", bind(c, disable_user));
}

}  // namespace suanwang::api
