// Orgs and API keys: /api/v1/orgs, /api/v1/api-keys.
#include "gateway/accounting/spending.hpp"
#include "gateway/api/api.hpp"
#include "gateway/auth/api_key.hpp"
#include "gateway/services/credit_service.hpp"
#include "gateway/store/org_repo.hpp"

namespace suanwang::api {
namespace {

Json org_json(const model::Org& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"kind", model::org_kind_name(o.kind)},
          {"budget_cny", o.budget_cny ? Json(round_cny(*o.budget_cny)) : Json(nullptr)},
          {"created_at", format_rfc3339(o.created_at)}};
}

// An org's money next to its identity: charged so far, held by its jobs in flight (their
// estimates), its prepaid balance and what that leaves (null without a prepaid account), and
// what it may still commit to a job (the smaller of budget and credit left; null = no limit).
void add_money(Json& out, const model::OrgMoney& b) {
  auto cny = [](std::optional<double> v) { return v ? Json(round_cny(*v)) : Json(nullptr); };
  const auto remaining = accounting::remaining_cny(b);
  out["spent_cny"] = round_cny(b.spent_cny);
  out["held_cny"] = round_cny(b.held_cny);
  out["remaining_cny"] = cny(remaining);
  out["prepaid"] = b.credit_cny.has_value();
  out["credit_cny"] = cny(b.credit_cny);
  out["available_cny"] = cny(accounting::credit_left_cny(b));
  out["limited_by"] = remaining ? Json(accounting::binding_limit(b)) : Json(nullptr);
}

boost::asio::awaitable<Json> org_with_money(ApiContext& c, model::Org org) {
  Json out = org_json(org);
  const std::string id = org.id;
  auto b = co_await c.store.run([&](store::Db& db) { return store::find_org_money(db, id); });
  if (b && *b) add_money(out, **b);
  co_return out;
}

Json key_json(const store::ApiKeyRecord& k) {
  return {{"id", k.id},
          {"org_id", k.org_id},
          {"user_id", k.user_id ? Json(*k.user_id) : Json(nullptr)},
          {"name", k.name},
          {"prefix", k.prefix},
          {"created_at", format_rfc3339(k.created_at)},
          {"last_used_at", k.last_used_at ? Json(format_rfc3339(*k.last_used_at)) : Json(nullptr)},
          {"revoked_at", k.revoked_at ? Json(format_rfc3339(*k.revoked_at)) : Json(nullptr)}};
}

Awaitable create_org(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  if (!who->is_admin()) co_return problem(rc, Error::forbidden("only admins create orgs"));
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return problem(rc, v.error());
  if (auto v = r.reject_unknown({"name", "kind", "budget_cny"}); !v)
    co_return problem(rc, v.error());
  auto name = r.string("name", 64);
  if (!name) co_return problem(rc, name.error());
  auto kind = r.string("kind", 16);
  if (!kind) co_return problem(rc, kind.error());
  auto k = model::parse_org_kind(*kind);
  if (!k) co_return problem(rc, Error::invalid("kind", "kind must be operator, user or admin"));
  auto budget = r.opt_number("budget_cny", 0, 1e12);
  if (!budget) co_return problem(rc, budget.error());
  model::Org org{c.ids.next("org"), *name, *k, *budget, c.clock.now()};
  auto ins = co_await c.store.run([&](store::Db& db) { return store::insert_org(db, org); });
  if (!ins) co_return problem(rc, ins.error());
  Json detail = org_json(org);
  co_await audit(c, rc, *who, "org.create", "org", org.id, org.id, detail);
  co_return json(rc, Status::created, org_json(org));
}

Awaitable list_orgs(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto orgs = co_await c.store.run([&](store::Db& db) { return store::list_orgs(db); });
  if (!orgs) co_return problem(rc, orgs.error());
  auto money = co_await c.store.run([&](store::Db& db) { return store::list_org_money(db); });
  if (!money) co_return problem(rc, money.error());
  Json items = Json::array();
  for (const auto& o : *orgs) {
    if (!who->owns(o.id)) continue;
    Json item = org_json(o);
    if (auto m = money->find(o.id); m != money->end()) add_money(item, m->second);
    items.push_back(std::move(item));
  }
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", nullptr}});
}

