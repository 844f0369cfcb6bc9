// The caller's own identity: GET /api/v1/session. The portal uses it after sign-in to learn
// the caller's org and role, and so which pages to show.
#include "gateway/api/api.hpp"

namespace suanwang::api {
namespace {

Awaitable get_session(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  co_return json(rc, Status::ok,
                 {{"org_id", who->org_id},
                  {"org_name", who->org_name},
                  {"role", model::org_kind_name(who->kind)},
                  {"key_id", who->key_id}});
}

}  // namespace

void register_session(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/session", bind(c, get_session));
}

}  // namespace suanwang::api
