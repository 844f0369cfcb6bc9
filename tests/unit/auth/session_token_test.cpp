// Session tokens and cookies: random tokens stored as hashes, a CSRF token derived from the
// session token, and a cookie that is HttpOnly, SameSite=Strict and Secure over TLS.
#include <catch2/catch.hpp>

#include "gateway/auth/session_token.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::auth;

TEST_CASE("session tokens are random, hashed and carry a derived CSRF token", "[auth][session]") {
  SeededRandom random(3);
  const auto a = generate_session_token(random);
  const auto b = generate_session_token(random);
  CHECK(a.starts_with("sws_"));
  CHECK(a.size() == 4 + 43);
  CHECK(a != b);
  CHECK(session_token_hash(a).size() == 64);
  CHECK(session_token_hash(a).find(a) == std::string::npos);
  CHECK(csrf_token_for(a) == csrf_token_for(a));
  CHECK(csrf_token_for(a) != csrf_token_for(b));
  CHECK(csrf_token_for(a) != a);
}

TEST_CASE("the session cookie is HttpOnly and SameSite=Strict and Secure over TLS",
          "[auth][session]") {
  const auto plain = session_cookie("sws_token", std::chrono::seconds(3600), false);
  CHECK(plain == "sw_session=sws_token; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  const auto tls = session_cookie("sws_token", std::chrono::seconds(60), true);
  CHECK(tls.ends_with("; Secure"));
  CHECK(cleared_session_cookie(true).starts_with("sw_session=; Path=/; Max-Age=0"));
}

TEST_CASE("the session token is found among other cookies", "[auth][session]") {
  const std::string token = "sws_abcdefghijklmnopqrstuvwxyz";
  CHECK(session_from_cookie_header("sw_session=" + token) == token);
  CHECK(session_from_cookie_header("theme=dark; sw_session=" + token + "; lang=zh") == token);
  CHECK_FALSE(session_from_cookie_header("theme=dark"));
  CHECK_FALSE(session_from_cookie_header("sw_session=short"));
  CHECK_FALSE(session_from_cookie_header("xsw_session=" + token));
  CHECK_FALSE(session_from_cookie_header(""));
}

}  // namespace
