// Api: the REST calls the CLI makes, over HttpClient. It turns answers into JSON, and non-2xx
// answers into Errors (problem+json detail and field, code from the status).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/json.hpp"
#include "tools/cli/http_client.hpp"

namespace suanwang::cli {

struct ApiAnswer {
  int status = 0;
  Json body;        // parsed; null for an empty body
  std::string raw;  // as received, for --json
};

class Api {
 public:
  explicit Api(HttpClient& http) : http_(http) {}

  Result<ApiAnswer> get(const std::string& target);
  // Every page of a list endpoint (page_size + page_token), at most `max_pages` of 500 items,
  // as one answer whose items are all of them (raw is the merged body).
  Result<ApiAnswer> get_all(const std::string& target, int max_pages = 20);
  Result<ApiAnswer> post(const std::string& target, const Json& body,
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
  // POST without a body (actions such as cancel).
  Result<ApiAnswer> post_empty(const std::string& target);
  Result<ApiAnswer> patch(const std::string& target, const Json& body);
  Result<ApiAnswer> del(const std::string& target);
  // A GET whose answer is not JSON (e.g. CSV): `raw` holds it, `body` stays null.
  Result<ApiAnswer> get_text(const std::string& target, const std::string& accept);

  // The problem document of the last failed call, null when it had none: for extension members
  // such as a 422's `decision`.
  const Json& last_problem() const { return last_problem_; }

 private:
  Result<ApiAnswer> finish(Result<HttpReply> reply);

  HttpClient& http_;
  Json last_problem_;
};

// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view s);

}  // namespace suanwang::cli
