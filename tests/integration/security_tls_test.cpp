// HTTPS: with --tls-cert/--tls-key the gateway speaks TLS 1.2+ only. `openssl s_client`
// completes a verified TLS 1.2 and 1.3 handshake and is refused at TLS 1.1; plain HTTP on the
// TLS port gets no HTTP answer; over HTTPS the session cookie is Secure. The certificate comes
// from scripts/tls-selfsigned, so the script is tested too.
#include <catch2/catch.hpp>

#include <cstdio>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "build_info.hpp"
#include "gateway/security/password.hpp"
#include "gateway/store/org_repo.hpp"
#include "gateway/store/user_repo.hpp"
#include "integration/support/security_support.hpp"

namespace suanwang::testing {
namespace {
namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string output;
};

// Runs a shell command with no input, capturing stdout and stderr (bounded).
Run run(const std::string& command) {
  Run r;
  FILE* p = ::popen((command + " </dev/null 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (r.output.size() < (1 << 20)) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, p);
    if (n == 0) break;
    r.output.append(buf, n);
  }
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

fs::path source_dir() {
  return fs::path(build_info::kDefaultWebDir).parent_path();
}

std::string s_client(uint16_t port, const fs::path& ca, const std::string& options) {
  return "timeout 20 openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
         " -servername localhost -CAfile " + ca.string() + " " + options;
}
}  // namespace

TEST_CASE("the gateway serves TLS 1.2 and 1.3 only and nothing in plain HTTP",
          "[integration][security][tls]") {
  TempDir dir;
  const auto tls = dir.path() / "tls";
  auto made = run((source_dir() / "scripts" / "tls-selfsigned").string() + " " + tls.string());
  INFO(made.output);
  REQUIRE(made.status == 0);
  REQUIRE(fs::exists(tls / "cert.pem"));
  CHECK((fs::status(tls / "key.pem").permissions() & fs::perms::others_all) == fs::perms::none);
  const auto cert = tls / "cert.pem";
  TestGateway gw(dir.path(), {.tweak = [&](Config& c) {
                   c.tls_cert_file = cert;
                   c.tls_key_file = tls / "key.pem";
                 }});

  auto v12 = run(s_client(gw.port(), cert, "-tls1_2 -verify_return_error"));
  INFO(v12.output);
  CHECK(v12.status == 0);
  CHECK(v12.output.find("Protocol  : TLSv1.2") != std::string::npos);
  CHECK(v12.output.find("Verify return code: 0 (ok)") != std::string::npos);
  CHECK(v12.output.find("ECDHE") != std::string::npos);  // forward secrecy

  auto v13 = run(s_client(gw.port(), cert, "-tls1_3 -verify_return_error"));
  INFO(v13.output);
  CHECK(v13.status == 0);
  CHECK(v13.output.find("TLSv1.3") != std::string::npos);

  // The client is told to allow TLS 1.1 (and its ciphers); the server still refuses it.
  auto v11 = run(s_client(gw.port(), cert, "-tls1_1 -cipher DEFAULT:@SECLEVEL=0"));
  INFO(v11.output);
  CHECK(v11.status != 0);
  CHECK(v11.output.find("Cipher is (NONE)") != std::string::npos);

  // A CBC-only TLS 1.2 client finds no shared cipher: only AEAD suites are offered.
  auto cbc = run(s_client(gw.port(), cert, "-tls1_2 -cipher AES128-SHA:@SECLEVEL=0"));
  INFO(cbc.output);
  CHECK(cbc.status != 0);

  // Plain HTTP on the TLS port: the connection closes without an HTTP answer.
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), gw.port()});
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(request));
    std::string reply;
    boost::system::error_code ec;
    boost::asio::read(socket, boost::asio::dynamic_buffer(reply, 65536), ec);
    CHECK(ec);  // eof or reset: the server closed it
    CHECK(reply.find("HTTP/1.") == std::string::npos);
  }

  // Over HTTPS the API answers and the session cookie is Secure.
  auto health = run("timeout 20 curl -sS --cacert " + cert.string() +
                    " https://localhost:" + std::to_string(gw.port()) + "/healthz");
  INFO(health.output);
  CHECK(health.status == 0);
  CHECK(health.output.find("ok") != std::string::npos);
  // A user to sign in as, written straight to the store (the API is HTTPS-only here).
  auto made_user = gw.app().store().blocking([](store::Db& db) -> Result<void> {
    auto org = store::find_org_by_name(db, "admin");
    if (!org || !*org) return fail(Error::internal("no admin org"));
    SeededRandom random(1);
    auto hash = security::hash_password("a-good-long-password", random, 10);
    if (!hash) return fail(hash.error());
    store::UserRecord u{"usr_tls", (*org)->id, "root@example.com", "", "admin", {}, {}};
    return store::insert_user(db, u, *hash);
  });
  REQUIRE(made_user);
  auto login = run("timeout 20 curl -sS -i --cacert " + cert.string() +
                   " -H 'Content-Type: application/json'"
                   " -d '{\"email\":\"root@example.com\",\"password\":\"a-good-long-password\"}'"
                   " https://localhost:" +
                   std::to_string(gw.port()) + "/api/v1/session");
  INFO(login.output);
  CHECK(login.output.find("sw_session=") != std::string::npos);
  CHECK(login.output.find("; Secure") != std::string::npos);
}

}  // namespace suanwang::testing
