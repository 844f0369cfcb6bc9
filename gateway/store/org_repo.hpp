// Orgs and API keys in the database. Functions run on the database thread (see store.hpp).
#pragma once

#include <algorithm>
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

// An org's money: charged so far, held by its jobs in flight (their estimated cost),
// optionally leaving one job out (the one being placed again), against its budget and its
// prepaid credit. Either, both or neither may limit what it can still spend.
struct BudgetState {
  std::optional<double> budget_cny;  // none = no budget
  double spent_cny = 0;
  double held_cny = 0;
  std::optional<double> credit_cny;  // the prepaid balance; none = no prepaid account
  // What the budget leaves: budget - spent - held (none without a budget).
  std::optional<double> budget_left_cny() const {
    if (!budget_cny) return std::nullopt;
    return *budget_cny - spent_cny - held_cny;
  }
  // What the prepaid credit leaves: balance - held (none without a prepaid account).
  std::optional<double> credit_left_cny() const {
    if (!credit_cny) return std::nullopt;
    return *credit_cny - held_cny;
  }
  // The smaller of the two: what a new job may still cost (none = no limit).
  std::optional<double> remaining_cny() const {
    const auto b = budget_left_cny();
    const auto c = credit_left_cny();
    if (b && c) return std::min(*b, *c);
    return b ? b : c;
  }
  // Which limit binds: "prepaid credit" or "budget" (meaningful when remaining_cny() is set).
  const char* binding_limit() const {
    const auto b = budget_left_cny();
    const auto c = credit_left_cny();
    return c && (!b || *c < *b) ? "prepaid credit" : "budget";
  }
};
Result<std::optional<BudgetState>> budget_state(Db& db, std::string_view org_id,
                                                std::string_view except_job = {});
// Every org's BudgetState, by org id (for the admins' list of orgs).
Result<std::map<std::string, BudgetState, std::less<>>> budget_states(Db& db);
// Sets or clears (nullopt) an org's budget; false when there is no such org.
Result<bool> set_budget(Db& db, std::string_view org_id, std::optional<double> budget_cny);

// ---- prepaid credit (migration 0004) --------------------------------------------------------

// One top-up or correction of an org's prepaid balance. Job charges are not entries: they are
// the jobs' usage records, taken from the balance when each job ends (store::update_job).
struct CreditEntry {
  std::string id;
  std::string org_id;
  TimePoint at{};
  double amount_cny = 0;   // > 0: money received; < 0: a correction or a refund
  double balance_cny = 0;  // the balance this entry left (set by add_credit_entry)
  std::string note;
  std::string actor;  // who recorded it (a user's email or a key id)
};

// Opens (`prepaid`, at a zero balance) or closes an org's prepaid account; returns false when
// it already was so. Closing needs a zero balance, else a conflict saying what is left: money
// received is used or refunded first (a negative entry), and a debt is settled by a top-up.
// Jobs already in flight when an account opens are charged to it when they end, like any other
// (their holds count against the balance at once). not_found when there is no such org.
Result<bool> set_prepaid(Db& db, std::string_view org_id, bool prepaid);

// Records `entry` and moves the org's balance by its amount in one transaction; returns it with
// the balance it left. A conflict when the org has no prepaid account, or when a negative entry
// would take back more than is available (balance - held): held money is spoken for by jobs in
// flight, so an entry never leaves the balance below what they may still be charged, nor below
// zero. not_found when there is no such org.
Result<CreditEntry> add_credit_entry(Db& db, CreditEntry entry);

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
