// Shared API plumbing: error mapping, authentication, bodies, query parameters, pages, the
// route table.
#include "gateway/api/api.hpp"

#include <charconv>

#include "gateway/auth/session_token.hpp"
#include "gateway/http/media_type.hpp"
#include "gateway/http/problem.hpp"

namespace suanwang::api {

http::Handler bind(ApiContext& c, HandlerFn fn) {
  return [&c, fn](RequestContext& rc) { return fn(c, rc); };
}

namespace {
// The principal lives in this frame while the handler runs.
Awaitable authenticated(ApiContext& c, RequestContext& rc, AuthedHandlerFn fn) {
  auto who = co_await authenticate(c, rc);
  if (!who) co_return problem(rc, who.error());
  co_return co_await fn(c, rc, *who);
}
}  // namespace

http::Handler bind(ApiContext& c, AuthedHandlerFn fn) {
  return [&c, fn](RequestContext& rc) { return authenticated(c, rc, fn); };
}

services::Caller caller_of(const RequestContext& rc, const auth::Principal& who) {
  return services::Caller{who, rc.request_id, rc.remote_address};
}

Status status_for(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return Status::bad_request;
    case Errc::not_found:
      return Status::not_found;
    case Errc::already_exists:
      return Status::conflict;
    case Errc::conflict:
      return Status::conflict;
    case Errc::unauthenticated:
      return Status::unauthorized;
    case Errc::forbidden:
      return Status::forbidden;
    case Errc::payload_too_large:
      return Status::payload_too_large;
    case Errc::unsupported_media:
      return Status::unsupported_media_type;
    case Errc::budget_exceeded:
      return Status::payment_required;
    case Errc::unprocessable:
      return Status::unprocessable_entity;
    case Errc::unavailable:
      return Status::service_unavailable;
    case Errc::insufficient_storage:
      return Status::insufficient_storage;
    case Errc::checksum_mismatch:
      return static_cast<Status>(460);  // tus 1.0: "Checksum Mismatch"
    case Errc::internal:
      return Status::internal_server_error;
  }
  return Status::internal_server_error;
}

i18n::Lang lang_of(const RequestContext& rc) {
  const auto param = rc.query_param("lang");
  return i18n::negotiate(rc.header("Accept-Language"), param ? *param : std::string_view());
}

Response problem(const RequestContext& rc, const Error& e, Json extra) {
  http::Problem p;
  p.status = status_for(e.code);
  p.code = errc_name(e.code);
  const i18n::Lang lang = lang_of(rc);
  p.title = i18n::render("problem.title." + p.code, {}, lang);
  // Internal details stay in the log; the client gets the request id to quote.
  if (e.code == Errc::internal) {
    p.detail = i18n::render("error.internal", {}, lang);
  } else {
    p.detail = e.text.empty() ? e.message : i18n::render(e.text, lang);
  }
  p.field = e.field;
  p.extra = std::move(extra);
  // For programs: the sentence's stable code and its parameters, whatever the language.
  if (e.code != Errc::internal && !e.text.empty() && p.extra.is_object()) {
    p.extra["message_code"] = e.text.code;
    p.extra["params"] = i18n::params_json(e.text.params);
  }
  Response res = http::problem_response(p, rc.request_id, rc.request.version());
  res.set(http::bhttp::field::content_language, i18n::lang_tag(lang));
  if (e.code == Errc::unauthenticated) res.set(http::bhttp::field::www_authenticate, "Bearer");
  return res;
}

Response json(const RequestContext& rc, Status status, const Json& body) {
  return http::json_response(status, body, rc.request.version());
}

boost::asio::awaitable<Result<auth::Principal>> authenticate(ApiContext& c, RequestContext& rc) {
  // A bearer key wins; without one, the portal's session cookie (with CSRF on unsafe methods).
  const auto authorization = rc.header("Authorization");
  if (authorization.empty()) {
    if (auto token = auth::session_from_cookie_header(rc.header("Cookie"))) {
      const auto m = rc.request.method();
      const bool unsafe = m != Verb::get && m != Verb::head && m != Verb::options;
      std::string csrf(rc.header(auth::kCsrfHeader));
      co_return co_await c.auth.authenticate_session(std::move(*token), unsafe, std::move(csrf));
    }
  }
  co_return co_await c.auth.authenticate(authorization);
}

Result<Json> json_body(ApiContext& c, const RequestContext& rc, bool merge_patch) {
  // RFC 9110: the media type's essence, any case, with any parameters; a missing header is
  // taken as JSON (curl -d without -H). application/merge-patch+json only where the API says so.
  const auto ct = rc.header("Content-Type");
  if (!ct.empty()) {
    const auto mt = http::parse_media_type(ct);
    const bool ok = mt && (mt->essence() == "application/json" ||
                           (merge_patch && mt->essence() == "application/merge-patch+json"));
    if (!ok) {
      return fail(Error::coded(Errc::unsupported_media, "Content-Type",
                               {merge_patch ? "api.media_type_patch" : "api.media_type",
                                {{"type", std::string(ct.substr(0, 64))}}}));
    }
  }
  if (rc.request.body().empty()) return fail(Error::invalid_coded("", {"json.body_required", {}}));
  return parse_json(rc.request.body(), c.config.max_json_depth);
}

Result<std::optional<int64_t>> int_param(const RequestContext& rc, std::string_view name,
                                         int64_t lo, int64_t hi) {
  auto v = rc.query_param(name);
  if (!v) return std::optional<int64_t>{};
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < lo || n > hi) {
    return fail(Error::invalid_coded(std::string(name), {"query.integer_range",
                                                         {{"field", std::string(name)},
                                                          {"min", std::to_string(lo)},
                                                          {"max", std::to_string(hi)}}}));
  }
  return std::optional<int64_t>{n};
}

Result<services::PageRequest> page_request(const RequestContext& rc) {
  services::PageRequest page;
  auto size = int_param(rc, "page_size", 1, services::kMaxPageSize);
  if (!size) return fail(size.error());
  page.size = static_cast<int>(size->value_or(services::kDefaultPageSize));
  if (auto token = rc.query_param("page_token")) {
    if (token->empty() || token->size() > 256) return fail(services::malformed_page_token());
    page.token = std::string(*token);
  }
  return page;
}

void register_routes(http::Router& r, ApiContext& c) {
  register_health(r, c);
  register_orgs(r, c);
  register_credit(r, c);
  register_network(r, c);
  register_sites(r, c);
  register_capacity(r, c);
  register_capacity_history(r, c);
  register_datasets(r, c);
  register_jobs(r, c);
  register_session(r, c);
  register_users(r, c);
  register_usage(r, c);
  register_audit(r, c);
}

}  // namespace suanwang::api
