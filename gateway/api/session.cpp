// The caller's own identity and portal sign-in: /api/v1/session (services::SessionService).
//   GET     who is calling (API key or session cookie): org, role, user; the CSRF token of a
//           cookie session, so a reloaded portal page can recover it.
//   POST    {email, password} -> a session cookie (HttpOnly; SameSite=Strict; Secure over
//           TLS) and its CSRF token. Failed sign-ins are throttled per email and per address.
//   DELETE  ends this session; ?scope=all ends every session of the user (log out everywhere).
#include "gateway/api/api.hpp"
#include "gateway/auth/session_token.hpp"
#include "gateway/http/problem.hpp"

namespace suanwang::api {
namespace {

bool secure_cookies(const ApiContext& c) {
  return !c.config.tls_cert_file.empty();
}

Json identity_json(const auth::Principal& who) {
  Json j = {{"org_id", who.org_id},
            {"org_name", who.org_name},
            {"role", model::org_kind_name(who.kind)},
            {"org_role", who.org_role},
            {"key_id", who.key_id.empty() ? Json(nullptr) : Json(who.key_id)},
            {"auth", who.session_id.empty() ? "api_key" : "session"}};
  if (!who.user_id.empty()) {
    j["user"] = {{"id", who.user_id}, {"email", who.email}, {"role", who.org_role}};
  } else {
    j["user"] = nullptr;
  }
  return j;
}

Awaitable get_session(ApiContext&, RequestContext& rc, const auth::Principal& who) {
  Json out = identity_json(who);
  if (!who.session_id.empty()) {
    if (auto token = auth::session_from_cookie_header(rc.header("Cookie"))) {
      out["csrf_token"] = auth::csrf_token_for(*token);
    }
  }
  co_return json(rc, Status::ok, out);
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

Awaitable create_session(ApiContext& c, RequestContext& rc) {
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return problem(rc, v.error());
  if (auto v = r.reject_unknown({"email", "password"}); !v) co_return problem(rc, v.error());
  auto email_in = r.string("email", 254);
  if (!email_in) co_return problem(rc, email_in.error());
  auto password = r.string("password", 256);
  if (!password) co_return problem(rc, password.error());
  std::string email = lower(*email_in);
  // Throttled here, per request: what the service sees is one attempt.
  const TimePoint now = c.clock.now();
  const std::string by_email = "login:" + email;
  const std::string by_address = "login:" + rc.remote_address;
  auto wait = c.limits.login_failures_by_email.check(by_email, now);
  if (!wait) wait = c.limits.login_failures_by_address.check(by_address, now);
  if (wait) {
    co_return too_many_requests(rc, *wait, "http.sign_in_limited");
  }
  const services::Caller nobody(auth::Principal{}, rc.request_id, rc.remote_address);
  auto session = co_await c.services.sessions.login(nobody, email, std::move(*password));
  if (!session) {
    if (session.error().code == Errc::unauthenticated) {
      (void)c.limits.login_failures_by_email.take(by_email, now);
      (void)c.limits.login_failures_by_address.take(by_address, now);
    }
    co_return problem(rc, session.error());
  }
  c.limits.login_failures_by_email.reset(by_email);
  Json out = identity_json(session->who);
  out["csrf_token"] = auth::csrf_token_for(session->token);
  out["expires_at"] = format_rfc3339(session->expires_at);
  Response res = json(rc, Status::created, out);
  const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(c.config.session_ttl);
  res.set(http::bhttp::field::set_cookie,
          auth::session_cookie(session->token, ttl, secure_cookies(c)));
  co_return res;
}

Awaitable delete_session(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const std::string scope = rc.query_param("scope").value_or("this");
  auto done = co_await c.services.sessions.logout(caller_of(rc, who), scope);
  if (!done) co_return problem(rc, done.error());
  Response res{Status::no_content, rc.request.version()};
  if (!who.session_id.empty()) {
    res.set(http::bhttp::field::set_cookie, auth::cleared_session_cookie(secure_cookies(c)));
  }
  co_return res;
}

}  // namespace

void register_session(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/session", bind(c, get_session));
  r.add(Verb::post, "/api/v1/session", bind(c, create_session));
  r.add(Verb::delete_, "/api/v1/session", bind(c, delete_session));
}

}  // namespace suanwang::api
