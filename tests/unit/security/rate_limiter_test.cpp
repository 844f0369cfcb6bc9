// Token buckets: a burst passes, then requests wait for the refill; keys are independent; a
// limit of 0 is off.
#include <catch2/catch.hpp>

#include "gateway/security/rate_limiter.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::security;
using namespace std::chrono_literals;

TEST_CASE("a bucket lets its burst through then says how long to wait", "[security][rate]") {
  ManualClock clock;
  RateLimiter limiter({2, 3});  // 2 per second, burst 3
  for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.take("k", clock.now()));
  auto wait = limiter.take("k", clock.now());
  REQUIRE(wait);
  CHECK(*wait == 500ms);
  CHECK_FALSE(limiter.take("other", clock.now()));  // keys are independent
  clock.advance(499ms);
  CHECK(limiter.take("k", clock.now()));
  clock.advance(1ms);
  CHECK_FALSE(limiter.take("k", clock.now()));
  CHECK(limiter.take("k", clock.now()));
  // check() does not consume.
  clock.advance(10s);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(limiter.check("k", clock.now()));
  limiter.reset("k");
  for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.take("k", clock.now()));
}

TEST_CASE("a rate of 0 never limits and a full table forgets", "[security][rate]") {
  ManualClock clock;
  RateLimiter off({0, 1});
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(off.take("k", clock.now()));
  RateLimiter small({1, 1}, 2);
  CHECK_FALSE(small.take("a", clock.now()));
  CHECK(small.take("a", clock.now()));
  CHECK_FALSE(small.take("b", clock.now()));
  CHECK_FALSE(small.take("c", clock.now()));  // the table was full: forgotten, not refused
}

}  // namespace
