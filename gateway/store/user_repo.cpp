// User and session rows (see user_repo.hpp).
#include "gateway/store/user_repo.hpp"

namespace suanwang::store {
namespace {
constexpr const char* kUserCols =
    "u.id, u.org_id, u.email, u.name, u.role, u.created_at, u.disabled_at";

UserRecord read_user(const Statement& st, int c = 0) {
  UserRecord u;
  u.id = st.text(c);
  u.org_id = st.text(c + 1);
  u.email = st.text(c + 2);
  u.name = st.text(c + 3);
  u.role = st.text(c + 4);
  u.created_at = from_unix_ms(st.int64(c + 5));
  if (auto v = st.opt_int64(c + 6)) u.disabled_at = from_unix_ms(*v);
  return u;
}

model::Org read_org_cols(const Statement& st, int c) {
  model::Org o;
  o.id = st.text(c);
  o.name = st.text(c + 1);
  o.kind = model::parse_org_kind(st.text(c + 2)).value_or(model::OrgKind::user);
  return o;
}
}  // namespace

Result<void> insert_user(Db& db, const UserRecord& u, std::string_view password_hash) {
  auto st = db.prepare(
      "INSERT INTO users (id, org_id, email, name, role, password_hash, created_at)"
      " VALUES (?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, u.id)
      .bind(2, u.org_id)
      .bind(3, u.email)
      .bind(4, u.name)
      .bind(5, u.role)
      .bind(6, password_hash)
      .bind(7, to_unix_ms(u.created_at));
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error::coded(Errc::already_exists, "email", {"user.email_taken", {{"email", u.email}}}));
  }
  return r;
}

Result<std::vector<UserRecord>> list_users(Db& db, std::string_view org_id) {
  auto st = db.prepare(std::string("SELECT ") + kUserCols +
                       " FROM users u WHERE u.org_id = ? ORDER BY u.id");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  std::vector<UserRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_user(*st));
  }
  return out;
}

Result<std::optional<UserRecord>> find_user(Db& db, std::string_view id) {
  auto st = db.prepare(std::string("SELECT ") + kUserCols + " FROM users u WHERE u.id = ?");
  if (!st) return fail(st.error());
  st->bind(1, id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<UserRecord>{};
  return std::optional<UserRecord>{read_user(*st)};
}

Result<std::optional<UserLogin>> find_login(Db& db, std::string_view email) {
  auto st = db.prepare(std::string("SELECT ") + kUserCols +
                       ", u.password_hash, o.id, o.name, o.kind FROM users u"
                       " JOIN orgs o ON o.id = u.org_id"
                       " WHERE u.email = ? AND u.disabled_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, email);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<UserLogin>{};
  return std::optional<UserLogin>{UserLogin{read_user(*st), st->text(7), read_org_cols(*st, 8)}};
}

Result<bool> disable_user(Db& db, std::string_view org_id, std::string_view user_id, TimePoint at) {
  return db.transaction([&]() -> Result<bool> {
    auto st = db.prepare(
        "UPDATE users SET disabled_at = ? WHERE id = ? AND org_id = ? AND disabled_at IS NULL");
    if (!st) return fail(st.error());
    st->bind(1, to_unix_ms(at)).bind(2, user_id).bind(3, org_id);
    if (auto r = st->run(); !r) return fail(r.error());
    if (db.changes() == 0) return false;
    if (auto r = revoke_user_sessions(db, user_id, at); !r) return fail(r.error());
    auto keys =
        db.prepare("UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
    if (!keys) return fail(keys.error());
    keys->bind(1, to_unix_ms(at)).bind(2, user_id);
    if (auto r = keys->run(); !r) return fail(r.error());
    return true;
  });
}

Result<void> insert_session(Db& db, const SessionRecord& s, std::string_view token_hash) {
  auto st = db.prepare(
      "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, last_seen_at,"
      " remote) VALUES (?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, s.id)
      .bind(2, s.user_id)
      .bind(3, token_hash)
      .bind(4, to_unix_ms(s.created_at))
      .bind(5, to_unix_ms(s.expires_at))
      .bind(6, to_unix_ms(s.created_at))
      .bind(7, s.remote);
  return st->run();
}

Result<std::optional<SessionOwner>> find_active_session(Db& db, std::string_view token_hash,
                                                        TimePoint now) {
  auto st = db.prepare(
      std::string("SELECT s.id, s.user_id, s.created_at, s.expires_at, s.remote, ") + kUserCols +
      ", o.id, o.name, o.kind FROM sessions s JOIN users u ON u.id = s.user_id"
      " JOIN orgs o ON o.id = u.org_id WHERE s.token_hash = ?"
      " AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, token_hash).bind(2, to_unix_ms(now));
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<SessionOwner>{};
  SessionOwner o;
  o.session.id = st->text(0);
  o.session.user_id = st->text(1);
  o.session.created_at = from_unix_ms(st->int64(2));
  o.session.expires_at = from_unix_ms(st->int64(3));
  o.session.remote = st->text(4);
  o.user = read_user(*st, 5);
  o.org = read_org_cols(*st, 12);
  return std::optional<SessionOwner>{std::move(o)};
}

Result<void> revoke_session(Db& db, std::string_view session_id, TimePoint at) {
  auto st = db.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, session_id);
  return st->run();
}

Result<int64_t> revoke_user_sessions(Db& db, std::string_view user_id, TimePoint at) {
  auto st =
      db.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, user_id);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes();
}

}  // namespace suanwang::store
