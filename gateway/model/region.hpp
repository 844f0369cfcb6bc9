// Regions of the national network and the links between them (DESIGN §2).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/json.hpp"

namespace suanwang::model {

struct Region {
  std::string id;    // "cn-gz-guian"
  std::string name;  // "Gui'an"
  std::string hub;   // "贵州 Guizhou"
  std::string side;  // "east" | "west" | "central"
  double lat = 0;
  double lon = 0;
  // The grid where the region's centers draw power (model/energy.hpp cites the sources):
  // average CO2 intensity in g/kWh, and the share of renewable power (0..1). None = unknown
  // (estimates then use the national average intensity).
  std::optional<double> carbon_g_per_kwh;
  std::optional<double> green_share;
  // The PUE its data centers are held to (the hub's published target); the default of a site
  // whose operator gives none.
  std::optional<double> pue_target;
  std::string name_zh;  // "贵安"; empty when none (then `name` is shown in both languages)
};

struct NetworkLink {
  std::string a;
  std::string b;
  double rtt_ms = 0;
  double bandwidth_gbps = 0;
  double egress_cny_per_gb = 0;
};

// Defaults for pairs the matrix does not name (hubs.json's link_defaults).
struct LinkDefaults {
  double same_region_rtt_ms = 1;
  double same_region_bandwidth_gbps = 25;
  double between_rtt_ms = 30;
  double between_bandwidth_gbps = 10;
  double between_egress_cny_per_gb = 0.15;
};

// The symmetric link matrix. Lookups are O(log n); links are stored once per unordered pair.
class Network {
 public:
  Network() = default;
  Network(std::vector<NetworkLink> links, LinkDefaults defaults = {});

  // The link between two regions: same region -> the local defaults; unknown pair -> the
  // between-hub defaults. Never fails, so placement can always estimate.
  NetworkLink link(const std::string& a, const std::string& b) const;
  // The same figures without the region names: no allocation (placement's hot path).
  struct Figures {
    double rtt_ms = 0;
    double bandwidth_gbps = 0;
    double egress_cny_per_gb = 0;
    bool same_region = false;
  };
  Figures figures(std::string_view a, std::string_view b) const;
  const std::vector<NetworkLink>& links() const { return links_; }
  const LinkDefaults& defaults() const { return defaults_; }

 private:
  std::vector<NetworkLink> links_;
  // a -> b -> index into links_, with a <= b; transparent so string_views look up.
  const NetworkLink* find(std::string_view a, std::string_view b) const;
  std::map<std::string, std::map<std::string, std::size_t, std::less<>>, std::less<>> index_;
  LinkDefaults defaults_;
};

Result<std::vector<Region>> parse_regions(const Json& body);
Json to_json(const Region& r);
// `known` lists the region ids links may refer to.
Result<std::vector<NetworkLink>> parse_links(const Json& body, const std::vector<Region>& known);
Json to_json(const NetworkLink& l);

}  // namespace suanwang::model
