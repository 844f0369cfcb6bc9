// Audit rows (see audit_repo.hpp).
#include "gateway/store/audit_repo.hpp"

namespace suanwang::store {

Result<void> insert_audit(Db& db, const AuditEntry& e) {
  auto st = db.prepare(
      "INSERT INTO audit_log (at, actor_org_id, actor_user_id, actor_key_id, remote, action,"
      " object_type, object_id, object_org_id, detail_json) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!st) return fail(st.error());
  st->bind(1, to_unix_ms(e.at))
      .bind(2, e.actor_org_id)
      .bind(3, e.actor_user_id)
      .bind(4, e.actor_key_id)
      .bind(5, e.remote)
      .bind(6, e.action)
      .bind(7, e.object_type)
      .bind(8, e.object_id)
      .bind(9, e.object_org_id)
      .bind(10, e.detail.dump());
  return st->run();
}

Result<std::vector<AuditEntry>> list_audit(Db& db, const AuditFilter& f) {
  auto st = db.prepare(
      "SELECT id, at, actor_org_id, actor_user_id, actor_key_id, remote, action, object_type,"
      " object_id, object_org_id, detail_json FROM audit_log"
      " WHERE (?1 IS NULL OR object_org_id = ?1 OR actor_org_id = ?1)"
      " AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR id < ?3)"
      " ORDER BY id DESC LIMIT ?4");
  if (!st) return fail(st.error());
  st->bind(1, f.org_id).bind(2, f.action).bind(3, f.before_id).bind(4, f.limit);
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    AuditEntry e;
    e.id = st->int64(0);
    e.at = from_unix_ms(st->int64(1));
    e.actor_org_id = st->text(2);
    e.actor_user_id = st->text(3);
    e.actor_key_id = st->text(4);
    e.remote = st->text(5);
    e.action = st->text(6);
    e.object_type = st->text(7);
    e.object_id = st->text(8);
    e.object_org_id = st->text(9);
    e.detail = parse_json(st->text(10), 8).value_or(Json::object());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace suanwang::store
