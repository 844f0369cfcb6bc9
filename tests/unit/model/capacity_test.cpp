// SiteCapacity sums over pools and CapacityTotals over sites.
#include <catch2/catch.hpp>

#include "gateway/model/capacity.hpp"

namespace {

using namespace suanwang::model;

SiteCapacity two_pools() {
  SiteCapacity c;
  PoolCapacity cpu{"cpu", 64, 16, 256, 100, {}, 0};
  PoolCapacity gpu{"gpu", 32, 8, 512, 128, {{"A800", {8, 2}}, {"H100", {4, 4}}}, 86400};
  c.pools = {cpu, gpu};
  c.running_jobs = 5;
  c.queued_jobs = 2;
  return c;
}

TEST_CASE("site capacity sums its pools", "[model][capacity]") {
  const auto c = two_pools();
  CHECK(c.cpus_total() == 96);
  CHECK(c.cpus_free() == 24);
  CHECK(c.memory_gb_total() == 768);
  CHECK(c.memory_gb_free() == 228);
  const auto acc = c.accelerators();
  REQUIRE(acc.size() == 2);
  CHECK(acc.at("A800").total == 8);
  CHECK(acc.at("A800").free == 2);
  CHECK(acc.at("H100").free == 4);
  CHECK(SiteCapacity{}.cpus_total() == 0);
  CHECK(SiteCapacity{}.accelerators().empty());
}

TEST_CASE("capacity totals add sites, merging accelerator models", "[model][capacity]") {
  CapacityTotals t;
  t.add(two_pools());
  SiteCapacity other;
  other.pools = {PoolCapacity{"p", 8, 8, 16, 16, {{"A800", {4, 1}}}, 0}};
  other.running_jobs = 1;
  t.add(other);
  CHECK(t.sites == 2);
  CHECK(t.cpus_total == 104);
  CHECK(t.cpus_free == 32);
  CHECK(t.memory_gb_total == 784);
  CHECK(t.accelerators.at("A800").total == 12);
  CHECK(t.accelerators.at("A800").free == 3);
  CHECK(t.accelerators.at("H100").total == 4);
  CHECK(t.running_jobs == 6);
  CHECK(t.queued_jobs == 2);

  const auto j = to_json(t);
  CHECK(j["sites"] == 2);
  CHECK(j["cpus"]["total"] == 104);
  CHECK(j["cpus"]["free"] == 32);
  CHECK(j["accelerators"]["A800"]["free"] == 3);
  CHECK(to_json(CapacityTotals{})["accelerators"] == suanwang::Json::object());
}

TEST_CASE("pool JSON shows its shape and walltime", "[model][capacity]") {
  const auto j = to_json(two_pools().pools[1]);
  CHECK(j["name"] == "gpu");
  CHECK(j["cpus"]["total"] == 32);
  CHECK(j["memory_gb"]["free"] == 128.0);
  CHECK(j["accelerators"]["H100"]["total"] == 4);
  CHECK(j["max_walltime_s"] == 86400);
  CHECK(j["queued_jobs"] == 0);
}

TEST_CASE("pool JSON carries the pool's own queue (what a peer gateway forwards)",
          "[model][capacity]") {
  PoolCapacity p{"cpu", 64, 16, 256, 100, {}, 0};
  p.queued_jobs = 3;
  p.queued_work_core_s = 5000;
  p.est_queue_wait_s = 120;
  const auto j = to_json(p);
  CHECK(j["queued_jobs"] == 3);
  CHECK(j["queued_work_core_s"] == 5000.0);
  CHECK(j["est_queue_wait_s"] == 120.0);
}

}  // namespace
