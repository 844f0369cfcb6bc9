// The audit log: one row per change (who, what, when, from where). Append-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/json.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

struct AuditEntry {
  int64_t id = 0;  // assigned on insert
  TimePoint at{};
  std::string actor_org_id;
  std::string actor_user_id;
  std::string actor_key_id;
  std::string remote;       // the caller's address
  std::string action;       // e.g. "site.create", "api_key.revoke", "session.login"
  std::string object_type;  // "site", "api_key", ...
  std::string object_id;
  std::string object_org_id;     // the org that owns the object
  Json detail = Json::object();  // never holds a secret
};

Result<void> insert_audit(Db& db, const AuditEntry& e);

struct AuditFilter {
  std::optional<std::string> org_id;  // entries on this org's objects or by its members
  std::optional<std::string> action;
  std::optional<int64_t> before_id;  // keyset pagination, newest first
  int limit = 100;
};
Result<std::vector<AuditEntry>> list_audit(Db& db, const AuditFilter& f);

}  // namespace suanwang::store
