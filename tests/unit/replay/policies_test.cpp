// The baselines' choices among a quote's candidates (tools/replay/policies.hpp).
#include <catch2/catch.hpp>

#include "tools/replay/policies.hpp"

using namespace suanwang;
using namespace suanwang::replay;

namespace {

placement::Candidate candidate(std::string id, double cost, double queue_wait_s, bool fits_free_now,
                               double rtt_ms = 10) {
  placement::Candidate c;
  c.site_id = std::move(id);
  c.total_cost_cny = cost;
  c.queue_wait_s = queue_wait_s;
  c.fits_free_now = fits_free_now;
  c.rtt_ms = rtt_ms;
  return c;
}

const placement::Candidate* pick(PolicyKind kind, const placement::Decision& d) {
  BaselineChooser chooser(1);
  return chooser.choose(kind, d, {"a", "b", "c"}, [](const std::string&) { return SiteLoad{}; });
}

}  // namespace

TEST_CASE("cheapest-failover: the cheapest site with free capacity now, queue forecasts unseen",
          "[replay][policies]") {
  placement::Decision d;
  SECTION("free resources behind a pool's queue still count as able to start") {
    // SkyPilot provisions where free capacity is reported; it reads no scheduler's forecast.
    d.ranked = {candidate("a", 10, 0, true), candidate("b", 5, 900, true),
                candidate("c", 4, 1800, false)};
    const auto* c = pick(PolicyKind::cheapest_failover, d);
    REQUIRE(c);
    CHECK(c->site_id == "b");
  }
  SECTION("nowhere free: the cheapest, where it queues") {
    d.ranked = {candidate("a", 10, 600, false), candidate("b", 5, 900, false),
                candidate("c", 4, 1800, false)};
    const auto* c = pick(PolicyKind::cheapest_failover, d);
    REQUIRE(c);
    CHECK(c->site_id == "c");
  }
}

TEST_CASE("first-start: the earliest estimated start, queues included, ties to the nearest",
          "[replay][policies]") {
  placement::Decision d;
  d.ranked = {candidate("a", 10, 300, true, 5), candidate("b", 5, 0, true, 40),
              candidate("c", 4, 0, true, 20)};
  const auto* c = pick(PolicyKind::first_start, d);
  REQUIRE(c);
  CHECK(c->site_id == "c");
}
