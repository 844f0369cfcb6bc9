// Strict-FIFO queue-wait forecast.
#include "adapters/common/queue_forecast.hpp"

#include <algorithm>
#include <functional>
#include <queue>

namespace suanwang::adapters {

TimePoint::duration bounded_seconds(int64_t s) {
  constexpr int64_t kMaxSeconds = int64_t{10} * 365 * 24 * 3600;  // longer than any real job
  return std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(std::clamp<int64_t>(s, 0, kMaxSeconds)));
}

std::optional<TimePoint> forecast_fifo_start(FreeResources free, std::vector<RunningWork> running,
                                             std::span<const QueuedWork> queued,
                                             const Demand& probe, TimePoint now) {
  const auto later = [](const RunningWork& a, const RunningWork& b) {
    return a.release_at > b.release_at;
  };
  for (auto& r : running) r.release_at = std::max(r.release_at, now);
  std::priority_queue<RunningWork, std::vector<RunningWork>, decltype(later)> releases(
      later, std::move(running));
  TimePoint t = now;
  // Start one job at the earliest moment it fits; returns its start or nullopt.
  const auto start = [&](const Demand& d) -> std::optional<TimePoint> {
    while (!fits(free, d)) {
      if (releases.empty()) return std::nullopt;
      auto next = releases.top();
      releases.pop();
      t = std::max(t, next.release_at);
      give(free, next.demand);
    }
    take(free, d);
    return t;
  };
  for (const auto& q : queued) {
    auto started = start(q.demand);
    if (!started) return std::nullopt;
    releases.push(RunningWork{*started + std::chrono::duration_cast<TimePoint::duration>(q.runtime),
                              q.demand});
  }
  return start(probe);
}

}  // namespace suanwang::adapters
