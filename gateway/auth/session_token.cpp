// Session tokens, CSRF tokens and the session cookie (see session_token.hpp).
#include "gateway/auth/session_token.hpp"

#include "gateway/security/encoding.hpp"

namespace suanwang::auth {

std::string generate_session_token(Random& random) {
  return "sws_" + security::base64url(random.bytes(32));
}

std::string session_token_hash(std::string_view token) {
  return security::hex(security::sha256(token));
}

std::string csrf_token_for(std::string_view session_token) {
  return security::base64url(security::sha256("suanwang csrf v1:" + std::string(session_token)));
}

std::optional<std::string> session_from_cookie_header(std::string_view header) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos || part.substr(0, eq) != kSessionCookie) continue;
    std::string_view value = part.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() < 16 || value.size() > 128) return std::nullopt;
    return std::string(value);
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string cleared_session_cookie(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

}  // namespace suanwang::auth
