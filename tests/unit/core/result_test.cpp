// Result<T> and Error: the named constructors carry the right code and field, and every error
// code has the stable name that logs and problem+json `code` members use.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "gateway/core/result.hpp"

namespace {

using namespace suanwang;

TEST_CASE("errc_name gives each code its stable, distinct snake_case name", "[core][result]") {
  CHECK(std::string(errc_name(Errc::invalid_argument)) == "invalid_argument");
  CHECK(std::string(errc_name(Errc::not_found)) == "not_found");
  CHECK(std::string(errc_name(Errc::already_exists)) == "already_exists");
  CHECK(std::string(errc_name(Errc::conflict)) == "conflict");
  CHECK(std::string(errc_name(Errc::unauthenticated)) == "unauthenticated");
  CHECK(std::string(errc_name(Errc::forbidden)) == "forbidden");
  CHECK(std::string(errc_name(Errc::payload_too_large)) == "payload_too_large");
  CHECK(std::string(errc_name(Errc::unsupported_media)) == "unsupported_media");
  CHECK(std::string(errc_name(Errc::unprocessable)) == "unprocessable");
  CHECK(std::string(errc_name(Errc::unavailable)) == "unavailable");
  CHECK(std::string(errc_name(Errc::internal)) == "internal");
}

TEST_CASE("Error named constructors set code, message and field", "[core][result]") {
  const Error inv = Error::invalid("resources.cpus", "resources.cpus must be positive");
  CHECK(inv.code == Errc::invalid_argument);
  CHECK(inv.field == "resources.cpus");
  CHECK(inv.message == "resources.cpus must be positive");

  CHECK(Error::not_found("no such job").code == Errc::not_found);
  CHECK(Error::conflict("busy").code == Errc::conflict);
  CHECK(Error::internal("bug").code == Errc::internal);
  CHECK(Error::forbidden("no").code == Errc::forbidden);
  CHECK(Error::unavailable("down").code == Errc::unavailable);
  // Only invalid() blames a field.
  CHECK(Error::not_found("x").field.empty());
  CHECK(Error::unavailable("x").message == "x");
  // A default Error is an internal one: an error nobody classified is not the caller's fault.
  CHECK(Error{}.code == Errc::internal);
}

TEST_CASE("ok() and fail() build success and failure values", "[core][result]") {
  Result<void> good = ok();
  CHECK(good.has_value());

  Result<int> bad = fail(Error::conflict("taken"));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Errc::conflict);
  CHECK(bad.error().message == "taken");

  Result<int> value = 7;
  REQUIRE(value);
  CHECK(*value == 7);
}

}  // namespace