Awaitable get_org(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  if (!who->owns(id)) co_return problem(rc, Error::not_found("no org " + id));
  auto org = co_await c.store.run([&](store::Db& db) { return store::find_org(db, id); });
  if (!org) co_return problem(rc, org.error());
  if (!*org) co_return problem(rc, Error::not_found("no org " + id));
  Json out = co_await org_with_money(c, **org);
  co_return json(rc, Status::ok, out);
}

// PATCH /api/v1/orgs/{id}: an admin sets ("budget_cny": n) or removes (null) an org's budget,
// and opens ("prepaid": true) or closes (false, only at a zero balance) its prepaid account.
Awaitable update_org(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  if (!who->owns(id)) co_return problem(rc, Error::not_found("no org " + id));
  if (!who->is_admin()) {
    co_return problem(rc, Error::forbidden("only admins change budgets and prepaid accounts"));
  }
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return problem(rc, v.error());
  if (auto v = r.reject_unknown({"budget_cny", "prepaid"}); !v) co_return problem(rc, v.error());
  if (!r.has("budget_cny") && !r.has("prepaid")) {
    co_return problem(
        rc, Error::invalid("budget_cny", "budget_cny (null removes it) or prepaid is required"));
  }
  std::optional<double> budget;
  if (r.has("budget_cny") && !(*body)["budget_cny"].is_null()) {
    auto b = r.opt_number("budget_cny", 0, 1e12);
    if (!b) co_return problem(rc, b.error());
    budget = *b;
  }
  auto prepaid = r.opt_bool("prepaid");
  if (!prepaid) co_return problem(rc, prepaid.error());
  // The account first: a refused close (409) leaves the budget as it was too.
  if (*prepaid) {
    auto set = co_await c.store.run(
        [&](store::Db& db) { return services::set_prepaid(db, id, **prepaid); });
    if (!set) {
      Error err = set.error();
      if (err.code == Errc::conflict) err.field = "prepaid";
      co_return problem(rc, err);
    }
    if (*set) {
      Json detail = {{"prepaid", **prepaid}};
      // Named first: no conditional temporaries inside co_await (core/coro.hpp).
      const std::string action = **prepaid ? "org.prepaid_open" : "org.prepaid_close";
      co_await audit(c, rc, *who, action, "org", id, id, detail);
    }
  }
  if (r.has("budget_cny")) {
    auto set =
        co_await c.store.run([&](store::Db& db) { return store::set_budget(db, id, budget); });
    if (!set) co_return problem(rc, set.error());
    if (!*set) co_return problem(rc, Error::not_found("no org " + id));
    Json detail = {{"budget_cny", budget ? Json(*budget) : Json(nullptr)}};
    co_await audit(c, rc, *who, "org.update", "org", id, id, detail);
  }
  auto org = co_await c.store.run([&](store::Db& db) { return store::find_org(db, id); });
  if (!org || !*org) co_return problem(rc, Error::not_found("no org " + id));
  Json out = co_await org_with_money(c, **org);
  co_return json(rc, Status::ok, out);
}

