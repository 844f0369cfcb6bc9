// Orgs and API keys in the database. Functions run on the database thread (see store.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/model/org.hpp"
#include "gateway/store/db.hpp"

namespace suanwang::store {

Result<void> insert_org(Db& db, const model::Org& org);
Result<std::optional<model::Org>> find_org(Db& db, std::string_view id);
Result<std::optional<model::Org>> find_org_by_name(Db& db, std::string_view name);
Result<std::vector<model::Org>> list_orgs(Db& db);
Result<int64_t> count_orgs(Db& db);

// An org's money against its budget: charged so far, and held by its jobs in flight (their
// estimated cost), optionally leaving one job out (the one being placed again).
struct BudgetState {
  std::optional<double> budget_cny;  // none = no budget
  double spent_cny = 0;
  double held_cny = 0;
  std::optional<double> remaining_cny() const {
    if (!budget_cny) return std::nullopt;
    return *budget_cny - spent_cny - held_cny;
  }
};
Result<std::optional<BudgetState>> budget_state(Db& db, std::string_view org_id,
                                                std::string_view except_job = {});
// Sets or clears (nullopt) an org's budget; false when there is no such org.
Result<bool> set_budget(Db& db, std::string_view org_id, std::optional<double> budget_cny);

struct ApiKeyRecord {
  std::string id;
  std::string org_id;
  std::string name;
  std::string prefix;  // the first characters of the key, to tell keys apart in lists
  TimePoint created_at{};
  std::optional<TimePoint> last_used_at;
  std::optional<TimePoint> revoked_at;
  std::optional<std::string> user_id;  // a user's named key; none = an org-level key
};

// `hash` is the SHA-256 of the whole key; the key itself is never stored.
Result<void> insert_api_key(Db& db, const ApiKeyRecord& key, std::string_view hash);
struct KeyOwner {
  ApiKeyRecord key;
  model::Org org;
  std::string user_email;  // when the key is a user's
  std::string user_role;
};
// Keys of disabled users are not active.
Result<std::optional<KeyOwner>> find_active_key(Db& db, std::string_view hash);
Result<std::vector<ApiKeyRecord>> list_api_keys(Db& db, std::string_view org_id);
// false when no active key with that id belongs to the org.
Result<bool> revoke_api_key(Db& db, std::string_view org_id, std::string_view key_id, TimePoint at);
Result<void> touch_api_key(Db& db, std::string_view key_id, TimePoint at);

}  // namespace suanwang::store
