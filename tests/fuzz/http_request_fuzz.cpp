// Fuzz target: one HTTP request as the server reads it — Beast's parser with the server's
// header and body limits, fed in the pieces the input chooses — then what handlers do with it:
// route matching with {captures}, query parameters, headers, the JSON body bounded in depth,
// and job/site validation. Any crash, sanitizer report or broken invariant is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/core/json.hpp"
#include "gateway/http/router.hpp"
#include "gateway/model/job.hpp"
#include "gateway/model/site.hpp"

namespace {
namespace bhttp = boost::beast::http;
using suanwang::http::RequestContext;
using suanwang::http::Response;
using suanwang::http::Router;
using suanwang::http::Verb;

// The shapes of the API's route table (literal segments and captures).
const Router& router() {
  static const Router r = [] {
    Router t;
    auto none = [](RequestContext&) -> boost::asio::awaitable<Response> { co_return Response{}; };
    for (const char* p :
         {"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json", "/api/v1/orgs",
          "/api/v1/orgs/{id}", "/api/v1/api-keys", "/api/v1/api-keys/{id}", "/api/v1/sites",
          "/api/v1/sites/{id}", "/api/v1/sites/{id}/drain", "/api/v1/sites/{id}/capacity",
          "/api/v1/capacity", "/api/v1/quotes", "/api/v1/jobs", "/api/v1/jobs/{id}",
          "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/{id}/logs"}) {
      t.add(Verb::get, p, none);
      t.add(Verb::post, p, none);
    }
    return t;
  }();
  return r;
}

void check(bool invariant) {
  if (!invariant) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte picks how the bytes arrive (1..64 per read), as a slow client would send them.
  const std::size_t step = 1 + (data[0] & 63);
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::string pending;
  for (std::size_t i = 0; i < in.size() && !parser.is_done();) {
    pending.append(in.substr(i, step));
    i += step;
    const auto used = parser.put(boost::asio::buffer(pending), ec);
    if (ec == bhttp::error::need_more) {
      ec = {};
      continue;
    }
    if (ec) return 0;  // the server answers 4xx and closes
    pending.erase(0, used);
  }
  if (!parser.is_done()) return 0;
  const auto& req = parser.get();

  const std::string_view target = req.target();
  const auto q = target.find('?');
  RequestContext ctx{req,
                     "req_fuzz",
                     "127.0.0.1",
                     target.substr(0, q),
                     q == std::string_view::npos ? std::string_view{} : target.substr(q + 1),
                     {}};
  auto m = router().match(req.method(), ctx.path);
  if (m.route != nullptr) {
    ctx.path_params = std::move(m.params);
    (void)ctx.param("id");
  }
  (void)ctx.query_param("page_size");
  (void)ctx.query_param("page_token");
  (void)ctx.header("Authorization");
  (void)ctx.header("Idempotency-Key");
  (void)suanwang::http::percent_decode(ctx.path);

  auto body = suanwang::parse_json(req.body(), 32);
  if (!body) return 0;
  if (auto spec = suanwang::model::parse_job_spec(*body)) {
    // What was accepted is stored as to_json and read back after a restart: it must parse.
    check(suanwang::model::parse_job_spec(suanwang::model::to_json(*spec)).has_value());
  }
  if (auto site = suanwang::model::parse_site(*body)) {
    (void)suanwang::model::site_to_json(*site, true);
  }
  return 0;
}
