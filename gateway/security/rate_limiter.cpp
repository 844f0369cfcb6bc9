// Token buckets (see rate_limiter.hpp).
#include "gateway/security/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace suanwang::security {

std::optional<Millis> RateLimiter::take(std::string_view key, TimePoint now) {
  return visit(key, now, true);
}

std::optional<Millis> RateLimiter::check(std::string_view key, TimePoint now) {
  return visit(key, now, false);
}

void RateLimiter::reset(std::string_view key) {
  std::lock_guard lock(mu_);
  buckets_.erase(std::string(key));
}

std::optional<Millis> RateLimiter::visit(std::string_view key, TimePoint now, bool take) {
  if (limit_.per_second <= 0) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) buckets_.clear();
    it = buckets_.emplace(std::string(key), Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.at).count());
  b.tokens = std::min(limit_.burst, b.tokens + elapsed * limit_.per_second);
  b.at = now;
  if (b.tokens >= 1) {
    if (take) b.tokens -= 1;
    return std::nullopt;
  }
  const double wait_s = (1 - b.tokens) / limit_.per_second;
  return Millis(static_cast<int64_t>(std::ceil(wait_s * 1000)));
}

RequestLimits::RequestLimits(const Config& c)
    : per_key({static_cast<double>(c.rate_limit_key_per_s),
               static_cast<double>(c.rate_limit_key_burst)}),
      per_address({static_cast<double>(c.rate_limit_address_per_s),
                   static_cast<double>(c.rate_limit_address_burst)}),
      login_failures_by_email({1000.0 / static_cast<double>(c.login_failure_refill.count()),
                               static_cast<double>(c.login_failures_burst)}),
      // An address may try a few accounts (a shared office NAT) before it is slowed down.
      login_failures_by_address({1000.0 / static_cast<double>(c.login_failure_refill.count()),
                                 4.0 * c.login_failures_burst}) {}

}  // namespace suanwang::security
