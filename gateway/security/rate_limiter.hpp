// RateLimiter: token buckets by key (an API key's hash, a remote address, a login email). Each
// bucket holds up to `burst` tokens and refills at `per_second`; a request takes one. A full
// table forgets its buckets (bounded memory; forgetting only ever lets a client through).
// Thread-safe. Time comes from the caller, so tests drive it.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/core/clock.hpp"
#include "gateway/core/config.hpp"

namespace suanwang::security {

struct RateLimit {
  double per_second = 0;  // 0 = unlimited
  double burst = 1;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit, std::size_t max_keys = 100000)
      : limit_(limit), max_keys_(max_keys) {}

  // Takes a token: nullopt when allowed, else how long until one is available (Retry-After).
  std::optional<Millis> take(std::string_view key, TimePoint now);
  // The same without taking one.
  std::optional<Millis> check(std::string_view key, TimePoint now);
  // Empties the key's bucket back to full (e.g. after a successful login).
  void reset(std::string_view key);

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint at{};
  };
  std::optional<Millis> visit(std::string_view key, TimePoint now, bool take);

  RateLimit limit_;
  std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // REQUIRES: mu_ held
};

// The gateway's limiters, sized from the config.
struct RequestLimits {
  explicit RequestLimits(const Config& c);
  RateLimiter per_key;      // by API key or session token (hashed)
  RateLimiter per_address;  // by remote address
  RateLimiter login_failures_by_email;
  RateLimiter login_failures_by_address;
};

}  // namespace suanwang::security
