// HttpClient over boost::beast::tcp_stream with an expiry before each operation.
#include "integration/support/http_client.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace suanwang::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr auto kTimeout = std::chrono::seconds(30);

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

nlohmann::json HttpResponse::json() const {
  return nlohmann::json::parse(body);
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpClient::HttpClient(uint16_t port, std::string bearer_key)
    : port_(port), key_(std::move(bearer_key)), conn_(std::make_unique<Connection>()) {}

HttpClient::~HttpClient() {
  beast::error_code ec;
  conn_->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

HttpResponse HttpClient::get(const std::string& target) {
  return request("GET", target, {});
}
HttpResponse HttpClient::del(const std::string& target) {
  return request("DELETE", target, {});
}
HttpResponse HttpClient::post(const std::string& target, const nlohmann::json& body,
                              std::map<std::string, std::string> headers) {
  headers.emplace("Content-Type", "application/json");
  return request("POST", target, body.dump(), std::move(headers));
}
HttpResponse HttpClient::put(const std::string& target, const nlohmann::json& body) {
  return request("PUT", target, body.dump(), {{"Content-Type", "application/json"}});
}
HttpResponse HttpClient::patch(const std::string& target, const nlohmann::json& body) {
  return request("PATCH", target, body.dump(), {{"Content-Type", "application/json"}});
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 std::string body, std::map<std::string, std::string> headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(bhttp::field::user_agent, "suanwang-integration-tests");
  if (!key_.empty()) req.set(bhttp::field::authorization, "Bearer " + key_);
  for (const auto& [k, v] : headers) req.set(k, v);
  const bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  req.body() = std::move(body);
  if (has_body) req.prepare_payload();

  // A kept-alive connection may have been closed by the server since the last call: one retry
  // on a fresh connection when the first write or read fails that way.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto& c = *conn_;
    if (!c.open) {
      c.stream.close();
      c.buffer.clear();
      c.stream.expires_after(kTimeout);
      c.stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
      c.open = true;
    }
    beast::error_code ec;
    c.stream.expires_after(kTimeout);
    bhttp::write(c.stream, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);  // the answer has a Content-Length and no body
    if (!ec) {
      c.stream.expires_after(kTimeout);
      bhttp::read(c.stream, c.buffer, parser, ec);
    }
    if (ec) {
      c.open = false;
      // The server may answer early (413) and close before reading the whole body: a write
      // error with a response already sent is still a response.
      if (attempt == 0 &&
          (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof)) {
        continue;
      }
      throw std::runtime_error("HTTP " + method + " " + target + ": " + ec.message());
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
      out.headers[lower(std::string(f.name_string()))] = std::string(f.value());
    out.body = std::move(res.body());
    if (!res.keep_alive()) c.open = false;
    return out;
  }
  throw std::runtime_error("HTTP " + method + " " + target + ": connection kept failing");
}

}  // namespace suanwang::testing
