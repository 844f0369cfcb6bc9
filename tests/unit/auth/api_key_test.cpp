// API keys: "sw_" + 43 base64url characters of 256 random bits; only the hex SHA-256 of a key
// is kept, with a short prefix to tell keys apart.
#include <catch2/catch.hpp>

#include <set>

#include "gateway/auth/api_key.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::auth;

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST_CASE("a generated key is sw_ and 43 base64url characters", "[auth][api_key]") {
  SeededRandom random(1);
  for (int i = 0; i < 50; ++i) {
    const NewKey k = generate_api_key(random);
    INFO(k.secret);
    REQUIRE(k.secret.size() == 3 + 43);
    CHECK(k.secret.substr(0, 3) == "sw_");
    for (char c : k.secret.substr(3)) CHECK(is_base64url(c));
    CHECK(looks_like_api_key(k.secret));
    // 256 bits in 43 characters leave 2 bits of the last one unused (zero).
    const auto last =
        std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            .find(k.secret.back());
    CHECK(last % 4 == 0);
  }
}

TEST_CASE("the stored hash is the hex SHA-256 of the secret", "[auth][api_key]") {
  // FIPS 180-2 test vectors.
  CHECK(hash_api_key("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_api_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  SeededRandom random(2);
  const NewKey k = generate_api_key(random);
  CHECK(k.hash == hash_api_key(k.secret));
  CHECK(k.hash.size() == 64);
  for (char c : k.hash) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
  CHECK(k.hash.find(k.secret) == std::string::npos);
}

TEST_CASE("every key, hash and prefix differs", "[auth][api_key]") {
  SeededRandom random(3);
  std::set<std::string> secrets, hashes;
  for (int i = 0; i < 500; ++i) {
    const NewKey k = generate_api_key(random);
    secrets.insert(k.secret);
    hashes.insert(k.hash);
  }
  CHECK(secrets.size() == 500);
  CHECK(hashes.size() == 500);
  // With the production source too.
  SecureRandom secure;
  CHECK(generate_api_key(secure).secret != generate_api_key(secure).secret);
}

TEST_CASE("keys come from the injected randomness", "[auth][api_key]") {
  SeededRandom a(9), b(9);
  CHECK(generate_api_key(a).secret == generate_api_key(b).secret);
}

TEST_CASE("the prefix is the first ten characters, enough to tell keys apart", "[auth][api_key]") {
  SeededRandom random(4);
  const NewKey k = generate_api_key(random);
  CHECK(k.prefix == k.secret.substr(0, 10));
  CHECK(key_prefix("sw_abc") == "sw_abc");
}

TEST_CASE("key_from_secret wraps a given secret", "[auth][api_key]") {
  const NewKey k = key_from_secret("sw_admin_from_environment_0001");
  CHECK(k.secret == "sw_admin_from_environment_0001");
  CHECK(k.prefix == "sw_admin_f");
  CHECK(k.hash == hash_api_key("sw_admin_from_environment_0001"));
}

TEST_CASE("looks_like_api_key screens out junk before any lookup", "[auth][api_key]") {
  CHECK(looks_like_api_key("sw_0123456789abcdef"));
  CHECK(looks_like_api_key(std::string(16, 'k')));   // lower bound inclusive
  CHECK(looks_like_api_key(std::string(256, 'k')));  // upper bound inclusive
  CHECK_FALSE(looks_like_api_key(""));
  CHECK_FALSE(looks_like_api_key(std::string(15, 'k')));
  CHECK_FALSE(looks_like_api_key(std::string(257, 'k')));
  CHECK_FALSE(looks_like_api_key("sw_0123456789 abcdef"));   // space
  CHECK_FALSE(looks_like_api_key("sw_0123456789abcdef\n"));  // control
  CHECK_FALSE(looks_like_api_key("sw_0123456789abcdef\t"));
  CHECK_FALSE(looks_like_api_key("sw_0123456789abcd\x7f"));     // DEL
  CHECK_FALSE(looks_like_api_key("sw_0123456789abc\xc3\xa9"));  // non-ASCII
}

}  // namespace
