// Properties of placement over many seeded random federations and jobs (DESIGN §3):
// `cheapest` never picks a site dearer than another feasible one; region constraints are never
// crossed; rankings are deterministic whatever the order of the sites; and with holds, a burst
// of jobs placed between two capacity reports never overfills any site.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "gateway/placement/holds.hpp"
#include "gateway/placement/placement.hpp"
#include "support/synthetic_federation.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::placement;
using suanwang::testing::SyntheticFederation;

Decision decide_all(const model::JobSpec& job, const Snapshot& snap) {
  Request req;
  req.spec = &job;
  req.org_id = "org_x";
  req.max_ranked = snap.sites.size();  // every feasible site, to compare against
  return decide(req, snap);
}

}  // namespace

TEST_CASE("cheapest never picks a site dearer than another feasible one", "[placement][property]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SyntheticFederation fed(60, seed);
    const Snapshot snap = fed.snapshot();
    for (int n = 0; n < 50; ++n) {
      auto job = fed.job();
      job.routing.policy = model::RoutingPolicy::cheapest;
      const Decision d = decide_all(job, snap);
      if (!d.feasible()) continue;
      REQUIRE(d.ranked.size() == d.feasible_sites);
      const double chosen = d.ranked.front().total_cost_cny;
      for (const auto& c : d.ranked) {
        INFO("seed " << seed << " job " << n << ": " << c.site_id);
        CHECK(chosen <= c.total_cost_cny);
      }
    }
  }
}

TEST_CASE("a region constraint never yields a site outside it", "[placement][property]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SyntheticFederation fed(60, seed);
    const Snapshot snap = fed.snapshot();
    for (int n = 0; n < 50; ++n) {
      auto job = fed.job();
      job.constraints.regions = {fed.pick(SyntheticFederation::kRegions),
                                 fed.pick(SyntheticFederation::kRegions)};
      const std::string denied = fed.pick(SyntheticFederation::kRegions);
      job.constraints.deny_regions = {denied};
      const Decision d = decide_all(job, snap);
      for (const auto& c : d.ranked) {
        CHECK(std::count(job.constraints.regions.begin(), job.constraints.regions.end(),
                         c.region) >= 1);
        CHECK(c.region != denied);
      }
    }
  }
}

TEST_CASE("the ranking does not depend on the order of the sites", "[placement][property]") {
  SyntheticFederation fed(80, 7);
  const Snapshot snap = fed.snapshot();
  Snapshot reversed = snap;
  std::reverse(reversed.sites.begin(), reversed.sites.end());
  for (int n = 0; n < 100; ++n) {
    const auto job = fed.job();
    const Decision a = decide_all(job, snap);
    const Decision b = decide_all(job, reversed);
    REQUIRE(a.ranked.size() == b.ranked.size());
    for (std::size_t i = 0; i < a.ranked.size(); ++i) {
      CHECK(a.ranked[i].site_id == b.ranked[i].site_id);
    }
    CHECK(a.summary == b.summary);
  }
}

TEST_CASE("with holds, 1,000 jobs placed between reports never overfill a site",
          "[placement][property][holds]") {
  SyntheticFederation fed(30, 11);
  Snapshot snap = fed.snapshot();
  HoldBook book;
  int placed_now = 0;
  for (int n = 0; n < 1000; ++n) {
    const auto job = fed.job();
    for (auto& st : snap.sites) st.held = book.held_at(st.site->id, *st.capacity);
    Request req;
    req.spec = &job;
    req.org_id = "org_x";
    const Decision d = decide(req, snap);
    if (!d.feasible() || d.ranked.front().queue_wait_s > 0) continue;  // queues, holds nothing
    const auto& best = d.ranked.front();
    book.add({"job_" + std::to_string(n), best.site_id, best.pool, job.resources, {}, {}});
    ++placed_now;
  }
  REQUIRE(placed_now > 50);  // the burst really did fill sites
  // What is held in each pool never exceeds what was free in it.
  for (const auto& st : snap.sites) {
    const auto held = book.held_at(st.site->id, *st.capacity);
    for (std::size_t p = 0; p < held.size(); ++p) {
      const auto& pool = st.capacity->pools[p];
      INFO(st.site->id << " " << pool.name);
      CHECK(held[p].cpus <= pool.cpus_free);
      CHECK(held[p].memory_gb <= pool.memory_gb_free + 1e-9);
      for (const auto& [model, count] : held[p].accelerators) {
        auto it = pool.accelerators.find(model);
        REQUIRE(it != pool.accelerators.end());
        CHECK(count <= it->second.free);
      }
    }
  }
}
