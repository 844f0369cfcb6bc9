// Region and network-link parsing, and the symmetric link lookup.
#include "gateway/model/region.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace suanwang::model {
namespace {
std::pair<std::string, std::string> ordered(const std::string& a, const std::string& b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

bool valid_slug(const std::string& s) {
  static const std::regex re("^[a-z0-9][a-z0-9-]{0,62}$");
  return std::regex_match(s, re);
}
}  // namespace

Network::Network(std::vector<NetworkLink> links, LinkDefaults defaults)
    : links_(std::move(links)), defaults_(defaults) {
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const auto& [a, b] = ordered(links_[i].a, links_[i].b);
    index_[a][b] = i;
  }
}

const NetworkLink* Network::find(std::string_view a, std::string_view b) const {
  if (b < a) std::swap(a, b);
  auto outer = index_.find(a);
  if (outer == index_.end()) return nullptr;
  auto inner = outer->second.find(b);
  return inner == outer->second.end() ? nullptr : &links_[inner->second];
}

NetworkLink Network::link(const std::string& a, const std::string& b) const {
  if (const NetworkLink* l = find(a, b)) return *l;
  if (a == b) return {a, b, defaults_.same_region_rtt_ms, defaults_.same_region_bandwidth_gbps, 0.0};
  return {a, b, defaults_.between_rtt_ms, defaults_.between_bandwidth_gbps,
          defaults_.between_egress_cny_per_gb};
}

Network::Figures Network::figures(std::string_view a, std::string_view b) const {
  const bool same = a == b;
  if (const NetworkLink* l = find(a, b)) {
    return {l->rtt_ms, l->bandwidth_gbps, l->egress_cny_per_gb, same};
  }
  if (same) return {defaults_.same_region_rtt_ms, defaults_.same_region_bandwidth_gbps, 0.0, true};
  return {defaults_.between_rtt_ms, defaults_.between_bandwidth_gbps,
          defaults_.between_egress_cny_per_gb, false};
}

Result<std::vector<Region>> parse_regions(const Json& body) {
  const Json* arr = &body;
  if (body.is_object() && body.contains("regions")) arr = &body["regions"];
  if (!arr->is_array()) {
    return fail(Error::invalid_coded("regions", {"region.array", {}}));
  }
  if (arr->size() > 1000) {
    return fail(Error::invalid_coded(
        "regions", {"json.too_many_items", {{"field", "regions"}, {"max", "1000"}}}));
  }
  std::vector<Region> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string path = "regions[" + std::to_string(i) + "].";
    JsonReader r((*arr)[i], path);
    if (auto v = r.expect_object(); !v) return fail(v.error());
    if (auto v = r.reject_unknown(
            {"id", "name", "name_zh", "hub", "side", "lat", "lon", "carbon_g_per_kwh", "green_share",
             "pue_target"}); !v) {
      return fail(v.error());
    }
    Region reg;
    auto id = r.string("id", 63);
    if (!id) return fail(id.error());
    if (!valid_slug(*id)) {
      return fail(Error::invalid_coded(path + "id",
                                       {"region.id_slug", {{"field", path + "id"}, {"id", *id}}}));
    }
    if (!seen.insert(*id).second) {
      return fail(Error::invalid_coded(path + "id", {"region.duplicate", {{"region", *id}}}));
    }
    reg.id = *id;
    auto name = r.string("name", 128);
    if (!name) return fail(name.error());
    reg.name = *name;
    auto name_zh = r.opt_string("name_zh", 128);
    if (!name_zh) return fail(name_zh.error());
    reg.name_zh = name_zh->value_or("");
    auto hub = r.opt_string("hub", 128);
    if (!hub) return fail(hub.error());
    reg.hub = hub->value_or("");
    auto side = r.opt_string("side", 16);
    if (!side) return fail(side.error());
    reg.side = side->value_or("");
    auto lat = r.opt_number("lat", -90, 90);
    if (!lat) return fail(lat.error());
    reg.lat = lat->value_or(0);
    auto lon = r.opt_number("lon", -180, 180);
    if (!lon) return fail(lon.error());
    reg.lon = lon->value_or(0);
    auto carbon = r.opt_number("carbon_g_per_kwh", 0, 2000);
    if (!carbon) return fail(carbon.error());
    reg.carbon_g_per_kwh = *carbon;
    auto green = r.opt_number("green_share", 0, 1);
    if (!green) return fail(green.error());
    reg.green_share = *green;
    auto pue = r.opt_number("pue_target", 1, 3);
    if (!pue) return fail(pue.error());
    reg.pue_target = *pue;
    out.push_back(std::move(reg));
  }
  return out;
}

