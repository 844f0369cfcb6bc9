// The audit log (GET /api/v1/audit: admins read every entry, other orgs the entries on their
// own objects or made by their own members; services::AuditService writes and reads it).
// Also the request-level rate limits, whose refusals are the other abuse signal.
#include "gateway/api/api.hpp"

#include <functional>

#include "gateway/http/problem.hpp"

namespace suanwang::api {

Response too_many_requests(const RequestContext& rc, Millis retry_after, std::string detail_code) {
  const auto seconds = std::max<int64_t>(1, (retry_after.count() + 999) / 1000);
  Response res = http::coded_problem_response(
      Status::too_many_requests, "rate_limited",
      {std::move(detail_code), {{"seconds", std::to_string(seconds)}}}, lang_of(rc),
      rc.request_id, rc.request.version());
  res.set(http::bhttp::field::retry_after, std::to_string(seconds));
  return res;
}

std::optional<Response> admit(ApiContext& c, const RequestContext& rc) {
  if (!rc.path.starts_with("/api/")) return std::nullopt;
  const TimePoint now = c.clock.now();
  if (auto wait = c.limits.per_address.take(rc.remote_address, now)) {
    return too_many_requests(rc, *wait, "http.rate_limited_address");
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
      return too_many_requests(rc, *wait, "http.rate_limited_key");
    }
  }
  return std::nullopt;
}

namespace {

Json audit_entry_json(const services::AuditEntry& e) {
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

Awaitable list_audit(ApiContext& c, RequestContext& rc, const auth::Principal& who) {
  auto page = page_request(rc);
  if (!page) co_return problem(rc, page.error());
  auto entries = co_await c.services.audit.list(who, rc.query_param("org_id"),
                                                rc.query_param("action"), *page);
  if (!entries) co_return problem(rc, entries.error());
  co_return json(rc, Status::ok, page_json(*entries, audit_entry_json));
}

}  // namespace

void register_audit(http::Router& r, ApiContext& c) {
  r.add(Verb::get, "/api/v1/audit", bind(c, list_audit));
}

}  // namespace suanwang::api
