// Placement benchmark (issue 3): microseconds per decision and decisions per second for 100,
// 1,000 and 10,000 sites with realistic capacity and 0-3 inputs per job, and a batch placement
// of 100,000 jobs over 1,000 sites holding each winner's resources. One thread.
//
// Each figure is also given as a ratio to a baseline measured in the same run over the same
// snapshot: a bare scan that reads every site's status and free CPUs (the least any placement
// must do), so that a noisy or slow machine shows up in the baseline too.
// Usage: placement_bench [--quick]   (scripts/bench builds Release and runs it)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gateway/placement/placement.hpp"
#include "support/synthetic_federation.hpp"

namespace {

using namespace suanwang;
using Steady = std::chrono::steady_clock;

double seconds_since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

// The baseline: one pass reading what every filter reads first. Returns ns per site.
double scan_ns_per_site(const placement::Snapshot& snap, double min_seconds) {
  volatile long sink = 0;
  long passes = 0;
  const auto t0 = Steady::now();
  do {
    long n = 0;
    for (const auto& st : snap.sites) {
      if (st.site->status == model::SiteStatus::online && st.capacity) {
        n += st.capacity->pools.front().cpus_free;
      }
    }
    sink = sink + n;
    ++passes;
  } while (seconds_since(t0) < min_seconds);
  return seconds_since(t0) * 1e9 / (static_cast<double>(passes) * snap.sites.size());
}

struct Figures {
  double us_per_decision = 0;
  double decisions_per_s = 0;
  double feasible_share = 0;
};

Figures time_decisions(std::size_t sites, double min_seconds) {
  testing::SyntheticFederation fed(sites, 42);
  const placement::Snapshot snap = fed.snapshot();
  std::vector<model::JobSpec> jobs;
  for (int i = 0; i < 1000; ++i) jobs.push_back(fed.job(3));
  long n = 0, feasible = 0;
  const auto t0 = Steady::now();
  do {
    for (const auto& j : jobs) {
      placement::Request req;
      req.spec = &j;
      req.org_id = "org_bench";
      const auto d = placement::decide(req, snap);
      feasible += d.feasible() ? 1 : 0;
      ++n;
    }
  } while (seconds_since(t0) < min_seconds);
  const double s = seconds_since(t0);
  return {s * 1e6 / static_cast<double>(n), static_cast<double>(n) / s,
          static_cast<double>(feasible) / static_cast<double>(n)};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const double min_s = quick ? 0.2 : 1.0;
  std::printf("placement benchmark (one thread%s)\n\n", quick ? ", --quick" : "");
  std::printf("%8s %14s %14s %10s %16s %14s %s\n", "sites", "us/decision", "decisions/s",
              "feasible", "baseline ns/site", "x baseline", "target");
  struct Case {
    std::size_t sites;
    double target_us;
  };
  bool all_met = true;
  for (const Case c : {Case{100, 20}, Case{1000, 0}, Case{10000, 1000}}) {
    testing::SyntheticFederation fed(c.sites, 42);
    const double base_ns = scan_ns_per_site(fed.snapshot(), min_s / 4);
    const Figures f = time_decisions(c.sites, min_s);
    const double base_us = base_ns * c.sites / 1000.0;
    std::string target = "-";
    if (c.target_us > 0) {
      const bool met = f.us_per_decision <= c.target_us;
      all_met = all_met && met;
      char buf[64];
      std::snprintf(buf, sizeof buf, "<= %.0f us: %s", c.target_us, met ? "met" : "MISSED");
      target = buf;
    }
    std::printf("%8zu %14.2f %14.0f %9.0f%% %16.2f %14.1f %s\n", c.sites, f.us_per_decision,
                f.decisions_per_s, 100 * f.feasible_share, base_ns, f.us_per_decision / base_us,
                target.c_str());
  }

  // Batch: 100,000 jobs over 1,000 sites, each winner's resources held for the next jobs.
  const std::size_t batch = quick ? 20000 : 100000;
  testing::SyntheticFederation fed(1000, 43);
  placement::Snapshot snap = fed.snapshot();
  std::vector<model::JobSpec> jobs;
  jobs.reserve(batch);
  for (std::size_t i = 0; i < batch; ++i) jobs.push_back(fed.job(3));
  const double base_ns = scan_ns_per_site(snap, min_s / 4);
  std::size_t placed = 0, started_now = 0;
  const auto t0 = Steady::now();
  for (const auto& j : jobs) {
    placement::Request req;
    req.spec = &j;
    req.org_id = "org_bench";
    req.max_ranked = 3;
    req.max_rejections_listed = 0;
    const auto d = placement::decide(req, snap);
    if (!d.feasible()) continue;
    const auto& best = d.ranked.front();
    placement::hold_in_snapshot(snap, best.site_index, best.pool, j.resources);
    ++placed;
    started_now += best.queue_wait_s == 0 ? 1 : 0;
  }
  const double s = seconds_since(t0);
  const double target_s = 5.0 * static_cast<double>(batch) / 100000;
  const bool met = s <= target_s;
  all_met = all_met && met;
  std::printf(
      "\nbatch: %zu jobs over 1000 sites in %.2f s (%.0f jobs/s, %.1f us/job, %.1f x "
      "baseline); %zu placed, %zu to start at once; target <= %.1f s: %s\n",
      batch, s, batch / s, s * 1e6 / batch, (s * 1e9 / batch) / (base_ns * 1000), placed,
      started_now, target_s, met ? "met" : "MISSED");
  return all_met ? 0 : 1;
}
