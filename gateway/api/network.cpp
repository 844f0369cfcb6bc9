// Regions and the network matrix: /api/v1/regions, /api/v1/network.
#include "gateway/api/api.hpp"
#include "gateway/store/network_repo.hpp"

namespace suanwang::api {
namespace {

Json network_json(const model::Network& n) {
  Json links = Json::array();
  for (const auto& l : n.links()) links.push_back(model::to_json(l));
  const auto& d = n.defaults();
  return {{"links", links},
          {"defaults",
           {{"same_region_rtt_ms", d.same_region_rtt_ms},
            {"same_region_bandwidth_gbps", d.same_region_bandwidth_gbps},
            {"between_rtt_ms", d.between_rtt_ms},
            {"between_bandwidth_gbps", d.between_bandwidth_gbps},
            {"between_egress_cny_per_gb", d.between_egress_cny_per_gb}}}};
}

Json regions_json(const std::vector<model::Region>& regions) {
  Json items = Json::array();
  for (const auto& r : regions) items.push_back(model::to_json(r));
  return {{"items", items}, {"next_page_token", nullptr}};
}

Awaitable get_regions(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  co_return json(rc, Status::ok, regions_json(*c.geography.regions()));
}

Awaitable put_regions(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  if (!who->is_admin()) co_return problem(rc, Error::forbidden("only admins change regions"));
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto regions = model::parse_regions(*body);
  if (!regions) co_return problem(rc, regions.error());
  auto r =
      co_await c.store.run([&](store::Db& db) { return store::replace_regions(db, *regions); });
  if (!r) co_return problem(rc, r.error());
  c.geography.set_regions(*regions);
  Json detail = {{"regions", regions->size()}};
  co_await audit(c, rc, *who, "regions.replace", "regions", "", "", detail);
  co_return json(rc, Status::ok, regions_json(*regions));
}

Awaitable get_network(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  co_return json(rc, Status::ok, network_json(*c.geography.network()));
}

Awaitable put_network(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  if (!who->is_admin()) co_return problem(rc, Error::forbidden("only admins change the network"));
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  auto links = model::parse_links(*body, *c.geography.regions());
  if (!links) co_return problem(rc, links.error());
  auto r = co_await c.store.run([&](store::Db& db) { return store::replace_links(db, *links); });
  if (!r) co_return problem(rc, r.error());
  c.geography.set_links(*links);
  Json detail = {{"links", links->size()}};
  co_await audit(c, rc, *who, "network.replace", "network", "", "", detail);
  co_return json(rc, Status::ok, network_json(*c.geography.network()));
}

}  // namespace

void register_network(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/regions", bind(c, get_regions));
  r.add(Verb::put, "/api/v1/regions", bind(c, put_regions));
  r.add(Verb::get, "/api/v1/network", bind(c, get_network));
  r.add(Verb::put, "/api/v1/network", bind(c, put_network));
}

}  // namespace suanwang::api
