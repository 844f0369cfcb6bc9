// Orgs and API keys in the database. Functions run on the database thread (see store.hpp).
#pragma once

#include <functional>
#include <map>
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

// An org's money as stored (model::OrgMoney: budget, spent, held, prepaid balance). What it
// leaves to spend is accounting's rule (gateway/accounting/spending), not the store's. held_cny
// is read clamped at zero: many additions and subtractions of estimates leave floating-point
// residue around it.
Result<std::optional<model::OrgMoney>> find_org_money(Db& db, std::string_view org_id);
// Every org's money, by org id (for the admins' list of orgs).
Result<std::map<std::string, model::OrgMoney, std::less<>>> list_org_money(Db& db);
// Sets or clears (nullopt) an org's budget; false when there is no such org.
Result<bool> set_budget(Db& db, std::string_view org_id, std::optional<double> budget_cny);
// Adds to an org's held money and charges it, as accounting decided for a write of one of its
// jobs: held_cny += held_change, spent_cny += charge, credit_cny -= charge (NULL, no prepaid
// account, stays NULL). Writes nothing when both are 0. REQUIRES: inside the job's transaction.
Result<void> move_org_money(Db& db, std::string_view org_id, double held_change_cny,
                            double charge_cny);

// ---- prepaid credit (migration 0004) --------------------------------------------------------

// One top-up or correction of an org's prepaid balance. Job charges are not entries: they are
// the jobs' usage records, taken from the balance when each job ends.
struct CreditEntry {
  std::string id;
  std::string org_id;
  TimePoint at{};
  double amount_cny = 0;   // > 0: money received; < 0: a correction or a refund
  double balance_cny = 0;  // the balance this entry left
  std::string note;
  std::string actor;  // who recorded it (a user's email or a key id)
};

// Opens (`prepaid`, at a zero balance) or closes (NULL) an org's prepaid account, as it is told:
// whether it may is accounting::may_set_prepaid's to say (services/credit_service runs both in
// one transaction). false when there is no such org.
Result<bool> set_prepaid_account(Db& db, std::string_view org_id, bool prepaid);

// Records `entry` and moves the org's balance by its amount; entry.balance_cny is what
// accounting::balance_after_entry computed. REQUIRES: inside the transaction that read the
// balance (services/credit_service).
Result<void> insert_credit_entry(Db& db, const CreditEntry& entry);

// An org's entries, newest first: at most `limit`, those older than the entry `before_id` when
// given (keyset pagination; an id not of this org gives an empty page).
Result<std::vector<CreditEntry>> list_credit_entries(Db& db, std::string_view org_id,
                                                     std::optional<std::string> before_id,
                                                     int limit);

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
// The org a key (active or not) belongs to; none when there is no such key.
Result<std::optional<std::string>> find_api_key_org(Db& db, std::string_view key_id);
// false when no active key with that id belongs to the org.
Result<bool> revoke_api_key(Db& db, std::string_view org_id, std::string_view key_id, TimePoint at);
Result<void> touch_api_key(Db& db, std::string_view key_id, TimePoint at);

}  // namespace suanwang::store
