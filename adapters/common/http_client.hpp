// HttpClient: a small async HTTP/1.1 client for adapters that talk to a site over REST (slurm,
// later peer). Coroutines with as_tuple error returns; every exchange has one deadline covering
// resolve, connect, write and read; response headers and body are size-limited; keep-alive
// connections are pooled and optional.
//
// Threading: use from one executor (the adapter's strand). Concurrent requests are fine: each
// takes its own connection (an idle pooled one or a new one) and gives it back only after a
// complete, keep-alive response, so a request abandoned by a caller's timeout just closes its
// socket. https verifies the site's certificate chain (against the system's CAs, or the
// site's own CA file) and its host name, with TLS 1.2 or newer; there is no way to turn that
// off.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/site_adapter.hpp"

namespace suanwang::adapters {

struct HttpUrl {
  std::string host;       // a name or a numeric address (IPv6 without brackets)
  std::string port;       // always set ("80" or "443" by default)
  std::string base_path;  // without a trailing slash; "" for the root
  bool tls = false;       // https
};

// Parses "http[s]://host[:port][/base]". Errors are invalid_config and name `what` (e.g.
// "endpoint"). Credentials in the URL (user:pass@) are refused: they would end up in logs.
AdapterResult<HttpUrl> parse_http_url(std::string_view url, std::string_view what);

struct HttpClientOptions {
  std::chrono::milliseconds timeout{10000};  // one deadline for a whole exchange
  size_t max_body_bytes = size_t{8} << 20;
  uint32_t max_header_bytes = 16 << 10;
  bool keep_alive = true;
  size_t max_idle_connections = 4;
  std::string user_agent = "suanwang";
  // https only: a PEM file of the CA(s) that sign the site's certificate, for sites with a
  // private CA; empty = the system's trusted CAs.
  std::string ca_file;
};

// The client settings every REST-speaking adapter (slurm, peer) reads the same way from its
// `options`: timeout_ms (100..120000, default 5000), max_response_mb (1..1024, default 32) and
// ca_file (https only: an absolute path to a readable PEM file of CA certificates). Errors are
// invalid_config naming the option.
AdapterResult<HttpClientOptions> parse_client_options(const nlohmann::json& options,
                                                      const HttpUrl& endpoint,
                                                      std::string user_agent);

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE
  std::string target;          // appended to the URL's base path; starts with '/'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // sent when the body is not empty
  // Streams the body from this file instead of `body`: read in pieces as it is sent, never held
  // whole; its length is the Content-Length.
  std::string body_file;
  // A 2xx answer's body is written to this file (created or truncated) as it arrives instead of
  // into HttpResponse::body; an answer of another status is read into `body` as usual. On an
  // error the file may hold part of the body: the caller removes it.
  std::string response_file;
  // For this request instead of the client's options, when not zero: the deadline of the whole
  // exchange and the largest body accepted (transfers of files whose size is known).
  std::chrono::milliseconds timeout{0};
  uint64_t max_body_bytes = 0;
  // Safe to send again on a fresh connection when a pooled one turns out to be closed.
  // Defaults to true for GET and DELETE in request(); POST is never replayed.
  bool replayable = false;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  double elapsed_ms = 0;  // from the start of the request to the end of the body
  // With HttpRequest::response_file and a 2xx answer: the SHA-256 (hex) and the length of what
  // was written to the file, hashed as it arrived.
  std::string file_sha256;
  uint64_t file_bytes = 0;
};

class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, HttpUrl url, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Errors: unreachable (resolve/connect/reset), timeout (deadline), bad_response (not HTTP,
  // oversized headers or body). Any HTTP status is a response, not an error.
  // By value: the coroutine may outlive the caller's expression.
  boost::asio::awaitable<AdapterResult<HttpResponse>> request(HttpRequest req);

  const HttpUrl& url() const { return url_; }
  size_t idle_connections() const;

  struct Connection;  // one kept-alive connection, plain or TLS (opaque)

 private:
  boost::asio::awaitable<AdapterResult<std::unique_ptr<Connection>>> connect(
      std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<AdapterResult<HttpResponse>> exchange(
      Connection& conn, const HttpRequest& req, std::chrono::steady_clock::time_point deadline,
      bool& keep_alive, bool& nothing_received);

  boost::asio::any_io_executor executor_;
  HttpUrl url_;
  HttpClientOptions options_;
  struct Tls;
  std::shared_ptr<Tls> tls_;  // set for https; its error (bad CA file) fails every request
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace suanwang::adapters
