// Prepaid credit: opening and closing an org's prepaid account and moving its balance by hand
// (top-ups, corrections). Each reads the org's money, asks accounting (accounting/spending)
// whether the change is allowed and what it leaves, and has the store write it, all in one
// transaction on the database thread (run them inside Store::run).
#pragma once

#include <string_view>

#include "gateway/store/db.hpp"
#include "gateway/store/org_repo.hpp"

namespace suanwang::services {

// Opens (`prepaid`, at a zero balance) or closes an org's prepaid account; returns false when
// it already was so. Closing needs a zero balance, else a conflict saying what is left: money
// received is used or refunded first (a negative entry), and a debt is settled by a top-up.
// Jobs already in flight when an account opens are charged to it when they end, like any other
// (their holds count against the balance at once). not_found when there is no such org.
Result<bool> set_prepaid(store::Db& db, std::string_view org_id, bool prepaid);

// Records `entry` and moves the org's balance by its amount in one transaction; returns it with
// the balance it left. A conflict when the org has no prepaid account, or when a negative entry
// would take back more than is available (balance - held). not_found when there is no such org.
Result<store::CreditEntry> add_credit_entry(store::Db& db, store::CreditEntry entry);

}  // namespace suanwang::services
