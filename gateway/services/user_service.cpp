// An org's people (see user_service.hpp).
#include "gateway/services/user_service.hpp"

#include <cctype>

#include "gateway/core/json.hpp"
#include "gateway/services/not_found.hpp"
#include "gateway/store/org_repo.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

namespace {

bool valid_email(std::string_view e) {
  const auto at = e.find('@');
  if (at == 0 || at == std::string_view::npos || at != e.rfind('@')) return false;
  if (e.find('.', at) == std::string_view::npos || e.back() == '.') return false;
  for (char ch : e) {
    if (ch <= 0x20 || ch >= 0x7f || ch == ',' || ch == ';' || ch == '<' || ch == '>') return false;
  }
  return true;
}

// The org named in the path when the caller may manage its members; not_found for another
// org's.
Result<void> may_manage(const auth::Principal& who, const std::string& org_id) {
  if (!who.owns(org_id)) return fail(no_org(org_id));
  if (!who.is_admin() && !who.is_org_admin()) {
    return fail(Error::coded(Errc::forbidden, "", {"user.admins_only", {}}));
  }
  return ok();
}

}  // namespace

asio::awaitable<Result<UserRecord>> UserService::create(const Caller& caller,
                                                        const std::string& org_id,
                                                        const Result<Json>& body) {
  if (auto m = may_manage(caller.who, org_id); !m) co_return fail(m.error());
  auto org = co_await store_.run([&](store::Db& db) { return store::find_org(db, org_id); });
  if (!org) co_return fail(org.error());
  if (!*org) co_return fail(no_org(org_id));
  if (!body) co_return fail(body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return fail(v.error());
  if (auto v = r.reject_unknown({"email", "password", "name", "role"}); !v) {
    co_return fail(v.error());
  }
  auto email = r.string("email", 254);
  if (!email) co_return fail(email.error());
  std::string e = *email;
  for (auto& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!valid_email(e)) {
    co_return fail(Error::invalid_coded("email", {"user.email", {{"email", e.substr(0, 64)}}}));
  }
  auto password = r.string("password", 256);
  if (!password) co_return fail(password.error());
  if (auto p = security::check_password_policy(*password); !p) co_return fail(p.error());
  auto name = r.opt_string("name", 128);
  if (!name) co_return fail(name.error());
  auto role = r.opt_string("role", 16);
  if (!role) co_return fail(role.error());
  const std::string rl = role->value_or("member");
  if (rl != "admin" && rl != "member") {
    co_return fail(Error::invalid_coded("role", {"user.role", {{"role", rl.substr(0, 32)}}}));
  }
  auto hash = co_await passwords_.hash(*password);
  if (!hash) co_return fail(hash.error());
  UserRecord u{ids_.next("usr"), org_id, e, name->value_or(""), rl, clock_.now(), {}};
  const AuditEntry created = audit_.entry(caller, "user.create", "user", u.id, org_id,
                                          {{"email", u.email}, {"role", u.role}});
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto i = store::insert_user(db, u, *hash); !i) return i;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  co_return u;
}

asio::awaitable<Result<Page<UserRecord>>> UserService::list(const auth::Principal& who,
                                                            const std::string& org_id,
                                                            const PageRequest& page) {
  if (!who.owns(org_id)) co_return fail(no_org(org_id));
  auto users = co_await store_.run([&](store::Db& db) { return store::list_users(db, org_id); });
  if (!users) co_return fail(users.error());
  co_return page_of(std::move(*users), page,
                    [](const UserRecord& u) -> const std::string& { return u.id; });
}

asio::awaitable<Result<void>> UserService::disable(const Caller& caller, const std::string& org_id,
                                                   const std::string& user_id) {
  if (auto m = may_manage(caller.who, org_id); !m) co_return fail(m.error());
  const TimePoint now = clock_.now();
  const AuditEntry disabled = audit_.entry(caller, "user.disable", "user", user_id, org_id);
  // The user's keys, revoked with it: read in the same transaction, to forget cached ones.
  auto keys = co_await store_.run([&](store::Db& db) -> Result<std::vector<std::string>> {
    return db.transaction([&]() -> Result<std::vector<std::string>> {
      auto done = store::disable_user(db, org_id, user_id, now);
      if (!done) return fail(done.error());
      if (!*done) {
        return fail(Error::coded(Errc::not_found, "", {"user.not_found", {{"id", user_id}}}));
      }
      if (auto a = store::insert_audit(db, disabled); !a) return fail(a.error());
      auto all = store::list_api_keys(db, org_id);
      if (!all) return fail(all.error());
      std::vector<std::string> ids;
      for (const auto& k : *all) {
        if (k.user_id == user_id) ids.push_back(k.id);
      }
      return ids;
    });
  });
  if (!keys) co_return fail(keys.error());
  for (const auto& id : *keys) auth_.forget_key(id);
  co_return ok();
}

}  // namespace suanwang::services
