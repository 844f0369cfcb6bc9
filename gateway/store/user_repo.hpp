// Users and portal sessions in the database. Functions run on the database thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/model/org.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

struct UserRecord {
  std::string id;
  std::string org_id;
  std::string email;
  std::string name;
  std::string role;  // "admin" | "member" within the org
  TimePoint created_at{};
  std::optional<TimePoint> disabled_at;
};

// An email already taken (by anyone, case-insensitively) fails with Errc::already_exists.
Result<void> insert_user(Db& db, const UserRecord& user, std::string_view password_hash);
Result<std::vector<UserRecord>> list_users(Db& db, std::string_view org_id);
Result<std::optional<UserRecord>> find_user(Db& db, std::string_view id);
struct UserLogin {
  UserRecord user;
  std::string password_hash;
  model::Org org;
};
// Enabled users only.
Result<std::optional<UserLogin>> find_login(Db& db, std::string_view email);
// Disables the user and revokes its sessions and keys; false when no enabled user with that id
// belongs to the org.
Result<bool> disable_user(Db& db, std::string_view org_id, std::string_view user_id, TimePoint at);

struct SessionRecord {
  std::string id;
  std::string user_id;
  TimePoint created_at{};
  TimePoint expires_at{};
  std::string remote;
};
// `token_hash`: hex SHA-256 of the cookie's token; the token itself is never stored.
Result<void> insert_session(Db& db, const SessionRecord& s, std::string_view token_hash);
struct SessionOwner {
  SessionRecord session;
  UserRecord user;
  model::Org org;
};
// Unexpired, unrevoked sessions of enabled users.
Result<std::optional<SessionOwner>> find_active_session(Db& db, std::string_view token_hash,
                                                        TimePoint now);
Result<void> revoke_session(Db& db, std::string_view session_id, TimePoint at);
// Log out everywhere: every open session of the user. Returns how many.
Result<int64_t> revoke_user_sessions(Db& db, std::string_view user_id, TimePoint at);

}  // namespace suanwang::store
