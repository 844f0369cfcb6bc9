// The REST API: what every resource file shares, and the one function that builds the route
// table. api/ translates HTTP to service calls and back; it holds no state and no SQL.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/registry.hpp"
#include "gateway/auth/authenticator.hpp"
#include "gateway/core/config.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/logging.hpp"
#include "gateway/core/random.hpp"
#include "gateway/federation/capacity_aggregator.hpp"
#include "gateway/federation/capacity_history.hpp"
#include "gateway/federation/geography.hpp"
#include "gateway/federation/site_directory.hpp"
#include "gateway/http/message.hpp"
#include "gateway/http/rendered_body.hpp"
#include "gateway/http/router.hpp"
#include "gateway/metrics/registry.hpp"
#include "gateway/security/password.hpp"
#include "gateway/security/rate_limiter.hpp"
#include "gateway/services/audit_service.hpp"
#include "gateway/services/dataset_service.hpp"
#include "gateway/services/health_service.hpp"
#include "gateway/services/job_service.hpp"
#include "gateway/services/key_service.hpp"
#include "gateway/services/network_service.hpp"
#include "gateway/services/org_service.hpp"
#include "gateway/services/page.hpp"
#include "gateway/services/session_service.hpp"
#include "gateway/services/site_service.hpp"
#include "gateway/services/upload_service.hpp"
#include "gateway/services/usage_service.hpp"
#include "gateway/services/user_service.hpp"

namespace suanwang::api {

using http::RequestContext;
using http::Response;
using http::Status;
using http::Verb;
using Awaitable = boost::asio::awaitable<Response>;

// The services the handlers call, one per resource (owned by the App).
struct Services {
  services::AuditService& audit;
  services::JobService& jobs;
  services::SiteService& sites;
  services::OrgService& orgs;
  services::UserService& users;
  services::KeyService& keys;
  services::SessionService& sessions;
  services::DatasetService& datasets;
  services::UploadService& uploads;
  services::UsageService& usage;
  services::NetworkService& network;
  services::HealthService& health;
};

// Everything a handler may use, owned elsewhere (main / App), passed by reference. Handlers
// read the live federation (directory, capacity) directly; every change and every database
// read goes through a service.
struct ApiContext {
  const Config& config;
  auth::Authenticator& auth;
  const federation::SiteDirectory& directory;
  Services services;
  const Clock& clock;
  Logger& log;
  federation::CapacityHistory& capacity_history;
  security::RequestLimits& limits;
  http::RenderedBody& capacity_body;  // GET /api/v1/capacity, rendered once per change
};

// Builds the route table (every route of schema/openapi.json).
void register_routes(http::Router& router, ApiContext& c);

// ---- shared by the resource files ----------------------------------------------------------

using HandlerFn = Awaitable (*)(ApiContext&, RequestContext&);
// A handler for authenticated callers only: `who` is the caller.
using AuthedHandlerFn = Awaitable (*)(ApiContext&, RequestContext&, const auth::Principal& who);
// Adapts a free coroutine function to a route handler without capturing into a coroutine
// lambda (whose captures would not outlive the first suspension).
http::Handler bind(ApiContext& c, HandlerFn fn);
// The same, authenticating first: a caller that is not authenticated gets the problem (401,
// or 403 for a session without its CSRF token) and the handler never runs.
http::Handler bind(ApiContext& c, AuthedHandlerFn fn);

// The one mapping from domain errors to HTTP (house rule 2).
Status status_for(Errc code);
// The caller's language: the `lang` query parameter, else Accept-Language (i18n::negotiate).
i18n::Lang lang_of(const RequestContext& rc);
// A problem+json response whose detail is in the caller's language; a coded error also carries
// its `message_code` and `params`.
Response problem(const RequestContext& rc, const Error& e, Json extra = Json::object());
Response json(const RequestContext& rc, Status status, const Json& body);

boost::asio::awaitable<Result<auth::Principal>> authenticate(ApiContext& c, RequestContext& rc);
// The JSON body, bounded in depth; a 415 naming Content-Type unless the media type is
// application/json (or, with `merge_patch`, application/merge-patch+json), any case, with
// parameters allowed (RFC 9110).
Result<Json> json_body(ApiContext& c, const RequestContext& rc, bool merge_patch = false);
// The one integer query parameter parser: from lo to hi; none when absent, a 400 naming it
// when malformed or out of range.
Result<std::optional<int64_t>> int_param(const RequestContext& rc, std::string_view name,
                                         int64_t lo, int64_t hi);
// The page a list request asks for: page_size (1..500, default 50) and page_token.
Result<services::PageRequest> page_request(const RequestContext& rc);
// A list page as every list endpoint answers it: {"items": [...], "next_page_token": ...}.
template <class T, class F>
Json page_json(const services::Page<T>& page, F&& item_json) {
  Json items = Json::array();
  for (const auto& item : page.items) items.push_back(item_json(item));
  return {{"items", std::move(items)},
          {"next_page_token", page.next_token ? Json(*page.next_token) : Json(nullptr)}};
}
// Who makes a change, through which request (for the audit log).
services::Caller caller_of(const RequestContext& rc, const auth::Principal& who);

// Each resource file registers its routes.
void register_health(http::Router& r, ApiContext& c);
void register_orgs(http::Router& r, ApiContext& c);
void register_credit(http::Router& r, ApiContext& c);
void register_network(http::Router& r, ApiContext& c);
void register_sites(http::Router& r, ApiContext& c);
void register_capacity(http::Router& r, ApiContext& c);
void register_capacity_history(http::Router& r, ApiContext& c);
void register_datasets(http::Router& r, ApiContext& c);
void register_jobs(http::Router& r, ApiContext& c);
void register_session(http::Router& r, ApiContext& c);
void register_users(http::Router& r, ApiContext& c);
void register_usage(http::Router& r, ApiContext& c);
void register_audit(http::Router& r, ApiContext& c);

// Rate limits per key (or session) and per address: a 429 with Retry-After when over.
std::optional<Response> admit(ApiContext& c, const RequestContext& rc);
// A 429 problem with Retry-After (whole seconds, at least 1), in the caller's language: its
// detail is the catalog's `detail_code`, given the wait as {seconds}.
Response too_many_requests(const RequestContext& rc, Millis retry_after, std::string detail_code);
// GET /metrics (registered by the App, which owns the registry).
void register_metrics(http::Router& r, ApiContext& c, metrics::Registry& registry);

}  // namespace suanwang::api
