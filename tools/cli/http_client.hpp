// HttpClient: the CLI's small synchronous HTTP/1.1 client over Beast. One connection, kept alive
// between calls and reopened when the server closes it; every step (resolve, connect, write,
// read) is bounded by the timeout, and the answer by a body limit. Plain http only for now:
// ServerUrl carries the scheme so that https can be added as a second stream type inside
// Connection without changing this interface.
//
// Threading: not thread-safe; one client per thread. It runs its own io_context.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/result.hpp"

namespace suanwang::cli {

// "http://host[:port][/prefix]". base_path has no trailing slash ("" or "/gw").
struct ServerUrl {
  std::string scheme = "http";
  std::string host;
  uint16_t port = 80;
  std::string base_path;

  std::string text() const;  // as the user would write it, for messages
};

// Pure: parses and checks a --server value. https is refused (not supported yet).
Result<ServerUrl> parse_server_url(std::string_view text);

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Where a streamed answer's body goes, piece by piece; an error stops the transfer.
using BodySink = std::function<Result<void>(std::string_view piece)>;

struct HttpClientOptions {
  std::chrono::milliseconds timeout{30'000};
  std::size_t body_limit = 32 * 1024 * 1024;
  std::string user_agent = "suanwang-cli";
  std::string accept_language;  // sent when not empty: the language of the server's sentences
};

class HttpClient {
 public:
  // `bearer_key` may be empty (no Authorization header). It is kept in memory only.
  HttpClient(ServerUrl server, std::string bearer_key, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is the path and query below the server's base path ("/api/v1/jobs?state=running").
  // Any HTTP status is a successful Result; only transport failures are errors (unavailable).
  Result<HttpReply> request(std::string_view method, std::string_view target, std::string body = {},
                            const std::vector<std::pair<std::string, std::string>>& headers = {});

  // A GET whose 2xx body streams to `sink` instead of memory (downloads of any size); other
  // answers come back whole (bounded) in the reply's body, as from request().
  Result<HttpReply> download(std::string_view target,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             const BodySink& sink);

  const ServerUrl& server() const { return server_; }

 private:
  struct Connection;
  Result<void> connect();

  ServerUrl server_;
  std::string key_;
  HttpClientOptions options_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace suanwang::cli
