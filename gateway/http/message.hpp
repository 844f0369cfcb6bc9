// HTTP message types and the per-request context handlers receive. gateway/http knows
// nothing of jobs or sites: handlers are plain functions from a RequestContext to a Response.
#pragma once

#include <functional>
#include <map>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/core/json.hpp"
#include "gateway/core/result.hpp"

namespace suanwang::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Verb = bhttp::verb;
using Status = bhttp::status;

// A request body read as it arrives, for routes that stream theirs (uploads): the handler runs
// once the header is read, and pulls the body in pieces, so memory does not grow with its size.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to buf.size() bytes into buf; 0 once the body has all been read. Fails when the
  // client stops sending (closed or too slow) or sends more than the route's limit.
  virtual boost::asio::awaitable<Result<std::size_t>> read(std::span<char> buf) = 0;
  // The length the client declared (Content-Length), absent for a chunked body.
  virtual std::optional<uint64_t> declared_length() const = 0;
  // Bytes read so far.
  virtual uint64_t consumed() const = 0;
  // The whole body has been read.
  virtual bool finished() const = 0;
};

// A response body produced in pieces (downloads): `read` fills buf with the next bytes and
// returns how many; the server calls it until `length` bytes were sent. A failure mid-way
// closes the connection (the client sees a short body, never wrong bytes).
struct StreamedBody {
  uint64_t length = 0;
  std::function<Result<std::size_t>(std::span<char> buf)> read;
};

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
  // Set on routes that stream their request body (Server::set_streaming); request.body() is
  // then empty.
  BodyReader* body_reader = nullptr;
  // Set by a handler to stream the response body after the Response's header (which carries
  // the status and fields; its own body is ignored). Not sent for HEAD.
  std::optional<StreamedBody> reply_body;
  // The status answered, set by the server once the handler returned (for its log line).
  unsigned response_status = 0;

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
// Escapes every byte but RFC 3986's unreserved characters (for RFC 8187 filename*=).
std::string percent_encode(std::string_view s);
// An HTTP date (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::chrono::system_clock::time_point t);

}  // namespace suanwang::http
