// Authenticator: "Authorization: Bearer <key>" -> Principal. Lookups hit the database through
// a small cache (hash -> principal, 30 s) so that a revoked key stops working within that time
// at worst, and immediately on this gateway (revoke() forgets it).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "gateway/auth/principal.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::auth {

class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Errc::unauthenticated with a reason when the header is missing, malformed or unknown.
  boost::asio::awaitable<Result<Principal>> authenticate(std::string_view authorization_header);
  // A portal session from its cookie token. Unsafe methods (`unsafe`) must carry the session's
  // CSRF token in `csrf_header` (Errc::forbidden otherwise). Sessions are not cached, so logging
  // out takes effect at once.
  boost::asio::awaitable<Result<Principal>> authenticate_session(std::string session_token,
                                                                 bool unsafe,
                                                                 std::string csrf_header);
  void forget_key(const std::string& key_id);

 private:
  struct Entry {
    Principal principal;
    TimePoint expires;
    TimePoint touched;
  };
  store::Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // by key hash; REQUIRES: mu_ held
};

}  // namespace suanwang::auth
