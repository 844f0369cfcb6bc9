// Portal sign-in and sign-out (see session_service.hpp).
#include "gateway/services/session_service.hpp"

#include "gateway/auth/session_token.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

namespace {
// Verified against when the email is unknown, so that a wrong email costs as long as a wrong
// password and timing does not tell which accounts exist. (Hash of a throwaway password.)
constexpr const char* kDecoyHash =
    "scrypt$15$8$1$4Nk83BILCieX44b8EM1RkQ==$HnYSK4WtH2svnfuxWHsb+JN4wZH/IGUQisprpkV9qW0=";
}  // namespace

asio::awaitable<Result<NewSession>> SessionService::login(const Caller& caller, std::string email,
                                                          std::string password) {
  auto login = co_await store_.run([&](store::Db& db) { return store::find_login(db, email); });
  if (!login) co_return fail(login.error());
  std::string hash = *login ? (*login)->password_hash : std::string(kDecoyHash);
  const bool good =
      co_await passwords_.verify(std::move(password), std::move(hash)) && login->has_value();
  if (!good) {
    const std::string org = *login ? (*login)->org.id : std::string();
    const std::string uid = *login ? (*login)->user.id : std::string();
    Caller nobody{auth::Principal{}, caller.request_id, caller.remote};
    AuditEntry refused = audit_.entry(nobody, "session.login_failed", "user", uid, org);
    co_await audit_.record(std::move(refused));
    co_return fail(Error::coded(Errc::unauthenticated, "", {"session.wrong_password", {}}));
  }
  const auto& l = **login;
  const TimePoint now = clock_.now();
  NewSession out;
  out.token = auth::generate_session_token(random_);
  store::SessionRecord s{ids_.next("ses"), l.user.id, now, now + config_.session_ttl,
                         caller.remote};
  out.expires_at = s.expires_at;
  out.who = auth::Principal{l.org.id, l.org.name, l.org.kind, ""};
  out.who.user_id = l.user.id;
  out.who.email = l.user.email;
  out.who.org_role = l.user.role;
  out.who.session_id = s.id;
  const Caller signed_in{out.who, caller.request_id, caller.remote};
  const AuditEntry opened = audit_.entry(signed_in, "session.login", "session", s.id, l.org.id);
  const std::string token_hash = auth::session_token_hash(out.token);
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto i = store::insert_session(db, s, token_hash); !i) return i;
      return store::insert_audit(db, opened);
    });
  });
  if (!ins) co_return fail(ins.error());
  co_return out;
}

asio::awaitable<Result<void>> SessionService::logout(const Caller& caller,
                                                     const std::string& scope) {
  const auth::Principal& who = caller.who;
  if (scope != "this" && scope != "all") {
    co_return fail(
        Error::invalid_coded("scope", {"session.scope", {{"scope", scope.substr(0, 32)}}}));
  }
  const TimePoint now = clock_.now();
  if (scope == "all") {
    if (who.user_id.empty()) {
      co_return fail(Error::invalid_coded("scope", {"session.org_key_no_sessions", {}}));
    }
    const std::string uid = who.user_id;
    const AuditEntry ended =
        audit_.entry(caller, "session.logout_everywhere", "user", uid, who.org_id);
    auto n = co_await store_.run([&](store::Db& db) {
      return db.transaction([&]() -> Result<void> {
        auto count = store::revoke_user_sessions(db, uid, now);
        if (!count) return fail(count.error());
        AuditEntry e = ended;
        e.detail["sessions"] = *count;
        return store::insert_audit(db, e);
      });
    });
    if (!n) co_return fail(n.error());
    co_return ok();
  }
  if (who.session_id.empty()) {
    co_return fail(Error::invalid_coded("scope", {"session.key_no_session", {}}));
  }
  const std::string sid = who.session_id;
  const AuditEntry ended = audit_.entry(caller, "session.logout", "session", sid, who.org_id);
  auto r = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto v = store::revoke_session(db, sid, now); !v) return v;
      return store::insert_audit(db, ended);
    });
  });
  if (!r) co_return fail(r.error());
  co_return ok();
}

}  // namespace suanwang::services
