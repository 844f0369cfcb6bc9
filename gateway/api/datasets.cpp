// Datasets: /api/v1/datasets. Private to their org.
#include "gateway/api/api.hpp"
#include "gateway/store/site_repo.hpp"

namespace suanwang::api {
namespace {

Awaitable create_dataset(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto d = model::parse_dataset(*body);
  if (!d) co_return problem(rc, d.error());
  for (std::size_t i = 0; i < d->replicas.size(); ++i) {
    auto& r = d->replicas[i];
    const std::string f = "replicas[" + std::to_string(i) + "]";
    if (!r.site.empty()) {
      auto v = c.directory.view(r.site);
      if (!v)
        co_return problem(rc, Error{Errc::unprocessable, f + ".site: unknown site '" + r.site + "'",
                                    f + ".site"});
      if (!r.region.empty() && r.region != v->site.region) {
        co_return problem(
            rc, Error::invalid(f + ".region",
                               f + ".region does not match the site's region " + v->site.region));
      }
      r.region = v->site.region;
    } else if (!c.geography.has_region(r.region)) {
      co_return problem(rc, Error{Errc::unprocessable,
                                  f + ".region: unknown region '" + r.region + "'", f + ".region"});
    }
  }
  d->id = c.ids.next("ds");
  d->org_id = who->org_id;
  d->created_at = c.clock.now();
  auto ins = co_await c.store.run([&](store::Db& db) { return store::insert_dataset(db, *d); });
  if (!ins) co_return problem(rc, ins.error());
  Json detail = {{"name", d->name}};
  co_await audit(c, rc, *who, "dataset.create", "dataset", d->id, d->org_id, detail);
  co_return json(rc, Status::created, model::to_json(*d));
}

Awaitable list_datasets(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  std::optional<std::string> org;
  if (!who->is_admin()) org = who->org_id;
  auto all = co_await c.store.run([&](store::Db& db) {
    return store::list_datasets(db, org ? std::optional<std::string_view>(*org) : std::nullopt);
  });
  if (!all) co_return problem(rc, all.error());
  Json items = Json::array();
  for (const auto& d : *all) items.push_back(model::to_json(d));
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", nullptr}});
}

Awaitable get_dataset(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  auto d = co_await c.store.run([&](store::Db& db) { return store::find_dataset(db, id); });
  if (!d) co_return problem(rc, d.error());
  if (!*d || !who->owns((*d)->org_id)) co_return problem(rc, Error::not_found("no dataset " + id));
  co_return json(rc, Status::ok, model::to_json(**d));
}

Awaitable delete_dataset(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  auto d = co_await c.store.run([&](store::Db& db) { return store::find_dataset(db, id); });
  if (!d) co_return problem(rc, d.error());
  if (!*d || !who->owns((*d)->org_id)) co_return problem(rc, Error::not_found("no dataset " + id));
  const std::string org = (*d)->org_id;
  const TimePoint now = c.clock.now();
  auto del =
      co_await c.store.run([&](store::Db& db) { return store::delete_dataset(db, org, id, now); });
  if (!del) co_return problem(rc, del.error());
  co_await audit(c, rc, *who, "dataset.delete", "dataset", id, org);
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
