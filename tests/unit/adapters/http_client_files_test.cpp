// The adapters' HttpClient streaming files (what the peer adapter stages and collects with): a
// request body read from a file, a 2xx answer's body written to one, other answers read as
// text, and the per-request body limit and deadline. Against a blocking server on loopback.
#include <catch2/catch.hpp>

#include <fstream>

#include "adapters/common/http_client.hpp"
#include "common/sha256.hpp"
#include "support/replay_http_server.hpp"
#include "support/run_sync.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::adapters;

std::string hcf_read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

HttpClient hcf_client(boost::asio::io_context& io, const std::string& endpoint) {
  auto url = parse_http_url(endpoint, "endpoint");
  REQUIRE(url);
  HttpClientOptions o;
  o.timeout = std::chrono::milliseconds(5000);
  o.max_body_bytes = 128;
  return HttpClient(io.get_executor(), *url, o);
}

}  // namespace

TEST_CASE("http client: a body streamed from a file, an answer streamed into one",
          "[adapters][http]") {
  testing::TempDir dir;
  testing::ReplayHttpServer server;
  boost::asio::io_context io;
  HttpClient client = hcf_client(io, server.endpoint());

  // Larger than the client's body limit, which is for answers only.
  std::string bytes(300'000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + i / 251);
  const auto src = dir.path() / "src.bin";
  std::ofstream(src, std::ios::binary) << bytes;
  server.answer("PUT", "/files/a", {201, "application/json", R"({"ok":true})"});
  HttpRequest put;
  put.method = "PUT";
  put.target = "/files/a";
  put.body_file = src.string();
  auto r = testing::run_sync(io, client.request(put));
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(r->body == R"({"ok":true})");
  REQUIRE(server.seen().size() == 1);
  CHECK(server.seen()[0].body == bytes);

  server.answer("GET", "/files/b", {200, "application/octet-stream", std::string(1000, 'b')});
  HttpRequest get;
  get.target = "/files/b";
  get.response_file = (dir.path() / "b.out").string();
  get.max_body_bytes = 1000;
  r = testing::run_sync(io, client.request(get));
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
  CHECK(hcf_read(dir.path() / "b.out") == std::string(1000, 'b'));
  // Hashed on the way in.
  common::Sha256 h;
  h.update(std::string(1000, 'b'));
  CHECK(r->file_sha256 == common::digest_hex(h.digest()));
  CHECK(r->file_bytes == 1000);

  // Not a 2xx: the answer is read as text, no file is made.
  HttpRequest missing;
  missing.target = "/files/none";
  missing.response_file = (dir.path() / "none.out").string();
  r = testing::run_sync(io, client.request(missing));
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK_THAT(r->body, Catch::Contains("Unable find"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "none.out"));

  // More than the request's limit: refused, whatever the client's own limit.
  HttpRequest small = get;
  small.max_body_bytes = 999;
  auto big = testing::run_sync(io, client.request(small));
  REQUIRE_FALSE(big);
  CHECK(big.error().code == AdapterErrc::bad_response);
  CHECK_THAT(big.error().message, Catch::Contains("999"));
  // Without one, the client's limit (128 bytes) holds for a file too.
  HttpRequest unlimited = get;
  unlimited.max_body_bytes = 0;
  CHECK_FALSE(testing::run_sync(io, client.request(unlimited)));

  HttpRequest gone;
  gone.method = "PUT";
  gone.target = "/files/a";
  gone.body_file = (dir.path() / "no-such-file").string();
  auto unreadable = testing::run_sync(io, client.request(gone));
  REQUIRE_FALSE(unreadable);
  CHECK(unreadable.error().code == AdapterErrc::internal);
}
