// Hostile clients (DESIGN §6): slow-loris connections that trickle a header byte at a time,
// idle connections that send nothing, and header floods. Each is cut off by the server's read
// deadline or header limit, and meanwhile ordinary clients are answered as usual.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {
using Clock = std::chrono::steady_clock;

constexpr auto kReadTimeout = std::chrono::milliseconds(700);

// A raw TCP connection to the gateway.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 100 * 1000};  // reads below poll in 100 ms steps
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // False once the server has closed the connection (the send fails).
  bool send(const std::string& s) {
    return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
  }
  // Whatever arrived (within ~100 ms when `wait`); "closed" once the server closed it.
  std::string read_some(bool wait = true) {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, wait ? 0 : MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  bool closed = false;

 private:
  int fd_;
};

}  // namespace

TEST_CASE("slow clients: slow-loris and idle connections are cut off without starving others",
          "[integration][hostile]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.tweak = [](Config& c) {
                   c.read_timeout = kReadTimeout;
                   c.idle_timeout = kReadTimeout;
                 }});
  std::vector<std::unique_ptr<RawSocket>> loris, idle;
  for (int i = 0; i < 40; ++i) {
    loris.push_back(std::make_unique<RawSocket>(gw.port()));
    REQUIRE(loris.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
    idle.push_back(std::make_unique<RawSocket>(gw.port()));
  }
  auto client = gw.client();
  const auto t0 = Clock::now();
  int answered = 0;
  bool all_closed = false;
  // Trickle one header byte per connection every ~20 ms, and ask as an ordinary client between.
  while (!all_closed && Clock::now() - t0 < 10 * kReadTimeout) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the trickle's pace
    for (auto& s : loris) {
      if (!s->closed && !s->send("X")) s->closed = true;
    }
    auto r = client.get("/healthz");
    REQUIRE(r.status == 200);
    ++answered;
    all_closed = true;
    for (auto* group : {&loris, &idle}) {
      for (auto& s : *group) {
        if (!s->closed) (void)s->read_some(false);
        all_closed = all_closed && s->closed;
      }
    }
  }
  const auto took = Clock::now() - t0;
  INFO("ordinary requests answered: " << answered);
  CHECK(all_closed);
  // One read deadline, plus the polling above; never the trickle's pace.
  CHECK(took < 5 * kReadTimeout);
  CHECK(answered > 5);
}

TEST_CASE("slow clients: a header flood gets 431 and the connection closes",
          "[integration][hostile]") {
  TempDir dir;
  TestGateway gw(dir.path());
  RawSocket s(gw.port());
  std::string flood = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; flood.size() < 64 * 1024; ++i) {
    flood += "X-Flood-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
  }
  (void)s.send(flood);  // the server may stop reading part-way
  std::string answer;
  const auto t0 = Clock::now();
  while (!s.closed && Clock::now() - t0 < std::chrono::seconds(10)) answer += s.read_some();
  CHECK(s.closed);
  CHECK(answer.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(answer.find("header_too_large") != std::string::npos);
  // And the server still serves everyone else.
  CHECK(gw.client().get("/healthz").status == 200);
}

}  // namespace suanwang::testing
