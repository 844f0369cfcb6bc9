// Prepaid credit (see credit_service.hpp).
#include "gateway/services/credit_service.hpp"

#include <string>

#include "gateway/accounting/spending.hpp"
#include "gateway/services/not_found.hpp"

namespace suanwang::services {

Result<bool> set_prepaid(store::Db& db, std::string_view org_id, bool prepaid) {
  return db.transaction([&]() -> Result<bool> {
    auto money = store::find_org_money(db, org_id);
    if (!money) return fail(money.error());
    if (!*money) return fail(no_org(std::string(org_id)));
    auto may = accounting::may_set_prepaid(**money, prepaid);
    if (!may || !*may) return may;
    return store::set_prepaid_account(db, org_id, prepaid);
  });
}

Result<store::CreditEntry> add_credit_entry(store::Db& db, store::CreditEntry entry) {
  return db.transaction([&]() -> Result<store::CreditEntry> {
    auto money = store::find_org_money(db, entry.org_id);
    if (!money) return fail(money.error());
    if (!*money) return fail(no_org(entry.org_id));
    auto balance = accounting::balance_after_entry(**money, entry.amount_cny);
    if (!balance) return fail(balance.error());
    entry.balance_cny = *balance;
    if (auto r = store::insert_credit_entry(db, entry); !r) return fail(r.error());
    return entry;
  });
}

}  // namespace suanwang::services
