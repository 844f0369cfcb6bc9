// The audit log (see audit_service.hpp).
#include "gateway/services/audit_service.hpp"

#include <limits>

#include "gateway/services/not_found.hpp"

namespace suanwang::services {

namespace asio = boost::asio;

AuditEntry AuditService::entry(const Caller& caller, std::string action, std::string object_type,
                               std::string object_id, std::string object_org_id,
                               Json detail) const {
  AuditEntry e;
  e.at = clock_.now();
  e.actor_org_id = caller.who.org_id;
  e.actor_user_id = caller.who.user_id;
  e.actor_key_id = caller.who.key_id;
  e.remote = caller.remote;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.object_org_id = std::move(object_org_id);
  e.detail = std::move(detail);
  e.detail["request_id"] = caller.request_id;
  return e;
}

asio::awaitable<void> AuditService::record(AuditEntry e) {
  auto r = co_await store_.run([&](store::Db& db) { return store::insert_audit(db, e); });
  if (!r) {
    log_.error("cannot write audit entry", {{"action", e.action},
                                            {"request_id", e.detail.value("request_id", "")},
                                            {"error", r.error().message}});
  }
}

asio::awaitable<Result<Page<AuditEntry>>> AuditService::list(const auth::Principal& who,
                                                             std::optional<std::string> org_id,
                                                             std::optional<std::string> action,
                                                             const PageRequest& page) {
  store::AuditFilter f;
  f.org_id = std::move(org_id);
  if (!f.org_id && !who.is_admin()) f.org_id = who.org_id;
  if (f.org_id && !who.owns(*f.org_id)) co_return fail(no_org(*f.org_id));
  f.action = std::move(action);
  if (page.token) {
    auto before = page_detail::parse_key(*page.token, static_cast<int64_t*>(nullptr));
    if (!before || *before < 1) co_return fail(malformed_page_token());
    f.before_id = *before;
  }
  f.limit = page.size + 1;  // one more than asked: is there a next page?
  auto rows = co_await store_.run([&](store::Db& db) { return store::list_audit(db, f); });
  if (!rows) co_return fail(rows.error());
  co_return trim_page(std::move(*rows), page.size, [](const AuditEntry& e) { return e.id; });
}

}  // namespace suanwang::services
