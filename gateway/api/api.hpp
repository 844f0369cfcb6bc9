// The REST API: what every resource file shares, and the one function that builds the route
// table. api/ translates HTTP to domain calls; it holds no state of its own.
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
#include "gateway/services/job_service.hpp"
#include "gateway/services/site_vault.hpp"
#include "gateway/store/audit_repo.hpp"
#include "gateway/store/store.hpp"

namespace suanwang::api {

using http::RequestContext;
using http::Response;
using http::Status;
using http::Verb;
using Awaitable = boost::asio::awaitable<Response>;

// Everything a handler may use, owned elsewhere (main / App), passed by reference.
struct ApiContext {
  const Config& config;
  store::Store& store;
  auth::Authenticator& auth;
  federation::SiteDirectory& directory;
  federation::Geography& geography;
  services::JobService& jobs;
  const adapters::AdapterRegistry& registry;
  IdGenerator& ids;
  Random& random;
  const Clock& clock;
  Logger& log;
  federation::CapacityHistory& capacity_history;
  security::PasswordHasher& passwords;
  security::RequestLimits& limits;
  http::RenderedBody& capacity_body;  // GET /api/v1/capacity, rendered once per change
  const services::SiteVault& vault;   // site credentials sealed on the way into the store
};

// Builds the route table (every route of schema/openapi.json).
void register_routes(http::Router& router, ApiContext& c);

// ---- shared by the resource files ----------------------------------------------------------

using HandlerFn = Awaitable (*)(ApiContext&, RequestContext&);
// Adapts a free coroutine function to a route handler without capturing into a coroutine
// lambda (whose captures would not outlive the first suspension).
http::Handler bind(ApiContext& c, HandlerFn fn);

// The one mapping from domain errors to HTTP (house rule 2).
Status status_for(Errc code);
Response problem(const RequestContext& rc, const Error& e, Json extra = Json::object());
Response json(const RequestContext& rc, Status status, const Json& body);

boost::asio::awaitable<Result<auth::Principal>> authenticate(ApiContext& c, RequestContext& rc);
// The JSON body, bounded in depth; a 400 naming Content-Type for a non-JSON content type.
Result<Json> json_body(ApiContext& c, const RequestContext& rc);
// page_size (1..500, default 50).
Result<int> page_size(const RequestContext& rc);
// An integer query parameter from lo to hi; none when absent, a 400 naming it when malformed.
Result<std::optional<int64_t>> int_param(const RequestContext& rc, std::string_view name,
                                         int64_t lo, int64_t hi);

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
// The audit entry for a change made by `who` through request `rc`.
store::AuditEntry audit_entry(ApiContext& c, const RequestContext& rc, const auth::Principal& who,
                              std::string action, std::string object_type, std::string object_id,
                              std::string object_org_id, Json detail = Json::object());
// Records a change in the audit log (best effort: a failure is logged, the change stands).
boost::asio::awaitable<void> audit(ApiContext& c, const RequestContext& rc,
                                   const auth::Principal& who, std::string action,
                                   std::string object_type, std::string object_id,
                                   std::string object_org_id, Json detail = Json::object());
// A 429 problem with Retry-After (whole seconds, at least 1).
Response too_many_requests(const RequestContext& rc, Millis retry_after, std::string detail);
// GET /metrics (registered by the App, which owns the registry).
void register_metrics(http::Router& r, ApiContext& c, metrics::Registry& registry);

}  // namespace suanwang::api
