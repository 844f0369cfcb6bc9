// GET /healthz, /readyz and the OpenAPI document.
#include "gateway/api/api.hpp"
#include "gateway/core/embedded.hpp"

namespace suanwang::api {
namespace {

Awaitable healthz(ApiContext&, RequestContext& rc) {
  co_return json(rc, Status::ok, {{"status", "ok"}});
}

// Ready when the database answers and the federation has at least one site online.
Awaitable readyz(ApiContext& c, RequestContext& rc) {
  auto db = co_await c.store.run([&](store::Db& d) { return d.exec("SELECT 1"); });
  if (!db) co_return problem(rc, Error::unavailable("the database is not answering"));
  int online = 0;
  const auto views = c.directory.snapshot();
  for (const auto& v : *views)
    online += v.site.status == model::SiteStatus::online && !v.site.drained;
  co_return json(rc, Status::ok,
                 {{"status", "ready"}, {"sites", views->size()}, {"sites_online", online}});
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
