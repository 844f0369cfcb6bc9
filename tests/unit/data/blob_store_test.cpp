// The content-addressed blob store: written whole or not at all, stored once, checked,
// collected when unreferenced; partial uploads cut back to their committed offset.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "gateway/data/blob_store.hpp"
#include "gateway/security/encoding.hpp"
#include "support/temp_dir.hpp"

namespace suanwang::data {
namespace {

std::string blob_read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path blob_write_temp(BlobStore& store, std::string_view bytes) {
  auto p = store.temp_path();
  REQUIRE(p);
  auto out = FileAppender::open(*p, 0);
  REQUIRE(out);
  REQUIRE(out->write(std::span<const char>(bytes.data(), bytes.size())));
  return *p;
}

std::string blob_sha(std::string_view bytes) {
  return security::hex(security::sha256(bytes));
}

}  // namespace

TEST_CASE("blob store: a file is stored under its SHA-256, once", "[data]") {
  testing::TempDir dir;
  auto store = BlobStore::open(dir.path() / "blobs");
  REQUIRE(store);
  const std::string bytes = "hello, 算网\n";
  auto a = store->adopt(blob_write_temp(*store, bytes), std::nullopt, std::nullopt);
  REQUIRE(a);
  CHECK(a->sha256 == blob_sha(bytes));
  CHECK(a->size == bytes.size());
  CHECK(store->has(a->sha256));
  CHECK(blob_read(store->blob_path(a->sha256)) == bytes);
  // The same bytes again: the same blob, and the temporary file is gone.
  const auto second = blob_write_temp(*store, bytes);
  auto b = store->adopt(second, std::nullopt, std::nullopt);
  REQUIRE(b);
  CHECK(b->sha256 == a->sha256);
  CHECK_FALSE(std::filesystem::exists(second));
  CHECK(store->bytes_stored() == bytes.size());
}

TEST_CASE("blob store: bytes that do not have the expected digest are refused and removed",
          "[data]") {
  testing::TempDir dir;
  auto store = BlobStore::open(dir.path());
  REQUIRE(store);
  const auto tmp = blob_write_temp(*store, "abc");
  auto wrong = digest_from_hex(blob_sha("abd"));
  auto r = store->adopt(tmp, std::nullopt, wrong);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("not the expected") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp));
  CHECK_FALSE(store->has(blob_sha("abc")));
}

TEST_CASE("blob store: verify notices a flipped byte", "[data]") {
  testing::TempDir dir;
  auto store = BlobStore::open(dir.path());
  REQUIRE(store);
  auto a = store->adopt(blob_write_temp(*store, "the data"), std::nullopt, std::nullopt);
  REQUIRE(a);
  CHECK(*store->verify(a->sha256));
  {
    std::fstream f(store->blob_path(a->sha256), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('X');
  }
  CHECK_FALSE(*store->verify(a->sha256));
}

TEST_CASE("blob store: collection removes only unreferenced blobs older than the grace",
          "[data]") {
  testing::TempDir dir;
  auto store = BlobStore::open(dir.path());
  REQUIRE(store);
  auto kept = store->adopt(blob_write_temp(*store, "kept"), std::nullopt, std::nullopt);
  auto gone = store->adopt(blob_write_temp(*store, "gone"), std::nullopt, std::nullopt);
  REQUIRE(kept);
  REQUIRE(gone);
  auto referenced = [&](std::string_view hex) { return hex == kept->sha256; };
  // Within the grace nothing goes.
  auto young = store->collect(referenced, std::chrono::hours(1));
  REQUIRE(young);
  CHECK(young->blobs_removed == 0);
  CHECK(store->has(gone->sha256));
  auto r = store->collect(referenced, std::chrono::seconds(0));
  REQUIRE(r);
  CHECK(r->blobs_removed == 1);
  CHECK(r->bytes_freed == 4);
  CHECK(store->has(kept->sha256));
  CHECK_FALSE(store->has(gone->sha256));
}

TEST_CASE("blob store: an upload's file is cut back to its committed offset on reopening",
          "[data]") {
  testing::TempDir dir;
  auto store = BlobStore::open(dir.path());
  REQUIRE(store);
  {
    auto out = store->upload_appender("up_1", 0);
    REQUIRE(out);
    REQUIRE(out->write(std::span<const char>("0123456789", 10)));
    REQUIRE(out->sync());
  }
  // 4 bytes were committed; the 6 after them were a write that did not count.
  {
    auto out = store->upload_appender("up_1", 4);
    REQUIRE(out);
    REQUIRE(out->write(std::span<const char>("abcd", 4)));
  }
  CHECK(blob_read(store->upload_path("up_1")) == "0123abcd");
  auto h = store->upload_rehash("up_1", 8);
  REQUIRE(h);
  CHECK(digest_hex(h->digest()) == blob_sha("0123abcd"));
  // A range of it, into two digests at once (a tus piece's own and the running one).
  Sha256 piece;
  Sha256 running = *store->upload_rehash("up_1", 4);
  Sha256* const both[] = {&piece, &running};
  REQUIRE(store->upload_hash_range("up_1", 4, 4, both));
  CHECK(digest_hex(piece.digest()) == blob_sha("abcd"));
  CHECK(digest_hex(running.digest()) == blob_sha("0123abcd"));
  CHECK_FALSE(store->upload_hash_range("up_1", 4, 5, both));  // past the end
  // An offset past the file's end is a broken record, not something to paper over.
  CHECK_FALSE(store->upload_appender("up_1", 100));
}

TEST_CASE("sha256: pieces give the digest of the whole, and a copy forks the state", "[data]") {
  Sha256 h;
  h.update("hello ");
  Sha256 fork = h;
  h.update("world");
  fork.update("there");
  CHECK(digest_hex(h.digest()) == blob_sha("hello world"));
  CHECK(digest_hex(fork.digest()) == blob_sha("hello there"));
  CHECK(digest_from_base64(digest_base64(h.digest())) == h.digest());
  CHECK_FALSE(digest_from_hex("zz"));
}

}  // namespace suanwang::data
