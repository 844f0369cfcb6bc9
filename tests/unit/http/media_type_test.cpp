// Media types per RFC 9110 §8.3.1: type and subtype compared without case, parameters allowed,
// nothing accepted by substring.
#include <catch2/catch.hpp>

#include "gateway/http/media_type.hpp"

using suanwang::http::parse_media_type;

TEST_CASE("media types: the essence, lower-cased, with parameters and spaces allowed",
          "[http][media_type]") {
  for (const char* v :
       {"application/json", "Application/JSON", "application/json; charset=utf-8",
        "application/json;charset=\"UTF-8\"", " application/json ;  q=1 ", "APPLICATION/Json;"}) {
    INFO(v);
    const auto mt = parse_media_type(v);
    REQUIRE(mt);
    CHECK(mt->essence() == "application/json");
  }
  CHECK(parse_media_type("application/merge-patch+json")->essence() ==
        "application/merge-patch+json");
}

TEST_CASE("media types: malformed values are not media types", "[http][media_type]") {
  for (const char* v :
       {"", "json", "application/", "/json", "application json", "application/json; charset",
        "application/json; =x", "application/json; charset=\"utf-8", "application/json x",
        "application/js(on"}) {
    INFO(v);
    CHECK_FALSE(parse_media_type(v));
  }
}

TEST_CASE("media types: a look-alike is another type", "[http][media_type]") {
  CHECK(parse_media_type("application/jsonx")->essence() != "application/json");
  CHECK(parse_media_type("text/json-whatever")->essence() != "application/json");
}
