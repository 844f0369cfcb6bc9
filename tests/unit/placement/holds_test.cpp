// HoldBook: holds per pool, replacement, and the three ways a hold ends (release, the site's
// report after it accepted the job, the TTL).
#include <catch2/catch.hpp>

#include "gateway/placement/holds.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::placement;

model::SiteCapacity holds_two_pools() {
  model::SiteCapacity cap;
  cap.pools = {model::PoolCapacity{"cpu", 64, 64, 256, 256, {}, 0},
               model::PoolCapacity{"gpu", 32, 32, 512, 512, {{"A800", {8, 8}}}, 0}};
  return cap;
}

model::Resources res(int cpus, double mem, int gpus = 0) {
  model::Resources r;
  r.cpus = cpus;
  r.memory_gb = mem;
  if (gpus > 0) r.accelerators = model::AcceleratorNeed{"A800", gpus};
  return r;
}

const TimePoint t0 = from_unix_ms(1'800'000'000'000);

}  // namespace

TEST_CASE("holds add up per pool of their site", "[placement][holds]") {
  HoldBook book;
  book.add({"j1", "s1", "cpu", res(4, 8), t0, {}});
  book.add({"j2", "s1", "gpu", res(8, 64, 2), t0, {}});
  book.add({"j3", "s1", "gpu", res(8, 64, 4), t0, {}});
  book.add({"j4", "s2", "cpu", res(16, 8), t0, {}});
  const auto held = book.held_at("s1", holds_two_pools());
  REQUIRE(held.size() == 2);
  CHECK(held[0].cpus == 4);
  CHECK(held[0].memory_gb == 8);
  CHECK(held[0].jobs == 1);
  CHECK(held[1].cpus == 16);
  CHECK(held[1].accelerators.at("A800") == 6);
  CHECK(held[1].jobs == 2);
  CHECK(book.held_at("s3", holds_two_pools()).empty());
  CHECK(book.size() == 4);
}

TEST_CASE("the sums follow every add, replacement and release", "[placement][holds]") {
  HoldBook book;
  book.add({"j1", "s1", "gpu", res(8, 64, 2), t0, {}});
  book.add({"j2", "s1", "gpu", res(4, 32, 4), t0, {}});
  book.add({"j3", "s1", "cpu", res(2, 4), t0, {}});
  book.release("j2");
  auto held = book.held_at("s1", holds_two_pools());
  CHECK(held[1].cpus == 8);
  CHECK(held[1].memory_gb == 64);
  CHECK(held[1].accelerators.at("A800") == 2);
  CHECK(held[1].jobs == 1);
  book.add({"j1", "s1", "cpu", res(1, 1), t0, {}});  // replaced: leaves the gpu pool
  held = book.held_at("s1", holds_two_pools());
  CHECK(held[1].jobs == 0);
  CHECK(held[1].accelerators.empty());
  CHECK(held[0].cpus == 3);
  CHECK(held[0].jobs == 2);
  book.release("j1");
  book.release("j3");
  CHECK(book.held_at("s1", holds_two_pools()).empty());  // the site's sums are gone with its holds
  CHECK(book.size() == 0);
}

TEST_CASE("expiry ends holds in time order, each site against its own report",
          "[placement][holds]") {
  HoldBook book;
  for (int i = 0; i < 5; ++i) {
    book.add({"a" + std::to_string(i), "s1", "cpu", res(1, 1), t0 + std::chrono::seconds(i), {}});
    book.add({"b" + std::to_string(i), "s2", "cpu", res(1, 1), t0 + std::chrono::seconds(i), {}});
  }
  book.accepted("a1", t0 + std::chrono::seconds(10));
  book.accepted("a3", t0 + std::chrono::seconds(20));
  book.accepted("a4", t0 + std::chrono::seconds(11));
  book.accepted("b1", t0 + std::chrono::seconds(10));
  book.accepted("a1", t0 + std::chrono::seconds(12));  // accepted again: the later time counts
  auto observed = [&](const std::string& site) -> std::optional<TimePoint> {
    if (site == "s1") return t0 + std::chrono::seconds(15);  // after a1, before a3
    return std::nullopt;                                     // s2 has not reported
  };
  // TTL 102 s at t0+104: the holds placed at t0, t0+1 (older than 102 s) end.
  book.expire(t0 + std::chrono::seconds(104), std::chrono::seconds(102), observed);
  CHECK(book.find("a0") == nullptr);
  CHECK(book.find("b0") == nullptr);
  CHECK(book.find("a1") == nullptr);  // by TTL and by report
  CHECK(book.find("b1") == nullptr);
  CHECK(book.find("a2") != nullptr);
  CHECK(book.find("a3") != nullptr);  // accepted after s1's report
  CHECK(book.find("a4") == nullptr);  // by s1's report alone (within the TTL)
  CHECK(book.find("b4") != nullptr);  // s2 has no report yet
  CHECK(book.size() == 5);
  CHECK(book.held_at("s1", holds_two_pools())[0].jobs == 2);
}

