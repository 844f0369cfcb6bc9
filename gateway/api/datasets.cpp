// Datasets: /api/v1/datasets (services::DatasetService). Private to their org.
#include "gateway/api/api.hpp"

namespace suanwang::api {
namespace {

Json dataset_json(const model::Dataset& d) {
  return model::to_json(d);
}

Awaitable create_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto d = co_await c.services.datasets.create(caller_of(rc, who), *body);
  if (!d) co_return problem(rc, d.error());
  co_return json(rc, Status::created, dataset_json(*d));
}

Awaitable list_datasets(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto all = co_await c.services.datasets.list(who, *page);
  if (!all) co_return problem(rc, all.error());
  co_return json(rc, Status::ok, page_json(*all, dataset_json));
}

Awaitable get_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto d = co_await c.services.datasets.find(who, rc.param("id"));
  if (!d) co_return problem(rc, d.error());
  co_return json(rc, Status::ok, dataset_json(*d));
}

Awaitable delete_dataset(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto done = co_await c.services.datasets.remove(caller_of(rc, who), rc.param("id"));
  if (!done) co_return problem(rc, done.error());
  co_return http::Response{Status::no_content, rc.request.version()};
}

}  // namespace

void register_datasets(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/datasets", bind(c, create_dataset));
  r.add(Verb::get, "/api/v1/datasets", bind(c, list_datasets));
  r.add(Verb::get, "/api/v1/datasets/{id}", bind(c, get_dataset));
  r.add(Verb::delete_, "/api/v1/datasets/{id}", bind(c, delete_dataset));
}

}  // namespace suanwang::api
