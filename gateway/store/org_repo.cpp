// Org and API-key rows.
#include "gateway/store/org_repo.hpp"

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
    return fail(Error{Errc::already_exists, "an org named '" + org.name + "' exists", "name"});
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

Result<std::optional<BudgetState>> budget_state(Db& db, std::string_view org_id,
                                                std::string_view except_job) {
  auto st = db.prepare(
      "SELECT o.budget_cny, o.spent_cny, (SELECT COALESCE(SUM(j.estimated_cost_cny), 0) FROM jobs j"
      " WHERE j.org_id = o.id AND j.state IN ('pending', 'placed', 'submitted', 'running')"
      " AND j.id <> ?) FROM orgs o WHERE o.id = ?");
  if (!st) return fail(st.error());
  st->bind(1, except_job).bind(2, org_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<BudgetState>();
  BudgetState b;
  b.budget_cny = st->opt_real(0);
  b.spent_cny = st->real(1);
  b.held_cny = st->real(2);
  return std::optional<BudgetState>(b);
}

Result<bool> set_budget(Db& db, std::string_view org_id, std::optional<double> budget_cny) {
  auto st = db.prepare("UPDATE orgs SET budget_cny = ? WHERE id = ?");
  if (!st) return fail(st.error());
  st->bind(1, budget_cny).bind(2, org_id);
  if (auto r = st->run(); !r) return fail(r.error());
  return db.changes() > 0;
}

}  // namespace suanwang::store
