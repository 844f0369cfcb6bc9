// Time conversions shared by storage (Unix ms) and the API (RFC 3339 UTC).
#include "gateway/core/clock.hpp"

#include "common/rfc3339.hpp"

namespace suanwang {

int64_t to_unix_ms(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

TimePoint from_unix_ms(int64_t ms) {
  return TimePoint{Millis(ms)};
}

std::string format_rfc3339(TimePoint t) {
  return common::format_rfc3339(t);
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  return common::parse_rfc3339(s);
}

}  // namespace suanwang
