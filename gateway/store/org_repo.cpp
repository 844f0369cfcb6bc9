// Org and API-key rows.
#include "gateway/store/org_repo.hpp"

#include <algorithm>

namespace suanwang::store {
namespace {
constexpr const char* kOrgCols = "id, name, kind, budget_cny, created_at";

model::Org read_org(const Statement& st, int c = 0) {
  model::Org o;
  o.id = st.text(c);
  o.name = st.text(c + 1);
  o.kind = model::parse_org_kind(st.text(c + 2)).value_or(model::OrgKind::user);
  o.budget_cny = st.opt_real(c + 3);
  o.created_at = from_unix_ms(st.int64(c + 4));
  return o;
}

ApiKeyRecord read_key(const Statement& st, int c = 0) {
  ApiKeyRecord k;
  k.id = st.text(c);
  k.org_id = st.text(c + 1);
  k.name = st.text(c + 2);
  k.prefix = st.text(c + 3);
  k.created_at = from_unix_ms(st.int64(c + 4));
  if (auto v = st.opt_int64(c + 5)) k.last_used_at = from_unix_ms(*v);
  if (auto v = st.opt_int64(c + 6)) k.revoked_at = from_unix_ms(*v);
  k.user_id = st.opt_text(c + 7);
  return k;
}

// budget_cny, spent_cny, held_cny, credit_cny from column 0.
model::OrgMoney read_money(const Statement& st) {
  model::OrgMoney m;
  m.budget_cny = st.opt_real(0);
  m.spent_cny = st.real(1);
  // Many additions and subtractions of estimates leave floating-point residue around zero.
  m.held_cny = std::max(0.0, st.real(2));
  if (m.held_cny < 1e-6) m.held_cny = 0;
  m.credit_cny = st.opt_real(3);
  return m;
}

CreditEntry read_credit_entry(const Statement& st) {
  CreditEntry e;
  e.id = st.text(0);
  e.org_id = st.text(1);
  e.at = from_unix_ms(st.int64(2));
  e.amount_cny = st.real(3);
  e.balance_cny = st.real(4);
  e.note = st.text(5);
  e.actor = st.text(6);
  return e;
}

Result<std::optional<model::Org>> find_one_org(Db& db, std::string_view sql, std::string_view arg) {
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  st->bind(1, arg);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::Org>{};
  return std::optional<model::Org>{read_org(*st)};
}
}  // namespace

Result<void> insert_org(Db& db, const model::Org& org) {
  auto st =
      db.prepare("INSERT INTO orgs (id, name, kind, budget_cny, created_at) VALUES (?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, org.id)
      .bind(2, org.name)
      .bind(3, model::org_kind_name(org.kind))
      .bind(4, org.budget_cny)
      .bind(5, to_unix_ms(org.created_at));
  auto r = st->run();
  if (!r && r.error().code == Errc::conflict) {
    return fail(
        Error::coded(Errc::already_exists, "name", {"org.name_taken", {{"name", org.name}}}));
  }
  return r;
}

Result<std::optional<model::Org>> find_org(Db& db, std::string_view id) {
  return find_one_org(db, "SELECT id, name, kind, budget_cny, created_at FROM orgs WHERE id = ?",
                      id);
}

Result<std::optional<model::Org>> find_org_by_name(Db& db, std::string_view name) {
  return find_one_org(db, "SELECT id, name, kind, budget_cny, created_at FROM orgs WHERE name = ?",
                      name);
}

Result<std::vector<model::Org>> list_orgs(Db& db) {
  auto st = db.prepare(std::string("SELECT ") + kOrgCols + " FROM orgs ORDER BY id");
  if (!st) return fail(st.error());
  std::vector<model::Org> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_org(*st));
  }
  return out;
}

Result<int64_t> count_orgs(Db& db) {
  auto st = db.prepare("SELECT COUNT(*) FROM orgs");
  if (!st) return fail(st.error());
  if (auto row = st->step(); !row) return fail(row.error());
  return st->int64(0);
}

Result<void> insert_api_key(Db& db, const ApiKeyRecord& key, std::string_view hash) {
  auto st = db.prepare(
      "INSERT INTO api_keys (id, org_id, name, prefix, hash, created_at, user_id)"
      " VALUES (?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, key.id)
      .bind(2, key.org_id)
      .bind(3, key.name)
      .bind(4, key.prefix)
      .bind(5, hash)
      .bind(6, to_unix_ms(key.created_at))
      .bind(7, key.user_id);
  return st->run();
}

Result<std::optional<KeyOwner>> find_active_key(Db& db, std::string_view hash) {
  auto st = db.prepare(
      "SELECT k.id, k.org_id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at,"
      " k.user_id, o.id, o.name, o.kind, o.budget_cny, o.created_at,"
      " COALESCE(u.email, ''), COALESCE(u.role, '')"
      " FROM api_keys k JOIN orgs o ON o.id = k.org_id LEFT JOIN users u ON u.id = k.user_id"
      " WHERE k.hash = ? AND k.revoked_at IS NULL"
      " AND (k.user_id IS NULL OR (u.id IS NOT NULL AND u.disabled_at IS NULL))");
  if (!st) return fail(st.error());
  st->bind(1, hash);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<KeyOwner>{};
  return std::optional<KeyOwner>{
      KeyOwner{read_key(*st, 0), read_org(*st, 8), st->text(13), st->text(14)}};
}

Result<std::vector<ApiKeyRecord>> list_api_keys(Db& db, std::string_view org_id) {
  auto st = db.prepare(
      "SELECT id, org_id, name, prefix, created_at, last_used_at, revoked_at, user_id"
      " FROM api_keys WHERE org_id = ? ORDER BY id");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  std::vector<ApiKeyRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_key(*st));
  }
  return out;
}

