// Orgs and their money (see org_service.hpp).
#include "gateway/services/org_service.hpp"

#include <cmath>

#include "gateway/accounting/spending.hpp"
#include "gateway/core/json.hpp"
#include "gateway/services/credit_service.hpp"
#include "gateway/services/not_found.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

std::optional<double> BudgetState::credit_left_cny() const {
  return accounting::credit_left_cny(*this);
}
std::optional<double> BudgetState::remaining_cny() const {
  return accounting::remaining_cny(*this);
}
const char* BudgetState::binding_limit() const {
  return accounting::binding_limit(*this);
}

namespace {

constexpr double kMaxCreditEntryCny = 1e12;
constexpr std::size_t kMaxCreditNoteBytes = 200;

// What the audit log records of a new org: the org as the API shows it.
Json org_audit_detail(const model::Org& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"kind", model::org_kind_name(o.kind)},
          {"budget_cny", o.budget_cny ? Json(round_cny(*o.budget_cny)) : Json(nullptr)},
          {"created_at", format_rfc3339(o.created_at)}};
}

Result<OrgAccount> read_account(store::Db& db, const std::string& id) {
  auto org = store::find_org(db, id);
  if (!org) return fail(org.error());
  if (!*org) return fail(no_org(id));
  OrgAccount out{std::move(**org), std::nullopt};
  if (auto b = store::find_org_money(db, id); b && *b) out.money = BudgetState(**b);
  return out;
}

}  // namespace

asio::awaitable<Result<model::Org>> OrgService::create(const Caller& caller,
                                                       const Result<Json>& body) {
  if (!caller.who.is_admin()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"org.create_admin_only", {}}));
  }
  if (!body) co_return fail(body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return fail(v.error());
  if (auto v = r.reject_unknown({"name", "kind", "budget_cny"}); !v) co_return fail(v.error());
  auto name = r.string("name", 64);
  if (!name) co_return fail(name.error());
  auto kind = r.string("kind", 16);
  if (!kind) co_return fail(kind.error());
  auto k = model::parse_org_kind(*kind);
  if (!k) co_return fail(Error::invalid_coded("kind", {"org.kind", {{"kind", *kind}}}));
  auto budget = r.opt_number("budget_cny", 0, 1e12);
  if (!budget) co_return fail(budget.error());
  model::Org org{ids_.next("org"), *name, *k, *budget, clock_.now()};
  const AuditEntry created =
      audit_.entry(caller, "org.create", "org", org.id, org.id, org_audit_detail(org));
  auto ins = co_await store_.run([&](store::Db& db) {
    return db.transaction([&]() -> Result<void> {
      if (auto r = store::insert_org(db, org); !r) return r;
      return store::insert_audit(db, created);
    });
  });
  if (!ins) co_return fail(ins.error());
  co_return org;
}

asio::awaitable<Result<Page<OrgAccount>>> OrgService::list(const auth::Principal& who,
                                                           const PageRequest& page) {
  auto all = co_await store_.run([&](store::Db& db) -> Result<std::vector<OrgAccount>> {
    auto orgs = store::list_orgs(db);
    if (!orgs) return fail(orgs.error());
    auto money = store::list_org_money(db);
    if (!money) return fail(money.error());
    std::vector<OrgAccount> out;
    for (auto& o : *orgs) {
      if (!who.owns(o.id)) continue;
      std::optional<BudgetState> m;
      if (auto it = money->find(o.id); it != money->end()) m = BudgetState(it->second);
      out.push_back(OrgAccount{std::move(o), std::move(m)});
    }
    return out;
  });
  if (!all) co_return fail(all.error());
  co_return page_of(std::move(*all), page,
                    [](const OrgAccount& a) -> const std::string& { return a.org.id; });
}

asio::awaitable<Result<OrgAccount>> OrgService::find(const auth::Principal& who,
                                                     const std::string& id) {
  if (!who.owns(id)) co_return fail(no_org(id));
  co_return co_await store_.run([&](store::Db& db) { return read_account(db, id); });
}

asio::awaitable<Result<void>> OrgService::exists(const std::string& id) {
  auto org = co_await store_.run([&](store::Db& db) { return store::find_org(db, id); });
  if (!org) co_return fail(org.error());
  if (!*org) co_return fail(no_org(id));
  co_return ok();
}

