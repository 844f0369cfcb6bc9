// HTTP message types and the per-request context handlers receive. gateway/http knows
// nothing of jobs or sites: handlers are plain functions from a RequestContext to a Response.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/core/json.hpp"

namespace suanwang::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Verb = bhttp::verb;
using Status = bhttp::status;

struct RequestContext {
  const Request& request;
  std::string request_id;
  std::string remote_address;
  std::string_view path;   // without the query string
  std::string_view query;  // after '?', undecoded
  std::map<std::string, std::string, std::less<>> path_params;
  // The matched route's pattern ("/api/v1/jobs/{id}"), set by the handler that routes; the
  // label of the request metrics, so ids in paths do not become series.
  std::string_view route;

  const std::string& param(std::string_view name) const;
  // The first value of a query parameter, percent-decoded.
  std::optional<std::string> query_param(std::string_view name) const;
  std::string_view header(std::string_view name) const;
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

// Responses with the house headers (Content-Type, Cache-Control: no-store for API data).
Response json_response(Status status, const Json& body, unsigned version = 11);
// The same with a body already rendered (by render_json).
Response json_response(Status status, std::string rendered, unsigned version = 11);
// JSON text as responses carry it (invalid UTF-8 replaced, never thrown on).
std::string render_json(const Json& body);
Response text_response(Status status, std::string body, std::string_view content_type,
                       unsigned version = 11);

// Decodes %XX escapes. In a query string ('+' is a space, as HTML forms send it); in a path
// '+' is itself.
enum class UrlPart { path, query };
std::string percent_decode(std::string_view s, UrlPart part = UrlPart::path);

}  // namespace suanwang::http
