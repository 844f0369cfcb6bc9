// The demo federation for replays (see federation.hpp).
#include "tools/replay/federation.hpp"

#include <algorithm>

#include "gateway/core/embedded.hpp"
#include "gateway/core/json.hpp"

namespace suanwang::replay {

Result<ReplayFederation> demo_federation() {
  auto text = embedded::find("demo/federation.json");
  if (!text) return fail(Error::internal("demo federation data missing from the binary"));
  auto fed = parse_json(*text, 64);
  if (!fed) return fail(fed.error());
  ReplayFederation out;
  auto regions = model::parse_regions((*fed)["regions"]);
  if (!regions) return fail(regions.error());
  auto links = model::parse_links((*fed)["links"], *regions);
  if (!links) return fail(links.error());
  out.regions = std::move(*regions);
  out.links = std::move(*links);
  for (const auto& body : (*fed)["sites"]) {
    auto site = model::parse_site(body);
    if (!site) return fail(Error::internal("demo site invalid: " + site.error().message));
    if (site->adapter.type != "sim") continue;
    auto sim = adapters::sim::parse_sim_options(site->adapter.options);
    if (!sim)
      return fail(Error::internal("demo site's sim options invalid: " + sim.error().message));
    site->id = "site_" + site->region;
    site->org_id = "org_demo_operator";
    out.sites.push_back({std::move(*site), std::move(*sim)});
  }
  std::sort(out.sites.begin(), out.sites.end(),
            [](const auto& a, const auto& b) { return a.site.id < b.site.id; });
  return out;
}

}  // namespace suanwang::replay
