// SyntheticFederation: a seeded, realistic-looking federation (sites with pools, accelerators,
// prices and partial load over the ten hub regions, a full network matrix, datasets with
// replicas) and random jobs over it. Shared by the placement property tests and the placement
// benchmark so that both exercise the same shapes. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gateway/model/dataset.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/region.hpp"
#include "gateway/model/site.hpp"
#include "gateway/placement/placement.hpp"

namespace suanwang::testing {

class SyntheticFederation {
 public:
  static inline const std::vector<std::string> kRegions = {
      "cn-jjj-zhangjiakou", "cn-csj-shanghai", "cn-gba-shaoguan", "cn-cy-chengdu",
      "cn-cy-chongqing",    "cn-gz-guian",     "cn-nm-helingeer", "cn-gs-qingyang",
      "cn-nx-zhongwei",     "cn-hn-zhengzhou"};
  static inline const std::vector<std::string> kModels = {"H100", "A800", "H20", "Ascend910B",
                                                          "HygonDCU"};

  SyntheticFederation(std::size_t sites, uint64_t seed, std::size_t datasets = 50) : rng_(seed) {
    std::vector<model::NetworkLink> links;
    for (std::size_t a = 0; a < kRegions.size(); ++a) {
      for (std::size_t b = a; b < kRegions.size(); ++b) {
        links.push_back({kRegions[a], kRegions[b], a == b ? 1.0 : uniform(5, 60),
                         a == b ? 25.0 : uniform(1, 100), a == b ? 0.0 : uniform(0, 0.5)});
      }
    }
    network = model::Network(std::move(links));
    for (std::size_t i = 0; i < sites; ++i) add_site(i);
    for (std::size_t i = 0; i < datasets; ++i) {
      model::Dataset d;
      d.id = "ds_" + std::to_string(i);
      d.size_bytes = static_cast<int64_t>(uniform(1e6, 5e11));
      const int replicas = 1 + static_cast<int>(rng_() % 3);
      for (int r = 0; r < replicas; ++r) d.replicas.push_back({pick(kRegions), ""});
      data.push_back(std::move(d));
    }
  }

  // A snapshot of every site (capacity fresh, nothing held or in flight).
  placement::Snapshot snapshot(TimePoint now = TimePoint{}) const {
    placement::Snapshot s;
    s.network = &network;
    s.now = now;
    s.sites.reserve(site_list.size());
    for (std::size_t i = 0; i < site_list.size(); ++i) {
      placement::SiteState st;
      st.site = &site_list[i];
      st.capacity = capacities[i];
      st.capacity_age_s = 1;
      s.sites.push_back(std::move(st));
    }
    for (const auto& d : data) s.datasets[d.id] = &d;
    return s;
  }

  // A random job with 0..max_inputs dataset inputs.
  model::JobSpec job(int max_inputs = 3) {
    model::JobSpec j;
    j.command = "run";
    j.resources.cpus = 1 + static_cast<int>(rng_() % 64);
    j.resources.memory_gb = j.resources.cpus * uniform(1, 8);
    j.resources.walltime_s = 600 + static_cast<int64_t>(rng_() % (24 * 3600));
    j.expected_runtime_s = j.resources.walltime_s / 2;
    if (rng_() % 2 == 0) {
      j.resources.accelerators =
          model::AcceleratorNeed{pick(kModels), 1 + static_cast<int>(rng_() % 8)};
    }
    const int inputs = max_inputs > 0 ? static_cast<int>(rng_() % (max_inputs + 1)) : 0;
    for (int i = 0; i < inputs; ++i) {
      model::InputSpec in;
      in.dataset = data[rng_() % data.size()].id;
      j.inputs.push_back(in);
    }
    static const std::vector<model::RoutingPolicy> kPolicies = {
        model::RoutingPolicy::balanced, model::RoutingPolicy::cheapest,
        model::RoutingPolicy::fastest, model::RoutingPolicy::data_local};
    j.routing.policy = pick(kPolicies);
    j.submitter_region = pick(kRegions);
    return j;
  }

  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }

  model::Network network;
  std::deque<model::Site> site_list;  // deque: snapshots point into it
  std::vector<model::SiteCapacity> capacities;
  std::deque<model::Dataset> data;

 private:
  void add_site(std::size_t i) {
    model::Site s;
    s.id = "site_" + std::to_string(100000 + i);
    s.name = "Center " + std::to_string(i);
    s.region = pick(kRegions);
    s.pricing.cpu_core_hour = uniform(0.03, 0.12);
    s.pricing.memory_gb_hour = uniform(0.002, 0.01);
    s.pricing.egress_gb = uniform(0, 0.3);
    model::SiteCapacity cap;
    const int pools = 1 + static_cast<int>(rng_() % 3);
    for (int p = 0; p < pools; ++p) {
      model::PoolCapacity pool;
      pool.name = "pool" + std::to_string(p);
      pool.cpus_total = 256 * (1 + static_cast<int>(rng_() % 32));
      pool.cpus_free = static_cast<int>(pool.cpus_total * uniform(0, 1));
      pool.memory_gb_total = pool.cpus_total * 6.0;
      pool.memory_gb_free = pool.memory_gb_total * pool.cpus_free / pool.cpus_total;
      if (p > 0 || rng_() % 2 == 0) {
        const auto& m = pick(kModels);
        const int total = 8 * (1 + static_cast<int>(rng_() % 64));
        pool.accelerators[m] = {total, static_cast<int>(total * uniform(0, 1))};
        s.pricing.gpu_hour[m] = m == "H100" ? uniform(15, 25) : uniform(1.5, 12);
      }
      cap.pools.push_back(std::move(pool));
    }
    cap.queued_work_core_s = uniform(0, 1e7);
    site_list.push_back(std::move(s));
    capacities.push_back(std::move(cap));
  }

  std::mt19937_64 rng_;
};

}  // namespace suanwang::testing
