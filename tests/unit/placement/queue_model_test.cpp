// QueueModel: a pool's queue-wait estimates corrected by a quantile of what its jobs really
// waited — the quantile and not the mean, the minimum count, pools apart, the window, and
// estimates near zero corrected by a residual; and placement timing a pool by its correction.
#include <catch2/catch.hpp>

#include <cmath>
#include <deque>
#include <limits>

#include "gateway/placement/placement.hpp"
#include "gateway/placement/queue_model.hpp"

namespace {

using namespace suanwang::placement;

QueueModelOptions queue_test_options(std::size_t window = 200, std::size_t min_samples = 20) {
  QueueModelOptions o;
  o.window = window;
  o.min_samples = min_samples;
  return o;
}

// `n` jobs in `pool` of site "s1", each estimated at `estimate_s`, that waited `actual_s`.
void queue_test_feed(QueueModel& m, const char* pool, int n, double estimate_s, double actual_s) {
  for (int i = 0; i < n; ++i) m.observe("s1", pool, estimate_s, actual_s);
}

}  // namespace

TEST_CASE("queue correction is a quantile of the ratios, not their mean", "[placement][queue]") {
  QueueModel m(queue_test_options());
  // 100 jobs estimated at 600 s: 70 waited as estimated, 25 twice as long, 5 a hundred times as
  // long. The mean ratio is (70 + 50 + 500) / 100 = 6.2; the p75 is 2 (sorted, positions 70-94
  // hold 2, and 0.75 x 99 = 74.25 falls among them).
  queue_test_feed(m, "cpu", 70, 600, 600);
  queue_test_feed(m, "cpu", 25, 600, 1200);
  queue_test_feed(m, "cpu", 5, 600, 60'000);
  REQUIRE(m.ratio("s1", "cpu", 600));
  CHECK(*m.ratio("s1", "cpu", 600) == Approx(2.0));
  CHECK(m.corrected("s1", "cpu", 900) == Approx(1800));
  CHECK(m.corrected("s1", "cpu", 900) < 900 * 6.2);
}

TEST_CASE("queue quantile interpolates between order statistics", "[placement][queue]") {
  QueueModelOptions o = queue_test_options(200, 5);
  o.max_factor = 100;
  QueueModel m(o);
  // Ratios 1, 2, 3, 4, 5: q 0.75 -> position 3 -> 4; add 6: position 3.75 -> 4.75.
  for (int r = 1; r <= 5; ++r) m.observe("s1", "cpu", 100, 100.0 * r);
  CHECK(*m.ratio("s1", "cpu", 100) == Approx(4.0));
  m.observe("s1", "cpu", 100, 600);
  CHECK(*m.ratio("s1", "cpu", 100) == Approx(4.75));
}

TEST_CASE("queue correction waits for the minimum number of observations", "[placement][queue]") {
  QueueModel m(queue_test_options(200, 20));
  queue_test_feed(m, "cpu", 19, 600, 1800);
  CHECK_FALSE(m.ratio("s1", "cpu", 600));
  CHECK(m.corrected("s1", "cpu", 600) == 600);
  queue_test_feed(m, "cpu", 1, 600, 1800);
  REQUIRE(m.ratio("s1", "cpu", 600));
  CHECK(m.corrected("s1", "cpu", 600) == Approx(1800));
}

TEST_CASE("queue corrections are kept per site and pool", "[placement][queue]") {
  QueueModel m(queue_test_options(200, 20));
  queue_test_feed(m, "cpu", 20, 600, 1800);                       // s1/cpu waits 3x its estimate
  queue_test_feed(m, "gpu", 20, 600, 300);                        // s1/gpu half
  for (int i = 0; i < 20; ++i) m.observe("s2", "cpu", 600, 600);  // s2/cpu as estimated
  CHECK(m.corrected("s1", "cpu", 1000) == Approx(3000));
  CHECK(m.corrected("s1", "gpu", 1000) == Approx(500));
  CHECK(m.corrected("s2", "cpu", 1000) == Approx(1000));
  // Unknown pools and sites keep their estimate.
  CHECK(m.corrected("s2", "gpu", 1000) == 1000);
  CHECK(m.corrected("s3", "cpu", 1000) == 1000);
  CHECK(m.samples("s1", "cpu") == 20);
  CHECK(m.samples("s2", "gpu") == 0);
}

TEST_CASE("queue window keeps only the most recent observations", "[placement][queue]") {
  QueueModel m(queue_test_options(50, 20));
  queue_test_feed(m, "cpu", 50, 600, 3000);  // x5
  CHECK(*m.ratio("s1", "cpu", 600) == Approx(5.0));
  queue_test_feed(m, "cpu", 49, 600, 600);  // one x5 left among 50
  CHECK(m.samples("s1", "cpu") == 50);
  CHECK(*m.ratio("s1", "cpu", 600) == Approx(1.0));
  queue_test_feed(m, "cpu", 1, 600, 600);  // none left
  CHECK(m.samples("s1", "cpu") == 50);
  CHECK(*m.ratio("s1", "cpu", 600) == Approx(1.0));
  // The window turned over again: the ring buffer's order does not matter.
  queue_test_feed(m, "cpu", 50, 600, 1200);
  CHECK(*m.ratio("s1", "cpu", 600) == Approx(2.0));
}

TEST_CASE("queue estimates near zero are corrected by a residual, not a ratio",
          "[placement][queue]") {
  QueueModel m(queue_test_options(200, 20));
  // "Fits now" (0 s) but the jobs waited 2-4 minutes: no ratio exists, a residual does.
  queue_test_feed(m, "cpu", 10, 0, 120);
  queue_test_feed(m, "cpu", 10, 0, 240);
  CHECK_FALSE(m.ratio("s1", "cpu", 600));  // the ratio regime has seen nothing
  REQUIRE(m.residual_s("s1", "cpu"));
  // Residuals 120 x10, 240 x10: 0.75 x 19 = 14.25 falls among the 240s.
  CHECK(*m.residual_s("s1", "cpu") == Approx(240));
  CHECK(m.corrected("s1", "cpu", 0) == Approx(240));
  CHECK(m.corrected("s1", "cpu", 30) == Approx(270));
  // Estimates at or above the floor are not moved by the residuals.
  CHECK(m.corrected("s1", "cpu", 60) == 60);
  CHECK(m.corrected("s1", "cpu", 3600) == 3600);
}

TEST_CASE("queue residual corrections never go below zero", "[placement][queue]") {
  QueueModel m(queue_test_options(200, 20));
  queue_test_feed(m, "cpu", 20, 50, 0);  // estimated 50 s, started at once: residual -50
  CHECK(*m.residual_s("s1", "cpu") == Approx(-50));
  CHECK(m.corrected("s1", "cpu", 50) == Approx(0));
  CHECK(m.corrected("s1", "cpu", 10) == 0);
}

TEST_CASE("queue ratio corrections are clamped", "[placement][queue]") {
  QueueModelOptions o = queue_test_options(200, 20);
  o.min_factor = 0.5;
  o.max_factor = 4;
  QueueModel m(o);
  queue_test_feed(m, "cpu", 20, 100, 10'000);  // x100
  queue_test_feed(m, "gpu", 20, 1000, 0);      // x0
  CHECK(m.corrected("s1", "cpu", 100) == Approx(400));
  CHECK(m.corrected("s1", "gpu", 1000) == Approx(500));
}

TEST_CASE("queue observations with bad figures are ignored", "[placement][queue]") {
  QueueModel m(queue_test_options(200, 1));
  m.observe("s1", "cpu", -1, 100);
  m.observe("s1", "cpu", 100, -1);
  m.observe("s1", "cpu", std::numeric_limits<double>::quiet_NaN(), 100);
  m.observe("s1", "cpu", 100, std::numeric_limits<double>::infinity());
  CHECK(m.samples("s1", "cpu") == 0);
  CHECK(m.corrected("s1", "cpu", 100) == 100);
}

// ---- in placement ------------------------------------------------------------------------------

namespace {

// Two busy sites in one region, each with one pool whose own forecast is `wait_s` seconds.
struct QueueTestWorld {
  std::deque<suanwang::model::Site> sites;
  std::vector<SiteState> states;
  suanwang::model::Network network{{}};
  suanwang::TimePoint now = suanwang::from_unix_ms(1'800'000'000'000);

  void add(const std::string& id, double wait_s) {
    suanwang::model::Site s;
    s.id = id;
    s.name = "Site " + id;
    s.region = "cn-gz-guian";
    s.pricing.cpu_core_hour = 0.125;
    s.pricing.memory_gb_hour = 0.0625;
    sites.push_back(s);
    suanwang::model::SiteCapacity cap;
    cap.pools = {suanwang::model::PoolCapacity{"main", 64, 0, 256, 256, {}, 0}};
    cap.est_queue_wait_s = wait_s;
    cap.observed_at = now;
    states.push_back(SiteState{&sites.back(), cap, 1.0, 0, true});
  }
  Snapshot snapshot() const {
    Snapshot snap;
    snap.sites = states;
    snap.network = &network;
    snap.now = now;
    return snap;
  }
};

suanwang::model::JobSpec queue_test_job() {
  suanwang::model::JobSpec j;
  j.command = "run";
  j.resources.cpus = 4;
  j.resources.memory_gb = 8;
  j.resources.walltime_s = 3600;
  j.expected_runtime_s = 1800;
  j.routing.policy = suanwang::model::RoutingPolicy::fastest;
  return j;
}

}  // namespace

TEST_CASE("placement times a pool's queue by its learnt correction", "[placement][queue]") {
  QueueTestWorld w;
  w.add("s1", 600);  // forecasts 10 min, but its jobs wait 3x that
  w.add("s2", 900);
  const auto snap = w.snapshot();
  const auto job = queue_test_job();
  Request req{&job, "org"};
  const Decision plain = decide(req, snap);
  REQUIRE(plain.feasible());
  CHECK(plain.ranked.front().site_id == "s1");
  CHECK(plain.ranked.front().queue_wait_s == Approx(600));

  QueueModel learnt(queue_test_options(200, 20));
  for (int i = 0; i < 20; ++i) learnt.observe("s1", "main", 600, 1800);
  req.queue_model = &learnt;
  const Decision d = decide(req, snap);
  REQUIRE(d.ranked.size() == 2);
  CHECK(d.ranked.front().site_id == "s2");
  const Candidate& s1 = d.ranked.back();
  CHECK(s1.queue_wait_s == Approx(1800));
  CHECK(s1.start_s == Approx(1800));
  CHECK(s1.result_s == Approx(1800 + 1800));
  // The price is untouched, and the estimate before the correction is what is learnt against.
  CHECK(s1.total_cost_cny == plain.ranked.front().total_cost_cny);
  CHECK(reported_queue_wait_s(snap, s1, job.resources, d.runtime_s) == Approx(600));
}

TEST_CASE("queue ratios are kept apart by the estimate's length", "[placement][queue]") {
  QueueModel m(queue_test_options(200, 20));
  // Short forecasts in this pool come true; forecasts over four hours wait a fifth as long
  // (made of walltimes over-asked 5x). One ratio for both would mis-correct one of them.
  queue_test_feed(m, "gpu", 20, 300, 300);
  queue_test_feed(m, "gpu", 20, 5 * 3600, 3600);
  CHECK(*m.ratio("s1", "gpu", 300) == Approx(1.0));
  CHECK(*m.ratio("s1", "gpu", 8 * 3600) == Approx(0.2));
  CHECK(m.corrected("s1", "gpu", 400) == Approx(400));
  CHECK(m.corrected("s1", "gpu", 6 * 3600) == Approx(6 * 3600 * 0.2));
  // A band with no record of its own keeps its estimate.
  CHECK_FALSE(m.ratio("s1", "gpu", 1800));
  CHECK(m.corrected("s1", "gpu", 1800) == 1800);
}
