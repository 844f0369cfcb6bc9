// Regions and the network matrix: /api/v1/regions, /api/v1/network (services::NetworkService).
#include "gateway/api/api.hpp"

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

Json region_json(const model::Region& r) {
  return model::to_json(r);
}

Awaitable get_regions(ApiContext& c, RequestContext& rc, const auth::Principal&) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto regions = c.services.network.regions(*page);
  if (!regions) co_return problem(rc, regions.error());
  co_return json(rc, Status::ok, page_json(*regions, region_json));
}

Awaitable put_regions(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto regions = co_await c.services.network.replace_regions(caller_of(rc, who), body);
  if (!regions) co_return problem(rc, regions.error());
  // The whole new list, as one page.
  services::Page<model::Region> all{std::move(*regions), std::nullopt};
  co_return json(rc, Status::ok, page_json(all, region_json));
}

Awaitable get_network(ApiContext& c, RequestContext& rc, const auth::Principal&) {
  co_return json(rc, Status::ok, network_json(*c.services.network.network()));
}

Awaitable put_network(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto network = co_await c.services.network.replace_links(caller_of(rc, who), body);
  if (!network) co_return problem(rc, network.error());
  co_return json(rc, Status::ok, network_json(**network));
}

}  // namespace

void register_network(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/regions", bind(c, get_regions));
  r.add(Verb::put, "/api/v1/regions", bind(c, put_regions));
  r.add(Verb::get, "/api/v1/network", bind(c, get_network));
  r.add(Verb::put, "/api/v1/network", bind(c, put_network));
}

}  // namespace suanwang::api
