// Clock: the injectable source of wall time. Production code asks a Clock, never
// std::chrono::system_clock directly, so tests and the replay can drive time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace suanwang {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(24 * 365 * 56))
      : ms_(to_ms(start)) {}
  TimePoint now() const override { return TimePoint{Millis(ms_.load())}; }
  void advance(Millis d) { ms_ += d.count(); }
  void set(TimePoint t) { ms_ = to_ms(t); }

 private:
  static int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> ms_;
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
