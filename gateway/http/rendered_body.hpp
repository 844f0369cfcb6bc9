// RenderedBody: a response body rendered once and served again while what it shows is
// unchanged (the caller keys it on a version, such as SiteDirectory::version()) and younger
// than a bound, so that a popular read does not rebuild the same document per request.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace suanwang::http {

class RenderedBody {
 public:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    uint64_t version = 0;
    Clock::time_point rendered_at{};
    std::shared_ptr<const std::string> body;
  };

  // The entry rendered at `version`, at most `max_age` before `now`; else none.
  std::optional<Entry> get(uint64_t version, Clock::time_point now, Clock::duration max_age) const {
    std::lock_guard lock(mu_);
    if (!entry_.body || entry_.version != version || now - entry_.rendered_at > max_age) {
      return std::nullopt;
    }
    return entry_;
  }
  void put(Entry e) {
    std::lock_guard lock(mu_);
    entry_ = std::move(e);
  }

 private:
  mutable std::mutex mu_;
  Entry entry_;  // REQUIRES: mu_ held
};

}  // namespace suanwang::http
