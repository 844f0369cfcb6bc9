// Portal session tokens and their cookie. The token ("sws_" + 256 random bits, base64url) lives
// only in the browser's cookie `sw_session` (HttpOnly; SameSite=Strict; Secure when the gateway
// serves TLS); the database keeps its SHA-256. The CSRF token is derived from the session token
// (SHA-256 of a label and the token), so it needs no storage, and a page of another origin,
// which cannot read the cookie, cannot compute it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/random.hpp"

namespace suanwang::auth {

constexpr std::string_view kSessionCookie = "sw_session";
constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

std::string generate_session_token(Random& random);
std::string session_token_hash(std::string_view token);
std::string csrf_token_for(std::string_view session_token);
// The session token from a Cookie header, if there is one.
std::optional<std::string> session_from_cookie_header(std::string_view cookie_header);
// Set-Cookie values that start and end a session.
std::string session_cookie(std::string_view token, std::chrono::seconds max_age, bool secure);
std::string cleared_session_cookie(bool secure);

}  // namespace suanwang::auth
