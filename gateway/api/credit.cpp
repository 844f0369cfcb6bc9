// An org's prepaid credit: /api/v1/orgs/{id}/credit.
//   GET   the balance, what jobs in flight hold of it, what that leaves, and the entries (top-ups
//         and corrections), newest first; for the org itself and platform admins.
//   POST  {amount_cny, note}: platform admins record money received (> 0) or a correction or
//         refund (< 0, with a note saying why). The account is opened and closed with
//         PATCH /api/v1/orgs/{id} {"prepaid": true|false}; jobs are charged as they end.
#include <cmath>

#include "gateway/accounting/spending.hpp"
#include "gateway/api/api.hpp"
#include "gateway/services/credit_service.hpp"
#include "gateway/store/org_repo.hpp"

namespace suanwang::api {
namespace {

constexpr double kMaxEntryCny = 1e12;
constexpr std::size_t kMaxNoteBytes = 200;

Json entry_json(const store::CreditEntry& e) {
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

Awaitable get_credit(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  if (!who->owns(id)) co_return problem(rc, Error::not_found("no org " + id));
  auto size = page_size(rc);
  if (!size) co_return problem(rc, size.error());
  std::optional<std::string> before = rc.query_param("page_token");
  if (before && !is_valid_id(*before, "cre")) {
    co_return problem(rc, Error::invalid("page_token", "malformed page_token"));
  }
  auto state = co_await c.store.run([&](store::Db& db) { return store::find_org_money(db, id); });
  if (!state) co_return problem(rc, state.error());
  if (!*state) co_return problem(rc, Error::not_found("no org " + id));
  const int limit = *size + 1;  // one more than asked: is there a next page?
  auto rows = co_await c.store.run(
      [&](store::Db& db) { return store::list_credit_entries(db, id, before, limit); });
  if (!rows) co_return problem(rc, rows.error());
  const bool more = static_cast<int>(rows->size()) > *size;
  if (more) rows->resize(*size);
  Json items = Json::array();
  for (const auto& e : *rows) items.push_back(entry_json(e));
  const Json next = more ? Json(rows->back().id) : Json(nullptr);
  const model::OrgMoney& b = **state;
  co_return json(rc, Status::ok,
                 {{"org_id", id},
                  {"prepaid", b.credit_cny.has_value()},
                  {"balance_cny", cny_or_null(b.credit_cny)},
                  {"held_cny", round_cny(b.held_cny)},
                  {"available_cny", cny_or_null(accounting::credit_left_cny(b))},
                  {"items", items},
                  {"next_page_token", next}});
}

Awaitable add_credit(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  if (!who->owns(id)) co_return problem(rc, Error::not_found("no org " + id));
  if (!who->is_admin()) {
    co_return problem(rc, Error::forbidden("only platform admins record prepaid credit"));
  }
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return problem(rc, v.error());
  if (auto v = r.reject_unknown({"amount_cny", "note"}); !v) co_return problem(rc, v.error());
  auto amount = r.number("amount_cny", -kMaxEntryCny, kMaxEntryCny);
  if (!amount) co_return problem(rc, amount.error());
  // Money is kept in fen: an amount with a fraction of a fen is a typo, not a payment.
  const double fen = *amount * 100.0;
  if (*amount == 0 || std::abs(fen - std::round(fen)) > 1e-6) {
    co_return problem(rc, Error::invalid("amount_cny",
                                         "amount_cny must be a non-zero amount in yuan with at "
                                         "most two decimals (negative for a correction)"));
  }
  auto note = r.opt_string("note", kMaxNoteBytes);
  if (!note) co_return problem(rc, note.error());
  if (*amount < 0 && note->value_or("").empty()) {
    co_return problem(rc, Error::invalid("note",
                                         "a correction (a negative amount) needs a note "
                                         "saying why"));
  }
  store::CreditEntry e;
  e.id = c.ids.next("cre");
  e.org_id = id;
  e.at = c.clock.now();
  e.amount_cny = std::round(fen) / 100.0;
  e.note = note->value_or("");
  e.actor = who->user_id.empty() ? who->key_id : who->email;
  auto added =
      co_await c.store.run([&](store::Db& db) { return services::add_credit_entry(db, e); });
  if (!added) {
    Error err = added.error();
    if (err.code == Errc::conflict) err.field = "amount_cny";
    co_return problem(rc, err);
  }
  Json detail = {{"entry_id", added->id},
                 {"amount_cny", added->amount_cny},
                 {"balance_cny", round_cny(added->balance_cny)},
                 {"note", added->note}};
  co_await audit(c, rc, *who, "org.credit", "org", id, id, detail);
  co_return json(rc, Status::created, entry_json(*added));
}

}  // namespace

void register_credit(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/orgs/{id}/credit", bind(c, get_credit));
  r.add(Verb::post, "/api/v1/orgs/{id}/credit", bind(c, add_credit));
}

}  // namespace suanwang::api
