// The audit log (GET /api/v1/audit: admins read every entry, other orgs the entries on their
// own objects or made by their own members) and the helper every changing handler calls.
// Also the request-level rate limits, whose refusals are the other abuse signal.
#include "gateway/api/api.hpp"

#include <functional>
#include <limits>

#include "gateway/http/problem.hpp"
#include "gateway/security/encoding.hpp"
#include "gateway/store/audit_repo.hpp"

namespace suanwang::api {

store::AuditEntry audit_entry(ApiContext& c, const RequestContext& rc, const auth::Principal& who,
                              std::string action, std::string object_type, std::string object_id,
                              std::string object_org_id, Json detail) {
  store::AuditEntry e;
  e.at = c.clock.now();
  e.actor_org_id = who.org_id;
  e.actor_user_id = who.user_id;
  e.actor_key_id = who.key_id;
  e.remote = rc.remote_address;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.object_org_id = std::move(object_org_id);
  e.detail = std::move(detail);
  e.detail["request_id"] = rc.request_id;
  return e;
}

boost::asio::awaitable<void> audit(ApiContext& c, const RequestContext& rc,
                                   const auth::Principal& who, std::string action,
                                   std::string object_type, std::string object_id,
                                   std::string object_org_id, Json detail) {
  store::AuditEntry e =
      audit_entry(c, rc, who, std::move(action), std::move(object_type), std::move(object_id),
                  std::move(object_org_id), std::move(detail));
  auto r = co_await c.store.run([&](store::Db& db) { return store::insert_audit(db, e); });
  if (!r) {
    c.log.error(
        "cannot write audit entry",
        {{"action", e.action}, {"request_id", rc.request_id}, {"error", r.error().message}});
  }
}

Response too_many_requests(const RequestContext& rc, Millis retry_after, std::string detail) {
  const auto seconds = std::max<int64_t>(1, (retry_after.count() + 999) / 1000);
  Response res = http::problem_response(
      {Status::too_many_requests, "rate_limited", "Too many requests",
       std::move(detail) + " (retry after " + std::to_string(seconds) + " s)"},
      rc.request_id, rc.request.version());
  res.set(http::bhttp::field::retry_after, std::to_string(seconds));
  return res;
}

std::optional<Response> admit(ApiContext& c, const RequestContext& rc) {
  if (!rc.path.starts_with("/api/")) return std::nullopt;
  const TimePoint now = c.clock.now();
  if (auto wait = c.limits.per_address.take(rc.remote_address, now)) {
    return too_many_requests(rc, *wait, "too many requests from this address");
  }
  // The credential, hashed (the bucket table never holds a key): the bearer key, else the
  // session cookie. A 64-bit non-cryptographic hash is enough: keys and session tokens carry
  // far more than 64 bits of entropy, so a bucket's name cannot be turned back into its key,
  // and a collision of two keys' buckets is vanishingly rare. (SHA-256 here cost more than
  // serving a cached document.)
  std::string_view credential = rc.header("Authorization");
  if (credential.empty()) credential = rc.header("Cookie");
  if (!credential.empty()) {
    const std::string key = std::to_string(std::hash<std::string_view>{}(credential));
    if (auto wait = c.limits.per_key.take(key, now)) {
      return too_many_requests(rc, *wait, "too many requests with this key");
    }
  }
  return std::nullopt;
}

namespace {

Json entry_json(const store::AuditEntry& e) {
  return {{"id", e.id},
          {"at", format_rfc3339(e.at)},
          {"actor",
           {{"org_id", e.actor_org_id},
            {"user_id", e.actor_user_id.empty() ? Json(nullptr) : Json(e.actor_user_id)},
            {"key_id", e.actor_key_id.empty() ? Json(nullptr) : Json(e.actor_key_id)},
            {"remote", e.remote}}},
          {"action", e.action},
          {"object", {{"type", e.object_type}, {"id", e.object_id}, {"org_id", e.object_org_id}}},
          {"detail", e.detail}};
}

Awaitable list_audit(ApiContext& c, RequestContext& rc) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  store::AuditFilter f;
  f.org_id = rc.query_param("org_id");
  if (!f.org_id && !who->is_admin()) f.org_id = who->org_id;
  if (f.org_id && !who->owns(*f.org_id)) {
    co_return problem(rc, Error::not_found("no org " + *f.org_id));
  }
  f.action = rc.query_param("action");
  auto size = page_size(rc);
  if (!size) co_return problem(rc, size.error());
  f.limit = *size;
  auto token = int_param(rc, "page_token", 1, std::numeric_limits<int64_t>::max());
  if (!token) co_return problem(rc, token.error());
  f.before_id = *token;
  auto rows = co_await c.store.run([&](store::Db& db) { return store::list_audit(db, f); });
  if (!rows) co_return problem(rc, rows.error());
  Json items = Json::array();
  for (const auto& e : *rows) items.push_back(entry_json(e));
  Json next = nullptr;
  if (static_cast<int>(rows->size()) == f.limit && !rows->empty()) {
    next = std::to_string(rows->back().id);
  }
  co_return json(rc, Status::ok, {{"items", items}, {"next_page_token", next}});
}

}  // namespace

void register_audit(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/audit", bind(c, list_audit));
}

}  // namespace suanwang::api
