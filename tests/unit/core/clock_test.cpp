// Clock: RFC 3339 formatting and parsing (the API's time format), Unix-ms conversion (the
// storage format), and the ManualClock tests drive time with.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "gateway/core/clock.hpp"

namespace {

using namespace suanwang;
using std::chrono::hours;
using std::chrono::minutes;

TimePoint at_ms(int64_t ms) {
  return from_unix_ms(ms);
}

TEST_CASE("format_rfc3339 prints UTC with exactly three fractional digits and Z", "[core][clock]") {
  CHECK(format_rfc3339(at_ms(0)) == "1970-01-01T00:00:00.000Z");
  // 1234567890 s is the well-known 2009-02-13T23:31:30Z.
  CHECK(format_rfc3339(at_ms(1234567890123)) == "2009-02-13T23:31:30.123Z");
  CHECK(format_rfc3339(at_ms(1234567890005)) == "2009-02-13T23:31:30.005Z");
  CHECK(format_rfc3339(at_ms(1234567890050)) == "2009-02-13T23:31:30.050Z");
  // Before the epoch the millisecond part must still be positive (floor, not truncation).
  CHECK(format_rfc3339(at_ms(-1)) == "1969-12-31T23:59:59.999Z");
  CHECK(format_rfc3339(at_ms(-1000)) == "1969-12-31T23:59:59.000Z");
}

TEST_CASE("parse_rfc3339 reads UTC and offsets to the same instant", "[core][clock]") {
  const auto utc = parse_rfc3339("2026-11-21T08:30:00Z");
  REQUIRE(utc);
  CHECK(format_rfc3339(*utc) == "2026-11-21T08:30:00.000Z");

  // 16:30 in UTC+8 is 08:30 UTC; 03:00 in UTC-05:30 is 08:30 UTC.
  CHECK(parse_rfc3339("2026-11-21T16:30:00+08:00") == utc);
  CHECK(parse_rfc3339("2026-11-21T03:00:00-05:30") == utc);
  // Offsets that move the date across midnight.
  CHECK(parse_rfc3339("2026-11-22T00:30:00+16:00") == utc);
  // Lower-case separators and a space instead of T are accepted (RFC 3339 §5.6 note).
  CHECK(parse_rfc3339("2026-11-21t08:30:00z") == utc);
  CHECK(parse_rfc3339("2026-11-21 08:30:00Z") == utc);
}

TEST_CASE("parse_rfc3339 keeps milliseconds of fractional seconds", "[core][clock]") {
  const auto base = parse_rfc3339("2026-11-21T08:30:00Z");
  REQUIRE(base);
  CHECK(parse_rfc3339("2026-11-21T08:30:00.5Z") == *base + std::chrono::milliseconds(500));
  CHECK(parse_rfc3339("2026-11-21T08:30:00.25Z") == *base + std::chrono::milliseconds(250));
  CHECK(parse_rfc3339("2026-11-21T08:30:00.123Z") == *base + std::chrono::milliseconds(123));
  // Digits past milliseconds are dropped, not rounded.
  CHECK(parse_rfc3339("2026-11-21T08:30:00.123999Z") == *base + std::chrono::milliseconds(123));
}

TEST_CASE("parse_rfc3339 knows the calendar", "[core][clock]") {
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));  // leap year
  CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2100-02-29T00:00:00Z"));  // century, not leap
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z"));        // 400-year, leap
  CHECK_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
  CHECK(parse_rfc3339("2026-12-31T23:59:59Z"));
  // 2024-02-29 is 19782 days after the epoch.
  CHECK(to_unix_ms(*parse_rfc3339("2024-02-29T00:00:00Z")) == 19782LL * 86400 * 1000);
  // Years a 64-bit nanosecond clock cannot hold (after 2262) are refused, not overflowed.
  CHECK(parse_rfc3339("2200-12-31T23:59:59Z"));
  CHECK_FALSE(parse_rfc3339("2263-01-01T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  CHECK_FALSE(parse_rfc3339("0001-01-01T00:00:00Z"));
}

TEST_CASE("parse_rfc3339 rejects malformed input", "[core][clock]") {
  const char* bad[] = {
      "",
      "2026-11-21",
      "2026-11-21T08:30Z",         // no seconds
      "2026-11-21T08:30:00",       // no zone
      "2026-11-21T08:30:00.Z",     // a dot without digits
      "2026-11-21T08:30:00Zjunk",  // trailing text
      "2026-11-21T08:30:00+0800",  // offset without colon
      "2026-11-21T08:30:00+08:0",  // truncated offset
      "2026-11-21T08:30:00+08",    // offset without minutes
      "2026-13-01T00:00:00Z",      // month 13
      "2026-00-01T00:00:00Z",      // month 0
      "2026-11-00T00:00:00Z",      // day 0
      "2026-11-32T00:00:00Z",      // day 32
      "2026-11-21T24:00:00Z",      // hour 24
      "2026-11-21T08:60:00Z",      // minute 60
      "2026-11-21T08:30:61Z",      // second 61
      "abcd-11-21T08:30:00Z",
      "2026/11/21T08:30:00Z",
      "2026-11-21X08:30:00Z",
      "2026-1-21T08:30:00Z",
      " 2026-11-21T08:30:00Z",
      "2026-11-21T08:30:00+24:00",  // offset hour out of range (RFC 3339: 00-23)
      "2026-11-21T08:30:00+08:60",  // offset minute out of range
  };
  for (const char* s : bad) {
    INFO("input: '" << s << "'");
    CHECK_FALSE(parse_rfc3339(s));
  }
}

TEST_CASE("format then parse is the identity at millisecond precision", "[core][clock]") {
  for (int64_t ms :
       {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{1'700'000'000'000},
        int64_t{1'799'999'999'999}, int64_t{-86'400'001}, int64_t{4'102'444'800'000}}) {
    INFO("ms = " << ms);
    const auto t = at_ms(ms);
    const auto back = parse_rfc3339(format_rfc3339(t));
    REQUIRE(back);
    CHECK(to_unix_ms(*back) == ms);
  }
}

TEST_CASE("to_unix_ms and from_unix_ms are inverse", "[core][clock]") {
  CHECK(to_unix_ms(from_unix_ms(1'700'000'000'123)) == 1'700'000'000'123);
  CHECK(to_unix_ms(TimePoint{}) == 0);
  // Sub-millisecond parts are truncated by to_unix_ms.
  CHECK(to_unix_ms(TimePoint{} + std::chrono::microseconds(1999)) == 1);
}

TEST_CASE("ManualClock moves only when told", "[core][clock]") {
  const auto start = *parse_rfc3339("2026-11-21T08:00:00Z");
  ManualClock clock(start);
  CHECK(clock.now() == start);
  CHECK(clock.now() == start);  // no drift between reads

  clock.advance(std::chrono::milliseconds(1500));
  CHECK(clock.now() == start + std::chrono::milliseconds(1500));
  clock.advance(minutes(30));
  CHECK(format_rfc3339(clock.now()) == "2026-11-21T08:30:01.500Z");

  const auto later = *parse_rfc3339("2030-01-01T00:00:00Z");
  clock.set(later);
  CHECK(clock.now() == later);

  // Usable through the Clock interface, which is what production code receives.
  const Clock& as_clock = clock;
  CHECK(as_clock.now() == later);
}

TEST_CASE("ManualClock's default start is a fixed instant, not the wall clock", "[core][clock]") {
  ManualClock a;
  ManualClock b;
  CHECK(a.now() == b.now());
  CHECK(a.now() == TimePoint{} + hours(24 * 365 * 56));
}

}  // namespace
