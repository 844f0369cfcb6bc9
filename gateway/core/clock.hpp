// Clock: the injectable source of time, wall and monotonic. Production code asks a Clock, never
// std::chrono::system_clock or steady_clock directly, so tests and the replay can drive time;
// core/clock_timer.hpp waits on it (a real timer for SystemClock, ManualClock::advance for a
// manual one).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace suanwang {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: what is stored and shown.
  virtual TimePoint now() const = 0;
  // Monotonic time: what intervals and deadlines are measured on.
  virtual SteadyTime steady_now() const = 0;
  // Whether the clock moves by itself. A manual clock moves only by advance(), and tells its
  // listeners (core/clock_timer.hpp) when it does.
  virtual bool is_manual() const { return false; }
  // Calls `f` (on the advancing thread) each time a manual clock moves; returns an id for
  // remove_listener. A real clock never calls it.
  virtual int add_listener(std::function<void()> f) const {
    (void)f;
    return 0;
  }
  virtual void remove_listener(int id) const { (void)id; }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told; its monotonic time moves with its wall time (set() may
// move the wall backwards; the monotonic time never does). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 56))
      : ms_(to_ms(start)) {}
  TimePoint now() const override { return TimePoint{Millis(ms_.load())}; }
  SteadyTime steady_now() const override { return SteadyTime{Millis(steady_ms_.load())}; }
  bool is_manual() const override { return true; }
  void advance(Millis d) {
    ms_ += d.count();
    steady_ms_ += d.count();
    notify();
  }
  void set(TimePoint t) {
    const int64_t to = to_ms(t);
    const int64_t from = ms_.exchange(to);
    if (to > from) steady_ms_ += to - from;
    notify();
  }
  int add_listener(std::function<void()> f) const override {
    std::lock_guard lock(mu_);
    listeners_.emplace(++last_id_, std::move(f));
    return last_id_;
  }
  void remove_listener(int id) const override {
    std::lock_guard lock(mu_);
    listeners_.erase(id);
  }

 private:
  static int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  }
  void notify() {
    std::lock_guard lock(mu_);
    for (auto& [id, f] : listeners_) f();
  }
  std::atomic<int64_t> ms_;
  std::atomic<int64_t> steady_ms_{0};
  mutable std::mutex mu_;
  mutable std::map<int, std::function<void()>> listeners_;  // REQUIRES: mu_ held
  mutable int last_id_ = 0;                                 // REQUIRES: mu_ held
};

// Milliseconds since the Unix epoch: how times are stored.
int64_t to_unix_ms(TimePoint t);
TimePoint from_unix_ms(int64_t ms);

// RFC 3339 UTC with milliseconds, e.g. "2026-11-21T08:30:00.123Z": how times are shown.
std::string format_rfc3339(TimePoint t);

}  // namespace suanwang

namespace suanwang {
// Parses RFC 3339 ("2026-11-21T08:30:00Z", "...+08:00", fractional seconds allowed).
std::optional<TimePoint> parse_rfc3339(std::string_view s);
}  // namespace suanwang
