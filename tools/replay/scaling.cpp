// Stable draws, regions, windows and arrival scaling of the trace readers (see scaling.hpp).
#include "tools/replay/scaling.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace suanwang::replay {

uint64_t stable_hash(std::string_view key, uint64_t salt) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= salt + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

double stable_uniform(std::string_view key, uint64_t salt) {
  return static_cast<double>(stable_hash(key, salt) >> 11) * 0x1.0p-53;
}

const std::string& east_region_of(std::string_view key, uint64_t salt) {
  static const std::array<std::string, 3> kEast = {"cn-csj-shanghai", "cn-gba-shaoguan",
                                                   "cn-jjj-zhangjiakou"};
  return kEast[stable_hash(key, salt) % kEast.size()];
}

double busiest_window(const std::vector<double>& times, double window_s, double step_s,
                      double origin) {
  if (times.empty() || step_s <= 0) return origin;
  const double last = *std::max_element(times.begin(), times.end());
  double best_start = origin;
  std::size_t best = 0;
  for (double start = origin; start <= last; start += step_s) {
    const auto n = static_cast<std::size_t>(std::count_if(
        times.begin(), times.end(), [&](double t) { return t >= start && t < start + window_s; }));
    if (n > best) {
      best = n;
      best_start = start;
    }
  }
  return best_start;
}

OfferedWork offered_work(const Workload& w) {
  OfferedWork o;
  for (const auto& j : w.jobs) {
    const auto& r = j.spec.resources;
    if (r.accelerators) {
      o.accel_s += static_cast<double>(r.accelerators->count) * static_cast<double>(j.runtime_s);
      o.accel_cpu_s += static_cast<double>(r.cpus) * static_cast<double>(j.runtime_s);
    } else {
      o.cpu_core_s += static_cast<double>(r.cpus) * static_cast<double>(j.runtime_s);
    }
  }
  return o;
}

double load_factor(double target, double offered) {
  return offered > 0 && target > 0 ? target / offered : 1.0;
}

double accelerator_factor(const OfferedWork& target, const OfferedWork& offered) {
  const double by_accel = load_factor(target.accel_s, offered.accel_s);
  if (offered.accel_cpu_s <= 0 || target.accel_cpu_s <= 0) return by_accel;
  return std::min(by_accel, load_factor(target.accel_cpu_s, offered.accel_cpu_s));
}

Workload scale_arrivals(const Workload& w, double factor, const std::string& prefix) {
  Workload out;
  out.datasets = w.datasets;
  out.span_s = w.span_s;
  out.source = w.source;
  factor = std::max(0.0, factor);
  const auto whole = static_cast<int>(std::floor(factor));
  const double frac = factor - whole;
  const int copies = whole + (frac > 0 ? 1 : 0);
  for (int c = 0; c < copies; ++c) {
    const auto salt = static_cast<uint64_t>(c);
    for (const auto& j : w.jobs) {
      if (c == whole && stable_uniform(j.id, salt + 1'000'003) >= frac) continue;
      WorkloadJob copy = j;
      if (c > 0) {
        copy.arrival_s += 600 * stable_uniform(j.id, salt);
        if (copy.arrival_s >= out.span_s) continue;
        copy.spec.submitter_region = east_region_of(j.id, salt);
      }
      out.jobs.push_back(std::move(copy));
    }
  }
  std::stable_sort(out.jobs.begin(), out.jobs.end(),
                   [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  for (std::size_t i = 0; i < out.jobs.size(); ++i) {
    char id[48];
    std::snprintf(id, sizeof id, "%s_%07zu", prefix.c_str(), i);
    out.jobs[i].id = id;
  }
  return out;
}

int64_t trace_runtime_s(double seconds, std::size_t& clipped) {
  double runtime = std::max(1.0, std::round(seconds));
  if (runtime > static_cast<double>(kTraceMaxWalltimeS)) {
    runtime = static_cast<double>(kTraceMaxWalltimeS);
    ++clipped;
  }
  return static_cast<int64_t>(runtime);
}

}  // namespace suanwang::replay
