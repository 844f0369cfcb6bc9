// http::Server's streamed request bodies (Server::set_streaming), over a real socket: a large
// body reaches the handler in pieces of tens of KiB. The connection's buffer was once left at
// the size the header needed, which made every body read a 512-byte recv and uploads crawl at
// a tenth of the disk's speed (found by bench/data_bench.py).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <catch2/catch.hpp>

#include "gateway/core/logging.hpp"
#include "gateway/core/random.hpp"
#include "gateway/http/server.hpp"

namespace suanwang::http {
namespace {

constexpr uint64_t kSstBody = 4 * 1024 * 1024;

// Sends `request` on a new connection and returns everything the server answers until it
// closes the connection.
std::string sst_exchange(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string_view left = request;
  while (!left.empty()) {
    const ssize_t n = ::send(fd, left.data(), left.size(), MSG_NOSIGNAL);
    REQUIRE(n > 0);
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, n);
  ::close(fd);
  return answer;
}

}  // namespace

TEST_CASE("http server: a streamed request body is read in large pieces, not 512-byte ones",
          "[http]") {
  boost::asio::io_context io;
  std::ostringstream logs;
  Logger log(logs, LogLevel::warn);
  SecureRandom random;
  std::size_t total = 0;
  std::size_t reads = 0;
  Server server(
      io,
      [&](RequestContext& rc) -> boost::asio::awaitable<Response> {
        std::vector<char> buf(256 * 1024);
        for (;;) {
          auto n = co_await rc.body_reader->read(std::span<char>(buf));
          if (!n || *n == 0) break;
          total += *n;
          ++reads;
        }
        co_return text_response(Status::ok, std::to_string(total), "text/plain");
      },
      log, random, ServerLimits{});
  server.set_streaming([](Verb, std::string_view) { return std::optional<uint64_t>(kSstBody); });
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);
  server.start();
  std::thread runner([&] { io.run(); });

  const std::string answer =
      sst_exchange(*port,
                   "PUT /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   "Content-Length: " +
                       std::to_string(kSstBody) + "\r\n\r\n" + std::string(kSstBody, 'b'));
  boost::asio::co_spawn(io, server.stop(), boost::asio::detached);
  runner.join();
  INFO(answer.substr(0, 200));
  CHECK(answer.starts_with("HTTP/1.1 200"));
  CHECK(total == kSstBody);
  // 8 KiB a read on average at the least (Beast reads up to 64 KiB at once); 512-byte reads
  // would take 8,192 of them.
  INFO(reads << " reads");
  CHECK(reads * 8 * 1024 <= kSstBody);
}

}  // namespace suanwang::http
