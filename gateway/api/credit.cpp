// An org's prepaid credit: /api/v1/orgs/{id}/credit (services::OrgService).
//   GET   the balance, what jobs in flight hold of it, what that leaves, and the entries (top-ups
//         and corrections), newest first; for the org itself and platform admins.
//   POST  {amount_cny, note}: platform admins record money received (> 0) or a correction or
//         refund (< 0, with a note saying why). The account is opened and closed with
//         PATCH /api/v1/orgs/{id} {"prepaid": true|false}; jobs are charged as they end.
#include "gateway/api/api.hpp"

#include "gateway/services/not_found.hpp"

namespace suanwang::api {
namespace {

Json credit_entry_json(const services::CreditEntry& e) {
  return {{"id", e.id},
          {"org_id", e.org_id},
          {"at", format_rfc3339(e.at)},
          {"amount_cny", round_cny(e.amount_cny)},
          {"balance_cny", round_cny(e.balance_cny)},
          {"note", e.note},
          {"actor", e.actor}};
}

Json cny_or_null(std::optional<double> v) {
  return v ? Json(round_cny(*v)) : Json(nullptr);
}

Awaitable get_credit(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const std::string id = rc.param("id");
  if (!who.owns(id)) co_return problem(rc, services::no_org(id));
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto account = co_await c.services.orgs.credit(who, id, *page);
  if (!account) co_return problem(rc, account.error());
  const services::BudgetState& b = account->money;
  Json out = page_json(account->entries, credit_entry_json);
  out["org_id"] = id;
  out["prepaid"] = b.credit_cny.has_value();
  out["balance_cny"] = cny_or_null(b.credit_cny);
  out["held_cny"] = round_cny(b.held_cny);
  out["available_cny"] = cny_or_null(b.credit_left_cny());
  co_return json(rc, Status::ok, out);
}

Awaitable add_credit(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  const auto body = json_body(c, rc);
  auto added = co_await c.services.orgs.add_credit(caller_of(rc, who), rc.param("id"), body);
  if (!added) co_return problem(rc, added.error());
  co_return json(rc, Status::created, credit_entry_json(*added));
}

}  // namespace

void register_credit(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/orgs/{id}/credit", bind(c, get_credit));
  r.add(Verb::post, "/api/v1/orgs/{id}/credit", bind(c, add_credit));
}

}  // namespace suanwang::api
