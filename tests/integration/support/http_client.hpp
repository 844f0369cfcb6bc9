// HttpClient: a small synchronous Beast client for integration tests. One connection, reused
// (keep-alive) and reopened when the server closes it. Every call is bounded by a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace suanwang::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The body as JSON; a test failure (exception) when it is not JSON.
  nlohmann::json json() const;
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string bearer_key = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& target);
  HttpResponse post(const std::string& target, const nlohmann::json& body,
                    std::map<std::string, std::string> headers = {});
  HttpResponse put(const std::string& target, const nlohmann::json& body);
  HttpResponse patch(const std::string& target, const nlohmann::json& body);
  HttpResponse del(const std::string& target);
  // Any method, raw body and headers: for malformed and oversize requests.
  HttpResponse request(const std::string& method, const std::string& target, std::string body,
                       std::map<std::string, std::string> headers = {});

  void set_key(std::string bearer_key) { key_ = std::move(bearer_key); }

 private:
  struct Connection;
  uint16_t port_;
  std::string key_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace suanwang::testing
