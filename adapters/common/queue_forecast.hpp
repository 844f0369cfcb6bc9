// Queue-wait forecast for a strict-FIFO pool: when would a new job start if it were appended
// to the queue now? Used by the adapters that keep their own queue (sim, local) to fill
// Capacity::est_queue_wait_s. Pure arithmetic, no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "adapters/common/resources.hpp"
#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

// A job's seconds as a duration, clamped to [0, 10 years]: walltimes arrive as untrusted
// int64 and would overflow a nanosecond clock.
TimePoint::duration bounded_seconds(int64_t s);

struct RunningWork {
  TimePoint release_at;  // when its resources come back (a best guess for real processes)
  Demand demand;
};

struct QueuedWork {
  Demand demand;
  std::chrono::nanoseconds runtime{0};
};

// Replays the queue in order (no backfill: the discipline sim and local schedule by) until
// `probe` starts. Release times in the past count as `now`. nullopt when the queue can never
// drain that far (a queued job or the probe is larger than the pool).
std::optional<TimePoint> forecast_fifo_start(FreeResources free, std::vector<RunningWork> running,
                                             std::span<const QueuedWork> queued,
                                             const Demand& probe, TimePoint now);

}  // namespace suanwang::adapters
