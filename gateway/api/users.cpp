// An org's people: /api/v1/orgs/{id}/users. Platform admins and the org's own admins (users
// with role "admin", and org-level API keys) add and disable members; every member may list
// them. Another org's users answer 404.
#include "gateway/api/api.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/user_repo.hpp"

namespace suanwang::api {
namespace {

Json user_json(const store::UserRecord& u) {
  return {{"id", u.id},
          {"org_id", u.org_id},
          {"email", u.email},
          {"name", u.name},
          {"role", u.role},
          {"created_at", format_rfc3339(u.created_at)},
          {"disabled_at", u.disabled_at ? Json(format_rfc3339(*u.disabled_at)) : Json(nullptr)}};
}

bool valid_email(std::string_view e) {
  const auto at = e.find('@');
  if (at == 0 || at == std::string_view::npos || at != e.rfind('@')) return false;
  if (e.find('.', at) == std::string_view::npos || e.back() == '.') return false;
  for (char ch : e) {
    if (ch <= 0x20 || ch >= 0x7f || ch == ',' || ch == ';' || ch == '<' || ch == '>') return false;
  }
  return true;
}

// The org named in the path when the caller may manage its members; 404 for another org's.
Result<void> may_manage(const auth::Principal& who, const std::string& org_id) {
  if (!who.owns(org_id)) return fail(Error::not_found("no org " + org_id));
  if (!who.is_admin() && !who.is_org_admin()) {
    return fail(Error::forbidden("only the org's admins manage its members"));
  }
  return ok();
}

Awaitable create_user(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string org_id = rc.param("id");
  if (auto m = may_manage(*who, org_id); !m) co_return problem(rc, m.error());
  auto org = co_await c.store.run([&](store::Db& db) { return store::find_org(db, org_id); });
  if (!org) co_return problem(rc, org.error());
  if (!*org) co_return problem(rc, Error::not_found("no org " + org_id));
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return problem(rc, v.error());
  if (auto v = r.reject_unknown({"email", "password", "name", "role"}); !v)
    co_return problem(rc, v.error());
  auto email = r.string("email", 254);
  if (!email) co_return problem(rc, email.error());
  std::string e = *email;
  for (auto& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!valid_email(e)) co_return problem(rc, Error::invalid("email", "email is not an address"));
  auto password = r.string("password", 256);
  if (!password) co_return problem(rc, password.error());
  if (auto p = security::check_password_policy(*password); !p) co_return problem(rc, p.error());
  auto name = r.opt_string("name", 128);
  if (!name) co_return problem(rc, name.error());
  auto role = r.opt_string("role", 16);
  if (!role) co_return problem(rc, role.error());
  const std::string rl = role->value_or("member");
  if (rl != "admin" && rl != "member") {
    co_return problem(rc, Error::invalid("role", "role must be admin or member"));
  }
  auto hash = co_await c.passwords.hash(*password);
  if (!hash) co_return problem(rc, hash.error());
  store::UserRecord u{c.ids.next("usr"), org_id, e, name->value_or(""), rl, c.clock.now(), {}};
  auto ins = co_await c.store.run([&](store::Db& db) { return store::insert_user(db, u, *hash); });
  if (!ins) co_return problem(rc, ins.error());
  Json detail = {{"email", u.email}, {"role", u.role}};
  co_await audit(c, rc, *who, "user.create", "user", u.id, org_id, detail);
  co_return json(rc, Status::created, user_json(u));
}

Awaitable list_users(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string org_id = rc.param("id");
  if (!who->owns(org_id)) co_return problem(rc, Error::not_found("no org " + org_id));
  auto users = co_await c.store.run([&](store::Db& db) { return store::list_users(db, org_id); });
  if (!users) co_return problem(rc, users.error());
  Json items = Json::array();
  for (const auto& u : *users) items.push_back(user_json(u));
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", nullptr}});
}

Awaitable disable_user(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string org_id = rc.param("id");
  const std::string user_id = rc.param("user_id");
  if (auto m = may_manage(*who, org_id); !m) co_return problem(rc, m.error());
  const TimePoint now = c.clock.now();
  auto done = co_await c.store.run(
      [&](store::Db& db) { return store::disable_user(db, org_id, user_id, now); });
  if (!done) co_return problem(rc, done.error());
  if (!*done) co_return problem(rc, Error::not_found("no user " + user_id));
  // The user's keys were revoked with it; forget any cached ones.
  auto keys = co_await c.store.run([&](store::Db& db) { return store::list_api_keys(db, org_id); });
  if (keys) {
    for (const auto& k : *keys) {
      if (k.user_id == user_id) c.auth.forget_key(k.id);
    }
  }
  co_await audit(c, rc, *who, "user.disable", "user", user_id, org_id);
  co_return Response{Status::no_content, rc.request.version()};
}

}  // namespace

void register_users(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/orgs/{id}/users", bind(c, create_user));
  r.add(Verb::get, "/api/v1/orgs/{id}/users", bind(c, list_users));
  r.add(Verb::delete_, "/api/v1/orgs/{id}/users/{user_id}", bind(c, disable_user));
}

}  // namespace suanwang::api