Result<std::optional<std::string>> find_api_key_org(Db& db, std::string_view key_id) {
  auto st = db.prepare("SELECT org_id FROM api_keys WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, key_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>{st->text(0)};
}

Result<bool> revoke_api_key(Db& db, std::string_view org_id, std::string_view key_id,
                            TimePoint at) {
  auto st = db.prepare(
      "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, key_id).bind(3, org_id);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes() > 0;
}

Result<void> touch_api_key(Db& db, std::string_view key_id, TimePoint at) {
  auto st = db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(at)).bind(2, key_id);
  return st->run();
}

Result<std::optional<model::OrgMoney>> find_org_money(Db& db, std::string_view org_id) {
  auto st = db.prepare("SELECT budget_cny, spent_cny, held_cny, credit_cny FROM orgs WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<model::OrgMoney>();
  return std::optional<model::OrgMoney>(read_money(*st));
}

Result<std::map<std::string, model::OrgMoney, std::less<>>> list_org_money(Db& db) {
  auto st = db.prepare("SELECT budget_cny, spent_cny, held_cny, credit_cny, id FROM orgs");
  if (!st) return fail(st.error());
  std::map<std::string, model::OrgMoney, std::less<>> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.emplace(st->text(4), read_money(*st));
  }
  return out;
}

Result<bool> set_budget(Db& db, std::string_view org_id, std::optional<double> budget_cny) {
  auto st = db.prepare("UPDATE orgs SET budget_cny = ? WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, budget_cny).bind(2, org_id);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes() > 0;
}

Result<void> move_org_money(Db& db, std::string_view org_id, double held_change_cny,
                            double charge_cny) {
  // Most writes of a job (moves within flight) change neither: the org row is left alone.
  if (held_change_cny == 0 && charge_cny == 0) return ok();
  auto st = db.prepare(
      "UPDATE orgs SET held_cny = held_cny + ?1, spent_cny = spent_cny + ?2,"
      " credit_cny = credit_cny - ?2 WHERE id = ?3");
  if (!st) return fail(st.error());
  st->bind(1, held_change_cny).bind(2, charge_cny).bind(3, org_id);
  return st->run();
}

Result<bool> set_prepaid_account(Db& db, std::string_view org_id, bool prepaid) {
  auto st = db.prepare(prepaid ? "UPDATE orgs SET credit_cny = 0 WHERE id = ?"
                               : "UPDATE orgs SET credit_cny = NULL WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, org_id);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes() > 0;
}

Result<void> insert_credit_entry(Db& db, const CreditEntry& entry) {
  auto move = db.prepare("UPDATE orgs SET credit_cny = credit_cny + ? WHERE id = ?");
  if (!move) return fail(move.error());
  move->bind(1, entry.amount_cny).bind(2, entry.org_id);
  if (auto r = move->run(); !r) return fail(r.error());
  auto ins = db.prepare(
      "INSERT INTO credit_entries (id, org_id, at, amount_cny, balance_cny, note, actor)"
      " VALUES (?,?,?,?,?,?,?)");
  if (!ins) return fail(ins.error());
  ins->bind(1, entry.id)
      .bind(2, entry.org_id)
      .bind(3, to_unix_ms(entry.at))
      .bind(4, entry.amount_cny)
      .bind(5, entry.balance_cny)
      .bind(6, entry.note)
      .bind(7, entry.actor);
  return ins->run();
}

Result<std::vector<CreditEntry>> list_credit_entries(Db& db, std::string_view org_id,
                                                     std::optional<std::string> before_id,
                                                     int limit) {
  // Newest first by time, then by insertion (rowid) for entries of the same millisecond; the
  // (org_id, at) index holds the rowid, so this walks it backwards without sorting.
  auto st = db.prepare(
      "SELECT id, org_id, at, amount_cny, balance_cny, note, actor FROM credit_entries"
      " WHERE org_id = ?1 AND (?2 IS NULL OR (at, rowid) < (SELECT at, rowid FROM credit_entries"
      " WHERE id = ?2 AND org_id = ?1)) ORDER BY at DESC, rowid DESC LIMIT ?3");
  if (!st) return fail(st.error());
  st->bind(1, org_id).bind(2, before_id).bind(3, limit);
  std::vector<CreditEntry> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_credit_entry(*st));
  }
  return out;
}

}  // namespace suanwang::store
