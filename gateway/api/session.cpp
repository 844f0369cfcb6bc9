// The caller's own identity and portal sign-in: /api/v1/session.
//   GET     who is calling (API key or session cookie): org, role, user; the CSRF token of a
//           cookie session, so a reloaded portal page can recover it.
//   POST    {email, password} -> a session cookie (HttpOnly; SameSite=Strict; Secure over
//           TLS) and its CSRF token. Failed sign-ins are throttled per email and per address.
//   DELETE  ends this session; ?scope=all ends every session of the user (log out everywhere).
#include "gateway/api/api.hpp"
#include "gateway/auth/session_token.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/store/user_repo.hpp"

namespace suanwang::api {
namespace {

// Verified against when the email is unknown, so that a wrong email costs as long as a wrong
// password and timing does not tell which accounts exist. (Hash of a throwaway password.)
constexpr const char* kDecoyHash =
    "scrypt$15$8$1$4Nk83BILCieX44b8EM1RkQ==$HnYSK4WtH2svnfuxWHsb+JN4wZH/IGUQisprpkV9qW0=";

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

Awaitable get_session(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  Json out = identity_json(*who);
  if (!who->session_id.empty()) {
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
  const std::string email = lower(*email_in);
  const TimePoint now = c.clock.now();
  const std::string by_email = "login:" + email;
  const std::string by_address = "login:" + rc.remote_address;
  auto wait = c.limits.login_failures_by_email.check(by_email, now);
  if (!wait) wait = c.limits.login_failures_by_address.check(by_address, now);
  if (wait) {
    co_return too_many_requests(rc, *wait, "too many failed sign-ins; try again later");
  }
  auto login = co_await c.store.run([&](store::Db& db) { return store::find_login(db, email); });
  if (!login) co_return problem(rc, login.error());
  std::string hash = *login ? (*login)->password_hash : std::string(kDecoyHash);
  const bool good = co_await c.passwords.verify(*password, std::move(hash)) && login->has_value();
  if (!good) {
    (void)c.limits.login_failures_by_email.take(by_email, now);
    (void)c.limits.login_failures_by_address.take(by_address, now);
    auth::Principal nobody;
    const std::string org = *login ? (*login)->org.id : std::string();
    const std::string uid = *login ? (*login)->user.id : std::string();
    co_await audit(c, rc, nobody, "session.login_failed", "user", uid, org);
    co_return problem(rc, Error{Errc::unauthenticated, "wrong email or password", {}});
  }
  c.limits.login_failures_by_email.reset(by_email);
  const auto& l = **login;
  const std::string token = auth::generate_session_token(c.random);
  store::SessionRecord s{c.ids.next("ses"), l.user.id, now, now + c.config.session_ttl,
                         rc.remote_address};
  const std::string token_hash = auth::session_token_hash(token);
  auto ins =
      co_await c.store.run([&](store::Db& db) { return store::insert_session(db, s, token_hash); });
  if (!ins) co_return problem(rc, ins.error());
  auth::Principal who{l.org.id, l.org.name, l.org.kind, ""};
  who.user_id = l.user.id;
  who.email = l.user.email;
  who.org_role = l.user.role;
  who.session_id = s.id;
  co_await audit(c, rc, who, "session.login", "session", s.id, l.org.id);
  Json out = identity_json(who);
  out["csrf_token"] = auth::csrf_token_for(token);
  out["expires_at"] = format_rfc3339(s.expires_at);
  Response res = json(rc, Status::created, out);
  const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(c.config.session_ttl);
  res.set(http::bhttp::field::set_cookie, auth::session_cookie(token, ttl, secure_cookies(c)));
  co_return res;
}

Awaitable delete_session(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string scope = rc.query_param("scope").value_or("this");
  if (scope != "this" && scope != "all") {
    co_return problem(rc, Error::invalid("scope", "scope must be 'this' or 'all'"));
  }
  const TimePoint now = c.clock.now();
  if (scope == "all") {
    if (who->user_id.empty()) {
      co_return problem(rc, Error::invalid("scope", "an org-level API key has no sessions"));
    }
    const std::string uid = who->user_id;
    auto n = co_await c.store.run(
        [&](store::Db& db) { return store::revoke_user_sessions(db, uid, now); });
    if (!n) co_return problem(rc, n.error());
    Json detail = {{"sessions", *n}};
    co_await audit(c, rc, *who, "session.logout_everywhere", "user", uid, who->org_id, detail);
  } else {
    if (who->session_id.empty()) {
      co_return problem(rc, Error::invalid("scope",
                                           "API keys have no session to end; revoke the "
                                           "key, or use scope=all"));
    }
    const std::string sid = who->session_id;
    auto r =
        co_await c.store.run([&](store::Db& db) { return store::revoke_session(db, sid, now); });
    if (!r) co_return problem(rc, r.error());
    co_await audit(c, rc, *who, "session.logout", "session", sid, who->org_id);
  }
  Response res{Status::no_content, rc.request.version()};
  if (!who->session_id.empty()) {
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
