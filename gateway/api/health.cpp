// GET /healthz, /readyz and the OpenAPI document.
#include "gateway/api/api.hpp"
#include "gateway/core/embedded.hpp"

namespace suanwang::api {
namespace {

Awaitable healthz(ApiContext&, RequestContext& rc) {
  co_return json(rc, Status::ok, {{"status", "ok"}});
}

// Ready when the database answers; the sites online are reported alongside.
Awaitable readyz(ApiContext& c, RequestContext& rc) {
  auto ready = co_await c.services.health.readiness();
  if (!ready) co_return problem(rc, ready.error());
  co_return json(
      rc, Status::ok,
      {{"status", "ready"}, {"sites", ready->sites}, {"sites_online", ready->sites_online}});
}

Awaitable openapi(ApiContext&, RequestContext& rc) {
  auto doc = embedded::find("openapi.json");
  co_return http::text_response(Status::ok, std::string(doc.value_or("{}")), "application/json",
                                rc.request.version());
}

}  // namespace

void register_health(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/healthz", bind(c, healthz));
  r.add(Verb::get, "/readyz", bind(c, readyz));
  r.add(Verb::get, "/api/v1/openapi.json", bind(c, openapi));
}

}  // namespace suanwang::api