asio::awaitable<Result<OrgAccount>> OrgService::update(const Caller& caller, const std::string& id,
                                                       const Result<Json>& body) {
  if (!caller.who.owns(id)) co_return fail(no_org(id));
  if (!caller.who.is_admin()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"org.update_admin_only", {}}));
  }
  if (!body) co_return fail(body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return fail(v.error());
  if (auto v = r.reject_unknown({"budget_cny", "prepaid"}); !v) co_return fail(v.error());
  if (!r.has("budget_cny") && !r.has("prepaid")) {
    co_return fail(Error::invalid_coded("budget_cny", {"org.update_empty", {}}));
  }
  std::optional<double> budget;
  if (r.has("budget_cny") && !(*body)["budget_cny"].is_null()) {
    auto b = r.opt_number("budget_cny", 0, 1e12);
    if (!b) co_return fail(b.error());
    budget = *b;
  }
  auto prepaid = r.opt_bool("prepaid");
  if (!prepaid) co_return fail(prepaid.error());
  const bool set_budget = r.has("budget_cny");
  std::optional<AuditEntry> prepaid_entry;
  if (*prepaid) {
    std::string action = **prepaid ? "org.prepaid_open" : "org.prepaid_close";
    prepaid_entry =
        audit_.entry(caller, std::move(action), "org", id, id, {{"prepaid", **prepaid}});
  }
  const AuditEntry budget_entry =
      audit_.entry(caller, "org.update", "org", id, id,
                   {{"budget_cny", budget ? Json(*budget) : Json(nullptr)}});
  // One transaction: the account first, so a refused close (409) leaves the budget as it was.
  auto done = co_await store_.run([&](store::Db& db) -> Result<OrgAccount> {
    return db.transaction([&]() -> Result<OrgAccount> {
      if (prepaid_entry) {
        auto changed = set_prepaid(db, id, **prepaid);  // credit_service: accounting's rule
        if (!changed) {
          Error err = changed.error();
          if (err.code == Errc::conflict) err.field = "prepaid";
          return fail(std::move(err));
        }
        if (*changed) {
          if (auto a = store::insert_audit(db, *prepaid_entry); !a) return fail(a.error());
        }
      }
      if (set_budget) {
        auto changed = store::set_budget(db, id, budget);
        if (!changed) return fail(changed.error());
        if (!*changed) return fail(no_org(id));
        if (auto a = store::insert_audit(db, budget_entry); !a) return fail(a.error());
      }
      return read_account(db, id);
    });
  });
  co_return done;
}

asio::awaitable<Result<CreditAccount>> OrgService::credit(const auth::Principal& who,
                                                          const std::string& id,
                                                          const PageRequest& page) {
  if (!who.owns(id)) co_return fail(no_org(id));
  if (page.token && !is_valid_id(*page.token, "cre")) co_return fail(malformed_page_token());
  const int limit = page.size + 1;  // one more than asked: is there a next page?
  auto account = co_await store_.run([&](store::Db& db) -> Result<CreditAccount> {
    auto state = store::find_org_money(db, id);
    if (!state) return fail(state.error());
    if (!*state) return fail(no_org(id));
    auto rows = store::list_credit_entries(db, id, page.token, limit);
    if (!rows) return fail(rows.error());
    return CreditAccount{
        BudgetState(**state),
        trim_page(std::move(*rows), page.size,
                  [](const CreditEntry& e) -> const std::string& { return e.id; })};
  });
  co_return account;
}

asio::awaitable<Result<CreditEntry>> OrgService::add_credit(const Caller& caller,
                                                            const std::string& id,
                                                            const Result<Json>& body) {
  if (!caller.who.owns(id)) co_return fail(no_org(id));
  if (!caller.who.is_admin()) {
    co_return fail(Error::coded(Errc::forbidden, "", {"credit.admin_only", {}}));
  }
  if (!body) co_return fail(body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return fail(v.error());
  if (auto v = r.reject_unknown({"amount_cny", "note"}); !v) co_return fail(v.error());
  auto amount = r.number("amount_cny", -kMaxCreditEntryCny, kMaxCreditEntryCny);
  if (!amount) co_return fail(amount.error());
  // Money is kept in fen: an amount with a fraction of a fen is a typo, not a payment.
  const double fen = *amount * 100.0;
  if (*amount == 0 || std::abs(fen - std::round(fen)) > 1e-6) {
    co_return fail(Error::invalid_coded("amount_cny", {"credit.amount", {}}));
  }
  auto note = r.opt_string("note", kMaxCreditNoteBytes);
  if (!note) co_return fail(note.error());
  if (*amount < 0 && note->value_or("").empty()) {
    co_return fail(Error::invalid_coded("note", {"credit.correction_note", {}}));
  }
  CreditEntry e;
  e.id = ids_.next("cre");
  e.org_id = id;
  e.at = clock_.now();
  e.amount_cny = std::round(fen) / 100.0;
  e.note = note->value_or("");
  e.actor = caller.who.user_id.empty() ? caller.who.key_id : caller.who.email;
  // The audit entry names the balance the entry left, known only inside the transaction.
  AuditEntry entry = audit_.entry(caller, "org.credit", "org", id, id);
  auto added = co_await store_.run([&](store::Db& db) -> Result<CreditEntry> {
    return db.transaction([&]() -> Result<CreditEntry> {
      auto a = add_credit_entry(db, e);  // credit_service: accounting's rule
      if (!a) return a;
      AuditEntry full = entry;
      full.detail["entry_id"] = a->id;
      full.detail["amount_cny"] = a->amount_cny;
      full.detail["balance_cny"] = round_cny(a->balance_cny);
      full.detail["note"] = a->note;
      if (auto w = store::insert_audit(db, full); !w) return fail(w.error());
      return a;
    });
  });
  if (!added) {
    Error err = added.error();
    if (err.code == Errc::conflict) err.field = "amount_cny";
    co_return fail(std::move(err));
  }
  co_return std::move(*added);
}

}  // namespace suanwang::services
