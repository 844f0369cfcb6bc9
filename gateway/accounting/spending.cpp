// Budgets and prepaid credit (see spending.hpp).
#include "gateway/accounting/spending.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace suanwang::accounting {

std::optional<double> budget_left_cny(const model::OrgMoney& m) {
  if (!m.budget_cny) return std::nullopt;
  return *m.budget_cny - m.spent_cny - m.held_cny;
}

std::optional<double> credit_left_cny(const model::OrgMoney& m) {
  if (!m.credit_cny) return std::nullopt;
  return *m.credit_cny - m.held_cny;
}

std::optional<double> remaining_cny(const model::OrgMoney& m) {
  const auto b = budget_left_cny(m);
  const auto c = credit_left_cny(m);
  if (b && c) return std::min(*b, *c);
  return b ? b : c;
}

const char* binding_limit(const model::OrgMoney& m) {
  const auto b = budget_left_cny(m);
  const auto c = credit_left_cny(m);
  return c && (!b || *c < *b) ? "prepaid credit" : "budget";
}

std::string cny_text(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, v < 0 ? "-¥%.2f" : "¥%.2f", std::abs(v));
  return buf;
}

Result<bool> may_set_prepaid(const model::OrgMoney& m, bool prepaid) {
  const auto& credit = m.credit_cny;
  if (credit.has_value() == prepaid) return false;
  // Half a fen either way is zero: balances are sums of two-decimal amounts and job costs.
  if (credit && std::abs(*credit) >= 0.005) {
    return fail(Error::coded(Errc::conflict, "prepaid",
                             {*credit > 0 ? "credit.close_with_balance" : "credit.close_owed",
                              {{"balance", cny_text(*credit)}}}));
  }
  return true;
}

Result<double> balance_after_entry(const model::OrgMoney& m, double amount_cny) {
  const auto available = credit_left_cny(m);
  if (!available) {
    return fail(Error::coded(Errc::conflict, "", {"credit.no_account", {}}));
  }
  // Compared in whole fen: a balance left with a fraction of a fen by job charges can still be
  // refunded to (nearly) zero and the account closed.
  if (amount_cny < 0 && -amount_cny > *available + 0.005) {
    return fail(Error::coded(Errc::conflict, "amount_cny",
                             {"credit.correction_too_large",
                              {{"amount", cny_text(amount_cny)},
                               {"available", cny_text(std::max(0.0, *available))},
                               {"balance", cny_text(*m.credit_cny)},
                               {"held", cny_text(m.held_cny)}}}));
  }
  return *m.credit_cny + amount_cny;
}

}  // namespace suanwang::accounting
