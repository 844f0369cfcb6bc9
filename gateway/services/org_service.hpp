// OrgService: orgs and their money — create and list orgs, set an org's budget, open and close
// its prepaid account, and record prepaid credit. Another org's objects are not_found (ids do
// not leak). Each change is one transaction with its audit entries.
//
// Operations that take a request body take it as parsed (or as the error of parsing it) and
// look at it only after the caller's rights: a caller without them learns nothing from the
// body's shape.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/model/org.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::services {

// An org's money as stored (model::OrgMoney) with what it leaves to spend, as accounting rules
// it (gateway/accounting/spending): the api reads these without linking accounting.
struct BudgetState : model::OrgMoney {
  BudgetState() = default;
  explicit BudgetState(const model::OrgMoney& m) : model::OrgMoney(m) {}
  std::optional<double> credit_left_cny() const;  // accounting::credit_left_cny
  std::optional<double> remaining_cny() const;    // accounting::remaining_cny
  const char* binding_limit() const;              // accounting::binding_limit
};
using CreditEntry = store::CreditEntry;

// An org with its money (none when it could not be read).
struct OrgAccount {
  model::Org org;
  std::optional<BudgetState> money;
};

// An org's prepaid account: its money and one page of its entries, newest first.
struct CreditAccount {
  BudgetState money;
  Page<CreditEntry> entries;
};

class OrgService {
 public:
  OrgService(store::Store& store, IdGenerator& ids, const Clock& clock, AuditService& audit)
      : store_(store), ids_(ids), clock_(clock), audit_(audit) {}

  // Admins only: {name, kind, budget_cny?}.
  boost::asio::awaitable<Result<model::Org>> create(const Caller& caller, const Result<Json>& body);
  // The orgs the caller may see (admins: all; others: their own), in id order.
  boost::asio::awaitable<Result<Page<OrgAccount>>> list(const auth::Principal& who,
                                                        const PageRequest& page);
  boost::asio::awaitable<Result<OrgAccount>> find(const auth::Principal& who,
                                                  const std::string& id);
  // Admins set ("budget_cny": n) or remove (null) an org's budget, and open ("prepaid": true)
  // or close (false, only at a zero balance) its prepaid account; a refused close leaves the
  // budget as it was too.
  boost::asio::awaitable<Result<OrgAccount>> update(const Caller& caller, const std::string& id,
                                                    const Result<Json>& body);
  // Whether an org exists (for the other services: users and keys of an org).
  boost::asio::awaitable<Result<void>> exists(const std::string& id);

  // The org's prepaid account (the org itself and admins).
  boost::asio::awaitable<Result<CreditAccount>> credit(const auth::Principal& who,
                                                       const std::string& id,
                                                       const PageRequest& page);
  // Admins record money received (> 0) or a correction or refund (< 0, with a note):
  // {amount_cny, note?}. Returns the entry with the balance it left.
  boost::asio::awaitable<Result<CreditEntry>> add_credit(const Caller& caller,
                                                         const std::string& id,
                                                         const Result<Json>& body);

 private:
  store::Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  AuditService& audit_;
};

}  // namespace suanwang::services