TEST_CASE("a job holds at one site at a time", "[placement][holds]") {
  HoldBook book;
  book.add({"j1", "s1", "cpu", res(4, 8), t0, {}});
  book.add({"j1", "s2", "cpu", res(4, 8), t0, {}});  // failed over
  CHECK(book.size() == 1);
  CHECK(book.held_at("s1", holds_two_pools()).empty());
  CHECK(book.held_at("s2", holds_two_pools())[0].cpus == 4);
}

TEST_CASE("a hold ends on release, on a report after acceptance, or at its TTL",
          "[placement][holds]") {
  HoldBook book;
  book.add({"released", "s1", "cpu", res(1, 1), t0, {}});
  book.add({"accepted", "s1", "cpu", res(1, 1), t0, {}});
  book.add({"waiting", "s1", "cpu", res(1, 1), t0, {}});
  book.release("released");
  book.release("never-held");  // harmless
  CHECK(book.size() == 2);

  book.accepted("accepted", t0 + std::chrono::seconds(2));
  std::optional<TimePoint> report = t0 + std::chrono::seconds(1);  // before acceptance
  auto observed = [&](const std::string&) { return report; };
  book.expire(t0 + std::chrono::seconds(3), std::chrono::seconds(120), observed);
  CHECK(book.size() == 2);  // the report predates the acceptance: it does not show the job

  report = t0 + std::chrono::seconds(3);
  book.expire(t0 + std::chrono::seconds(4), std::chrono::seconds(120), observed);
  CHECK(book.size() == 1);
  CHECK(book.find("accepted") == nullptr);
  REQUIRE(book.find("waiting") != nullptr);  // never accepted: a report does not end it

  book.expire(t0 + std::chrono::seconds(119), std::chrono::seconds(120), observed);
  CHECK(book.size() == 1);
  book.expire(t0 + std::chrono::seconds(121), std::chrono::seconds(120), observed);
  CHECK(book.size() == 0);
}

TEST_CASE("held resources turn 'fits now' into a queue wait", "[placement][holds]") {
  model::Site site;
  site.id = "s1";
  site.name = "One";
  site.region = "r";
  site.pricing.cpu_core_hour = 0.125;
  model::Network net;
  model::JobSpec job;
  job.command = "x";
  job.resources = res(48, 8);
  job.resources.walltime_s = 600;
  Snapshot snap;
  snap.network = &net;
  snap.sites.push_back({&site, holds_two_pools(), 1.0, 0, true, {}});
  Request req;
  req.spec = &job;
  auto d = decide(req, snap);
  REQUIRE(d.feasible());
  CHECK(d.ranked[0].queue_wait_s == 0);
  CHECK(d.ranked[0].pool == "cpu");

  HoldBook book;
  book.add({"other", "s1", "cpu", res(32, 8), t0, {}});
  snap.sites[0].held = book.held_at("s1", *snap.sites[0].capacity);
  d = decide(req, snap);
  REQUIRE(d.feasible());
  // 64 - 32 held < 48 in "cpu", and "gpu" has only 32 CPUs: it can only wait.
  CHECK(d.ranked[0].queue_wait_s > 0);
}
