// scrypt passwords: only the hash is kept, verification accepts the right password only, and
// the policy names the field.
#include <catch2/catch.hpp>

#include "gateway/security/password.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::security;

TEST_CASE("a password hash verifies the password and nothing else", "[security][password]") {
  SeededRandom random(1);
  auto h = hash_password("correct horse battery staple", random, 10);
  REQUIRE(h);
  CHECK(h->starts_with("scrypt$10$8$1$"));
  CHECK(h->find("correct horse") == std::string::npos);
  CHECK(verify_password("correct horse battery staple", *h));
  CHECK_FALSE(verify_password("correct horse battery stapl", *h));
  CHECK_FALSE(verify_password("", *h));
  // Salted: the same password hashes differently each time.
  CHECK(*hash_password("correct horse battery staple", random, 10) != *h);
  CHECK_FALSE(verify_password("x", "scrypt$99$8$1$AAAA$AAAA"));
  CHECK_FALSE(verify_password("x", "bcrypt$whatever"));
  CHECK_FALSE(verify_password("x", ""));
}

TEST_CASE("the production cost is scrypt N=2^15", "[security][password]") {
  SeededRandom random(2);
  auto h = hash_password("a long enough password", random);
  REQUIRE(h);
  CHECK(h->starts_with("scrypt$15$8$1$"));
  CHECK(verify_password("a long enough password", *h));
}

TEST_CASE("passwords are 10 to 256 characters", "[security][password]") {
  CHECK(check_password_policy("0123456789"));
  auto short_pw = check_password_policy("123456789");
  REQUIRE_FALSE(short_pw);
  CHECK(short_pw.error().field == "password");
  CHECK_FALSE(check_password_policy(std::string(257, 'x')));
}

}  // namespace