Json to_json(const Region& r) {
  Json j = {{"id", r.id},     {"name", r.name}, {"hub", r.hub},
            {"side", r.side}, {"lat", r.lat},   {"lon", r.lon}};
  if (!r.name_zh.empty()) j["name_zh"] = r.name_zh;
  if (r.carbon_g_per_kwh) j["carbon_g_per_kwh"] = *r.carbon_g_per_kwh;
  if (r.green_share) j["green_share"] = *r.green_share;
  if (r.pue_target) j["pue_target"] = *r.pue_target;
  return j;
}

Result<std::vector<NetworkLink>> parse_links(const Json& body, const std::vector<Region>& known) {
  const Json* arr = &body;
  if (body.is_object() && body.contains("links")) arr = &body["links"];
  if (!arr->is_array()) return fail(Error::invalid_coded("links", {"network.links_array", {}}));
  if (arr->size() > 100000) {
    return fail(Error::invalid_coded(
        "links", {"json.too_many_items", {{"field", "links"}, {"max", "100000"}}}));
  }
  auto is_known = [&](const std::string& id) {
    return std::any_of(known.begin(), known.end(), [&](const Region& r) { return r.id == id; });
  };
  std::vector<NetworkLink> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string path = "links[" + std::to_string(i) + "].";
    JsonReader r((*arr)[i], path);
    if (auto v = r.expect_object(); !v) return fail(v.error());
    if (auto v = r.reject_unknown({"a", "b", "rtt_ms", "bandwidth_gbps", "egress_cny_per_gb"});
        !v) {
      return fail(v.error());
    }
    NetworkLink l;
    auto a = r.string("a", 63);
    if (!a) return fail(a.error());
    auto b = r.string("b", 63);
    if (!b) return fail(b.error());
    if (!is_known(*a)) {
      return fail(Error::invalid_coded(
          path + "a", {"region.unknown", {{"field", path + "a"}, {"region", *a}}}));
    }
    if (!is_known(*b)) {
      return fail(Error::invalid_coded(
          path + "b", {"region.unknown", {{"field", path + "b"}, {"region", *b}}}));
    }
    if (!seen.insert(ordered(*a, *b)).second) {
      return fail(
          Error::invalid_coded(path + "a", {"network.link_duplicate", {{"a", *a}, {"b", *b}}}));
    }
    l.a = *a;
    l.b = *b;
    auto rtt = r.number("rtt_ms", 0, 10000);
    if (!rtt) return fail(rtt.error());
    l.rtt_ms = *rtt;
    auto bw = r.opt_number("bandwidth_gbps", 0.001, 100000);
    if (!bw) return fail(bw.error());
    l.bandwidth_gbps = bw->value_or(*a == *b ? 25.0 : 10.0);
    auto eg = r.opt_number("egress_cny_per_gb", 0, 1000);
    if (!eg) return fail(eg.error());
    l.egress_cny_per_gb = eg->value_or(*a == *b ? 0.0 : 0.15);
    out.push_back(std::move(l));
  }
  return out;
}

Json to_json(const NetworkLink& l) {
  return {{"a", l.a},
          {"b", l.b},
          {"rtt_ms", l.rtt_ms},
          {"bandwidth_gbps", l.bandwidth_gbps},
          {"egress_cny_per_gb", l.egress_cny_per_gb}};
}

}  // namespace suanwang::model
