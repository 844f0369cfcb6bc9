// ReplayHttpServer: a blocking HTTP/1.1 server on 127.0.0.1:0 for tests, a thread per
// connection, answering from a table of (method, target) -> answer and keeping what it was asked.
// A target without an answer gets what slurmrestd answers for a path it does not serve: 404
// text/plain. It replays recorded slurmrestd exchanges (tests/data) to the real slurm adapter in
// the unit and the integration suites.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace suanwang::testing {

struct ReplayAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

inline ReplayAnswer replay_answer(const nlohmann::json& record) {
  ReplayAnswer a;
  a.status = record.at("status").get<int>();
  a.content_type = record.at("response_headers").value("content-type", "");
  const auto& b = record.at("response_body");
  a.body = b.is_string() ? b.get<std::string>() : b.is_null() ? std::string() : b.dump();
  return a;
}

struct ReplaySeen {
  std::string method;
  std::string target;
  std::string body;
};

// A blocking HTTP/1.1 server on 127.0.0.1:0, a thread per connection, answering from a table of
// (method, target) -> answer.
class ReplayHttpServer {
  using tcp = boost::asio::ip::tcp;

 public:
  ReplayHttpServer()
      : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~ReplayHttpServer() {
    stop_ = true;
    {
      // Wakes the blocking accept, then ends every connection's blocking read.
      tcp::socket wake(io_);
      boost::system::error_code ec;
      wake.connect(acceptor_.local_endpoint(), ec);
    }
    accept_thread_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : connections_) t.join();
  }

  std::string endpoint() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  void answer(const std::string& method, const std::string& target, ReplayAnswer a) {
    std::lock_guard lock(mu_);
    routes_[method + " " + target] = std::move(a);
  }
  // Answers a recorded exchange's method and path with its recorded answer.
  void answer_record(const nlohmann::json& record) {
    answer(record.at("method"), record.at("path"), replay_answer(record));
  }
  void forget(const std::string& prefix) {
    std::lock_guard lock(mu_);
    std::erase_if(routes_,
                  [&](const auto& r) { return r.first.find(" " + prefix) != std::string::npos; });
  }
  std::vector<ReplaySeen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  std::vector<std::string> seen_targets() const {
    std::vector<std::string> out;
    for (const auto& s : seen()) out.push_back(s.method + " " + s.target);
    return out;
  }

 private:
  void accept_loop() {
    for (;;) {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      {
        std::lock_guard lock(mu_);
        fds_.push_back(s.native_handle());
      }
      connections_.emplace_back([this, sock = std::move(s)]() mutable { serve(std::move(sock)); });
    }
  }

  void serve(tcp::socket s) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      boost::beast::http::request<boost::beast::http::string_body> req;
      boost::system::error_code ec;
      boost::beast::http::read(s, buffer, req, ec);
      if (ec) return;
      ReplayAnswer a{404, "text/plain",
                     "Unable find requested URL. Please view /openapi/v3 for API reference."};
      {
        std::lock_guard lock(mu_);
        seen_.push_back({std::string(req.method_string()), std::string(req.target()), req.body()});
        auto it = routes_.find(std::string(req.method_string()) + " " + std::string(req.target()));
        if (it != routes_.end()) a = it->second;
      }
      boost::beast::http::response<boost::beast::http::string_body> res{
          static_cast<boost::beast::http::status>(a.status), req.version()};
      if (!a.content_type.empty()) res.set(boost::beast::http::field::content_type, a.content_type);
      res.body() = a.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      boost::beast::http::write(s, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::vector<std::thread> connections_;  // only the accept thread adds to it
  mutable std::mutex mu_;
  std::map<std::string, ReplayAnswer> routes_;  // REQUIRES: mu_ held
  std::vector<ReplaySeen> seen_;                // REQUIRES: mu_ held
  std::vector<int> fds_;                        // REQUIRES: mu_ held
};

}  // namespace suanwang::testing
