// data::receive_to_file over an in-memory body: every byte reaches the file and each digest,
// in order, across many pieces; a body past the limit and a body that breaks off are reported.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "gateway/data/body_receiver.hpp"
#include "gateway/security/encoding.hpp"
#include "support/run_sync.hpp"
#include "support/temp_dir.hpp"

namespace suanwang::data {
namespace {

// A body handed out in reads of at most `step` bytes, breaking off after `break_at` if set.
class BrvBytes final : public ByteSource {
 public:
  BrvBytes(std::string bytes, std::size_t step, std::optional<std::size_t> break_at = {})
      : bytes_(std::move(bytes)), step_(step), break_at_(break_at) {}
  boost::asio::awaitable<Result<std::size_t>> read(std::span<char> buf) override {
    if (break_at_ && at_ >= *break_at_) co_return fail(Error::unavailable("cut short"));
    const std::size_t n = std::min({buf.size(), step_, bytes_.size() - at_});
    std::copy_n(bytes_.data() + at_, n, buf.data());
    at_ += n;
    co_return n;
  }
  std::optional<uint64_t> declared_length() const override { return bytes_.size(); }
  std::size_t handed_out() const { return at_; }

 private:
  std::string bytes_;
  std::size_t step_;
  std::optional<std::size_t> break_at_;
  std::size_t at_ = 0;
};

std::string brv_bytes(std::size_t n) {
  std::string s(n, '\0');
  uint32_t x = 7;
  for (auto& ch : s) {
    x = x * 1664525 + 1013904223;
    ch = static_cast<char>(x >> 24);
  }
  return s;
}

std::string brv_read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("receive_to_file: a body in many pieces reaches the file and every digest", "[data]") {
  testing::TempDir dir;
  DiskWork disk(2);
  boost::asio::io_context io;
  const std::string bytes = brv_bytes(3 * 1024 * 1024 + 12345);
  for (std::size_t step : {std::size_t{1000}, std::size_t{65536}, std::size_t{1} << 22}) {
    INFO("reads of " << step);
    const auto path = dir.path() / ("f" + std::to_string(step));
    auto out = FileAppender::open(path, 0);
    REQUIRE(out);
    BrvBytes body(bytes, step);
    Sha256 a;
    Sha256 b;
    Sha256* const digests[] = {&a, &b};
    auto got = testing::run_sync(io, receive_to_file(body, *out, digests, bytes.size(), disk));
    REQUIRE(got);
    CHECK(got->bytes == bytes.size());
    CHECK_FALSE(got->broken);
    CHECK(out->position() == bytes.size());
    const std::string hex = security::hex(security::sha256(bytes));
    CHECK(digest_hex(a.digest()) == hex);
    CHECK(digest_hex(b.digest()) == hex);
    CHECK(brv_read(path) == bytes);
  }
}

TEST_CASE("receive_to_file: past the limit fails; a broken body keeps what arrived", "[data]") {
  testing::TempDir dir;
  DiskWork disk(2);
  boost::asio::io_context io;
  const std::string bytes = brv_bytes(1024 * 1024);
  {
    auto out = FileAppender::open(dir.path() / "over", 0);
    REQUIRE(out);
    BrvBytes body(bytes, 65536);
    Sha256 h;
    Sha256* const digests[] = {&h};
    auto got = testing::run_sync(io, receive_to_file(body, *out, digests, bytes.size() - 1, disk));
    REQUIRE_FALSE(got);
    CHECK(got.error().code == Errc::payload_too_large);
    CHECK(out->position() < bytes.size());
  }
  {
    const std::size_t cut = 300000;
    auto out = FileAppender::open(dir.path() / "cut", 0);
    REQUIRE(out);
    BrvBytes body(bytes, 50000, cut);
    Sha256 h;
    Sha256* const digests[] = {&h};
    auto got = testing::run_sync(io, receive_to_file(body, *out, digests, bytes.size(), disk));
    REQUIRE(got);
    REQUIRE(got->broken);
    // Everything handed out before the break, and nothing else.
    CHECK(got->bytes == body.handed_out());
    CHECK(got->bytes >= cut);
    CHECK(brv_read(dir.path() / "cut") == bytes.substr(0, got->bytes));
    CHECK(digest_hex(h.digest()) == security::hex(security::sha256(bytes.substr(0, got->bytes))));
  }
}

}  // namespace suanwang::data
