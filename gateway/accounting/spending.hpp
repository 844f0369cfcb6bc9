// What an org may still spend: its budget (a cap on what it is charged) and its prepaid credit
// (money it paid in advance), each less what its jobs in flight hold. Either, both or neither
// may limit it. Also the rules for moving a prepaid balance by hand (top-ups, corrections) and
// for opening and closing a prepaid account.
#pragma once

#include <optional>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/model/org.hpp"

namespace suanwang::accounting {

// What the budget leaves: budget - spent - held (none without a budget).
std::optional<double> budget_left_cny(const model::OrgMoney& m);
// What the prepaid credit leaves: balance - held (none without a prepaid account).
std::optional<double> credit_left_cny(const model::OrgMoney& m);
// The smaller of the two: what a new job may still cost (none = no limit).
std::optional<double> remaining_cny(const model::OrgMoney& m);
// Which limit binds: "prepaid credit" or "budget" (meaningful when remaining_cny() is set).
const char* binding_limit(const model::OrgMoney& m);

// Whether an org's prepaid account may be opened (`prepaid`) or closed: false when it already
// is so (nothing to do); a conflict saying what is left when closing a balance that is not zero
// (money received is used or refunded first, a debt settled by a top-up).
Result<bool> may_set_prepaid(const model::OrgMoney& m, bool prepaid);

// The balance a credit entry of `amount_cny` leaves. A conflict when the org has no prepaid
// account, or when a negative entry would take back more than is available (balance - held):
// held money is spoken for by jobs in flight, so an entry never leaves the balance below what
// they may still be charged, nor below zero.
Result<double> balance_after_entry(const model::OrgMoney& m, double amount_cny);

// "¥12.30" / "-¥1.00": money in the sentences above.
std::string cny_text(double v);

}  // namespace suanwang::accounting
