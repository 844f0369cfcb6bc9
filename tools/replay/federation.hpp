// ReplayFederation: the federation a replay runs over — the demo federation's regions, network
// matrix and emulated (sim) centers with their prices, capacities and policies, read from the
// copy of schema/demo/federation.json compiled into the binary. The demo's `local` site (this
// machine) is left out: a replay runs no real processes.
#pragma once

#include <vector>

#include "adapters/sim/sim_options.hpp"
#include "gateway/core/result.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"

namespace suanwang::replay {

struct ReplaySite {
  model::Site site;  // id "site_<region>", e.g. "site_cn-gz-guian"
  adapters::sim::SimOptions sim;
};

struct ReplayFederation {
  std::vector<model::Region> regions;
  std::vector<model::NetworkLink> links;
  std::vector<ReplaySite> sites;  // sorted by id
};

Result<ReplayFederation> demo_federation();

}  // namespace suanwang::replay