Awaitable create_key(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  auto body = json_body(c, rc);
  if (!body) co_return problem(rc, body.error());
  JsonReader r(*body, "");
  if (auto v = r.expect_object(); !v) co_return problem(rc, v.error());
  if (auto v = r.reject_unknown({"name", "org_id"}); !v) co_return problem(rc, v.error());
  auto name = r.string("name", 64);
  if (!name) co_return problem(rc, name.error());
  auto org_id = r.opt_string("org_id", 64);
  if (!org_id) co_return problem(rc, org_id.error());
  std::string org = org_id->value_or(who->org_id);
  if (!who->owns(org)) co_return problem(rc, Error::not_found("no org " + org));
  // A signed-in user's keys are the user's own (named keys, revoked with the user); an org
  // member may only make keys for itself.
  if (!who->is_admin() && !who->is_org_admin() && who->user_id.empty()) {
    co_return problem(rc, Error::forbidden("this key may not create keys"));
  }
  auto exists = co_await c.store.run([&](store::Db& db) { return store::find_org(db, org); });
  if (!exists) co_return problem(rc, exists.error());
  if (!*exists) co_return problem(rc, Error::not_found("no org " + org));
  const auto key = auth::generate_api_key(c.random);
  store::ApiKeyRecord rec{c.ids.next("key"), org, *name, key.prefix, c.clock.now(), {}, {}};
  if (!who->user_id.empty() && org == who->org_id) rec.user_id = who->user_id;
  auto ins =
      co_await c.store.run([&](store::Db& db) { return store::insert_api_key(db, rec, key.hash); });
  if (!ins) co_return problem(rc, ins.error());
  Json detail = {{"name", rec.name}, {"prefix", rec.prefix}};
  co_await audit(c, rc, *who, "api_key.create", "api_key", rec.id, org, detail);
  Json out = key_json(rec);
  out["key"] = key.secret;  // the only time it is ever shown
  co_return json(rc, Status::created, out);
}

Awaitable list_keys(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string org = rc.query_param("org_id").value_or(who->org_id);
  if (!who->owns(org)) co_return problem(rc, Error::not_found("no org " + org));
  auto keys = co_await c.store.run([&](store::Db& db) { return store::list_api_keys(db, org); });
  if (!keys) co_return problem(rc, keys.error());
  // Members see their own keys; org admins and platform admins every key of the org.
  const bool all = who->is_admin() || who->is_org_admin();
  Json items = Json::array();
  for (const auto& k : *keys) {
    if (all || k.user_id == who->user_id) items.push_back(key_json(k));
  }
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", nullptr}});
}

Awaitable revoke_key(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  const std::string id = rc.param("id");
  // Admins may revoke any key: look up its org first.
  std::string org = who->org_id;
  if (who->is_admin()) {
    auto all = co_await c.store.run([&](store::Db& db) -> Result<std::string> {
      auto st = db.prepare("SELECT org_id FROM api_keys WHERE id = ?");
      if (!st) return fail(st.error());
      st->bind(1, id);
      auto row = st->step();
      if (!row) return fail(row.error());
      return *row ? st->text(0) : std::string();
    });
    if (all && !all->empty()) org = *all;
  } else if (!who->is_org_admin()) {
    // A member revokes only its own keys; another member's key is "no such key".
    auto mine = co_await c.store.run([&](store::Db& db) { return store::list_api_keys(db, org); });
    if (!mine) co_return problem(rc, mine.error());
    const bool own = std::any_of(mine->begin(), mine->end(), [&](const auto& k) {
      return k.id == id && k.user_id && *k.user_id == who->user_id;
    });
    if (!own) co_return problem(rc, Error::not_found("no active key " + id));
  }
  const TimePoint now = c.clock.now();
  auto done =
      co_await c.store.run([&](store::Db& db) { return store::revoke_api_key(db, org, id, now); });
  if (!done) co_return problem(rc, done.error());
  if (!*done) co_return problem(rc, Error::not_found("no active key " + id));
  c.auth.forget_key(id);
  co_await audit(c, rc, *who, "api_key.revoke", "api_key", id, org);
  http::Response res{Status::no_content, rc.request.version()};
  co_return res;
}

}  // namespace

void register_orgs(http::Router& r, ApiContext& c) {
  r.add(Verb::post, "/api/v1/orgs", bind(c, create_org));
  r.add(Verb::get, "/api/v1/orgs", bind(c, list_orgs));
  r.add(Verb::get, "/api/v1/orgs/{id}", bind(c, get_org));
  r.add(Verb::patch, "/api/v1/orgs/{id}", bind(c, update_org));
  r.add(Verb::post, "/api/v1/api-keys", bind(c, create_key));
  r.add(Verb::get, "/api/v1/api-keys", bind(c, list_keys));
  r.add(Verb::delete_, "/api/v1/api-keys/{id}", bind(c, revoke_key));
}

}  // namespace suanwang::api
