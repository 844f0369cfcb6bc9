// Bearer-key authentication with a short-lived cache.
#include "gateway/auth/authenticator.hpp"

#include "gateway/auth/api_key.hpp"
#include "gateway/auth/session_token.hpp"
#include "gateway/security/encoding.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/user_repo.hpp"

namespace suanwang::auth {
namespace {
constexpr auto kCacheTtl = std::chrono::seconds(30);
constexpr auto kTouchEvery = std::chrono::seconds(60);

Error unauthenticated(std::string msg) {
  return Error{Errc::unauthenticated, std::move(msg), {}};
}
}  // namespace

boost::asio::awaitable<Result<Principal>> Authenticator::authenticate(std::string_view header) {
  if (header.empty()) {
    co_return fail(
        unauthenticated("missing Authorization header; send 'Authorization: Bearer <api key>'"));
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    co_return fail(unauthenticated("the Authorization header must be 'Bearer <api key>'"));
  }
  std::string_view secret = header.substr(kBearer.size());
  while (!secret.empty() && secret.front() == ' ') secret.remove_prefix(1);
  if (!looks_like_api_key(secret)) co_return fail(unauthenticated("malformed API key"));
  const std::string hash = hash_api_key(secret);
  const TimePoint now = clock_.now();
  bool touch = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(hash); it != cache_.end() && it->second.expires > now) {
      co_return it->second.principal;
    }
  }
  auto found = co_await store_.run([&](store::Db& db) { return store::find_active_key(db, hash); });
  if (!found) co_return fail(found.error());
  if (!*found) co_return fail(unauthenticated("unknown or revoked API key"));
  const auto& owner = **found;
  Principal p{owner.org.id, owner.org.name, owner.org.kind, owner.key.id};
  p.user_id = owner.key.user_id.value_or("");
  p.email = owner.user_email;
  p.org_role = owner.key.user_id ? owner.user_role : "admin";
  touch = !owner.key.last_used_at || now - *owner.key.last_used_at > kTouchEvery;
  {
    std::lock_guard lock(mu_);
    if (cache_.size() > 10000) cache_.clear();
    cache_[hash] = Entry{p, now + kCacheTtl, now};
  }
  if (touch) {
    // Recording last use is best effort: failing it must not turn a valid key away.
    auto touched =
        co_await store_.run([&](store::Db& db) { return store::touch_api_key(db, p.key_id, now); });
    (void)touched;
  }
  co_return p;
}

boost::asio::awaitable<Result<Principal>> Authenticator::authenticate_session(
    std::string token, bool unsafe, std::string csrf_header) {
  const std::string hash = session_token_hash(token);
  const TimePoint now = clock_.now();
  auto found =
      co_await store_.run([&](store::Db& db) { return store::find_active_session(db, hash, now); });
  if (!found) co_return fail(found.error());
  if (!*found) co_return fail(unauthenticated("the session has ended; sign in again"));
  if (unsafe && !security::constant_time_equal(csrf_header, csrf_token_for(token))) {
    co_return fail(
        Error::forbidden("missing or wrong X-CSRF-Token header (required with a session cookie)"));
  }
  const auto& s = **found;
  Principal p{s.org.id, s.org.name, s.org.kind, ""};
  p.user_id = s.user.id;
  p.email = s.user.email;
  p.org_role = s.user.role;
  p.session_id = s.session.id;
  co_return p;
}

void Authenticator::forget_key(const std::string& key_id) {
  std::lock_guard lock(mu_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.principal.key_id == key_id; });
}

}  // namespace suanwang::auth
