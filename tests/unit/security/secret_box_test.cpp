// AES-256-GCM sealing: round trips, binds to its owner (AAD), detects tampering, names the key
// that sealed it, and opens values of a previous key only when that key is loaded.
#include <catch2/catch.hpp>

#include "gateway/security/encoding.hpp"
#include "gateway/security/master_key.hpp"
#include "gateway/security/secret_box.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::security;

MasterKey key_of(unsigned char fill) {
  MasterKey k;
  k.bytes.fill(fill);
  return k;
}

TEST_CASE("a sealed secret opens with its key and owner and hides the plaintext",
          "[security][secret_box]") {
  SeededRandom random(7);
  SecretBox box(key_of(1));
  const std::string secret = R"({"token":"eyJhbGciOi.secret-jwt"})";
  auto sealed = box.seal(secret, "site:site_1", random);
  REQUIRE(sealed);
  CHECK(sealed->starts_with("v1:" + box.current_key_id() + ":"));
  CHECK(sealed->find("secret-jwt") == std::string::npos);
  CHECK(SecretBox::key_id_of(*sealed) == box.current_key_id());
  auto opened = box.open(*sealed, "site:site_1");
  REQUIRE(opened);
  CHECK(*opened == secret);
  // A fresh nonce each time: the same secret never seals to the same text.
  CHECK(*box.seal(secret, "site:site_1", random) != *sealed);
}

TEST_CASE("a sealed secret does not open for another owner or after tampering",
          "[security][secret_box]") {
  SeededRandom random(8);
  SecretBox box(key_of(2));
  auto sealed = box.seal("credentials", "site:a", random);
  REQUIRE(sealed);
  auto other = box.open(*sealed, "site:b");
  REQUIRE_FALSE(other);
  CHECK(other.error().message.find("credentials") == std::string::npos);
  std::string tampered = *sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  CHECK_FALSE(box.open(tampered, "site:a"));
  CHECK_FALSE(box.open("v1:nokey", "site:a"));
  CHECK_FALSE(box.open("plaintext", "site:a"));
}

TEST_CASE("rotation - a previous key opens old values and the current key seals new ones",
          "[security][secret_box]") {
  SeededRandom random(9);
  SecretBox old_box(key_of(3));
  auto sealed = old_box.seal("s3cr3t", "x", random);
  REQUIRE(sealed);
  SecretBox new_only(key_of(4));
  auto refused = new_only.open(*sealed, "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::unavailable);
  CHECK(refused.error().message.find(old_box.current_key_id()) != std::string::npos);
  SecretBox rotating(key_of(4), {key_of(3)});
  CHECK(rotating.current_key_id() == new_only.current_key_id());
  CHECK(*rotating.open(*sealed, "x") == "s3cr3t");
  auto resealed = rotating.seal("s3cr3t", "x", random);
  CHECK(SecretBox::key_id_of(*resealed) == new_only.current_key_id());
  CHECK(key_of(3).id() != key_of(4).id());
}

TEST_CASE("master keys are 64 hex digits read from files that only the owner can read",
          "[security][master_key]") {
  CHECK(parse_master_key(std::string(64, 'a'), "test"));
  CHECK(parse_master_key("  " + std::string(64, 'F') + "\n", "test"));
  auto short_key = parse_master_key(std::string(62, 'a'), "test");
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().field == "master_key");
  CHECK_FALSE(parse_master_key(std::string(63, 'a') + "g", "test"));

  const auto dir =
      std::filesystem::temp_directory_path() / ("suanwang-mk-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  SeededRandom random(10);
  auto generated = load_master_key(std::nullopt, {}, dir, random);
  REQUIRE(generated);
  CHECK(generated->generated);
  const auto file = dir / "master.key";
  CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::group_all) ==
        std::filesystem::perms::none);
  auto again = load_master_key(std::nullopt, {}, dir, random);
  REQUIRE(again);
  CHECK_FALSE(again->generated);
  CHECK(again->key.id() == generated->key.id());
  // The environment wins over files.
  auto env = load_master_key(std::string(64, '0'), file, dir, random);
  REQUIRE(env);
  CHECK(env->source == "SUANWANG_MASTER_KEY");
  CHECK(env->key.id() != generated->key.id());
  std::filesystem::permissions(file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto loose = read_master_key_file(file);
  REQUIRE_FALSE(loose);
  CHECK(loose.error().message.find("chmod 600") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("encodings round-trip and compare in constant time", "[security][encoding]") {
  for (std::string raw : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                          std::string("\x00\xff\x10 binary", 10)}) {
    auto back = base64_decode(base64_encode(raw));
    REQUIRE(back);
    CHECK(*back == raw);
    CHECK(*unhex(hex(raw)) == raw);
  }
  CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK_FALSE(base64_decode("abc"));
  CHECK_FALSE(unhex("0g"));
  CHECK(constant_time_equal("same", "same"));
  CHECK_FALSE(constant_time_equal("same", "sane"));
  CHECK_FALSE(constant_time_equal("same", "same!"));
}

}  // namespace
