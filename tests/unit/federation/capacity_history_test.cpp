// CapacityHistory: the bounded ring of capacity samples, and how a sample counts sites.
#include <catch2/catch.hpp>

#include "gateway/federation/capacity_history.hpp"
#include "gateway/federation/counted_capacity.hpp"

namespace {

using namespace suanwang;
using namespace std::chrono_literals;

federation::SiteView site(std::string region, model::SiteStatus status, int cpus,
                          std::optional<TimePoint> observed) {
  federation::SiteView v;
  v.site.id = "site_" + region;
  v.site.region = std::move(region);
  v.site.status = status;
  if (observed) {
    model::SiteCapacity c;
    c.pools = {model::PoolCapacity{"p", cpus, cpus / 2, 64, 32, {{"A800", {8, 3}}}, 0}};
    c.observed_at = *observed;
    v.capacity = c;
  }
  return v;
}

federation::CapacitySample sample_at(TimePoint t) {
  federation::CapacitySample s;
  s.at = t;
  return s;
}

TEST_CASE("a capacity sample counts fresh reports of sites that are not offline or checking",
          "[federation][capacity]") {
  const TimePoint now = TimePoint{} + 1000s + 123456us;
  const std::vector<federation::SiteView> views = {
      site("a", model::SiteStatus::online, 100, now - 1s),
      site("a", model::SiteStatus::degraded, 10, now - 2s),
      site("b", model::SiteStatus::draining, 40, now),            // counted, nothing free
      site("b", model::SiteStatus::offline, 1000, now),           // offline: not counted
      site("b", model::SiteStatus::checking, 1000, now),          // not heard from: not counted
      site("c", model::SiteStatus::online, 1000, now - 61s),      // stale: not counted
      site("d", model::SiteStatus::online, 1000, std::nullopt)};  // never reported
  auto s = federation::take_capacity_sample(views, now, 60s);
  CHECK(s.at == TimePoint{} + 1000s + 123ms);
  CHECK(s.national.sites == 3);
  CHECK(s.national.cpus_total == 150);
  CHECK(s.national.cpus_free == 55);  // 50 + 5; the draining site's 20 are not free
  CHECK(s.national.memory_gb_free == 64);
  CHECK(s.national.accelerators.at("A800").total == 24);
  CHECK(s.national.accelerators.at("A800").free == 6);
  REQUIRE(s.by_region.size() == 2);
  CHECK(s.by_region.at("a").cpus_total == 110);
  CHECK(s.by_region.at("b").cpus_total == 40);
  CHECK(s.by_region.at("b").cpus_free == 0);
  CHECK(s.by_region.at("b").accelerators.at("A800").free == 0);
}

TEST_CASE("a drained site's capacity counts in the totals but none of it as free",
          "[federation][capacity]") {
  const TimePoint now = TimePoint{} + 1000s;
  auto healthy = site("a", model::SiteStatus::online, 100, now);
  auto drained = healthy;
  drained.site.drained = true;  // the operator's flag, whatever the health status says
  for (const auto& v : {healthy, drained}) {
    const auto c = federation::counted_capacity(v, now, 60s);
    REQUIRE(c);
    CHECK(c->cpus_total() == 100);
    CHECK(c->memory_gb_total() == 64);
    CHECK(c->accelerators().at("A800").total == 8);
    const bool free = !v.site.drained;
    CHECK(c->cpus_free() == (free ? 50 : 0));
    CHECK(c->memory_gb_free() == (free ? 32 : 0));
    CHECK(c->accelerators().at("A800").free == (free ? 3 : 0));
  }
  CHECK_FALSE(federation::counted_capacity(site("a", model::SiteStatus::checking, 100, now), now,
                                           60s));
}

TEST_CASE("capacity history keeps the newest samples, oldest first", "[federation][capacity]") {
  federation::CapacityHistory h(3);
  const TimePoint t0 = TimePoint{} + 100s;
  CHECK(h.samples_after(TimePoint{}, 10).empty());
  for (int i = 0; i < 5; ++i) h.record(sample_at(t0 + i * 1s));
  auto all = h.samples_after(TimePoint{}, 10);
  REQUIRE(all.size() == 3);
  CHECK(all[0].at == t0 + 2s);
  CHECK(all[2].at == t0 + 4s);
  // After a time: only later samples; a sample exactly at `after` is not repeated.
  auto later = h.samples_after(t0 + 3s, 10);
  REQUIRE(later.size() == 1);
  CHECK(later[0].at == t0 + 4s);
  CHECK(h.samples_after(t0 + 4s, 10).empty());
  // A limit keeps the newest.
  auto newest = h.samples_after(TimePoint{}, 2);
  REQUIRE(newest.size() == 2);
  CHECK(newest[0].at == t0 + 3s);
  CHECK(newest[1].at == t0 + 4s);
}

}  // namespace
