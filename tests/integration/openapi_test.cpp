// Contracts first (house rule 8): the route table and schema/openapi.json describe the same API.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "gateway/http/message.hpp"
#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {

TEST_CASE("every route is in the OpenAPI document and every documented operation is routed",
          "[integration][openapi]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto doc = gw.client().get("/api/v1/openapi.json");
  REQUIRE(doc.status == 200);
  const auto spec = doc.json();
  CHECK(spec.at("openapi").get<std::string>().rfind("3.1", 0) == 0);

  std::set<std::string> documented;
  for (const auto& [path, item] : spec.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(m + " " + path);
      CHECK(op.contains("responses"));
    }
  }
  std::set<std::string> routed;
  for (const auto& route : gw.app().router().routes()) {
    // A rest-of-path capture "{path...}" is the parameter "{path}" in OpenAPI (which allows '/'
    // in it only by description).
    std::string pattern = route.pattern;
    if (auto at = pattern.find("...}"); at != std::string::npos) pattern.replace(at, 4, "}");
    routed.insert(std::string(boost::beast::http::to_string(route.method)) + " " + pattern);
  }
  REQUIRE_FALSE(routed.empty());
  for (const auto& r : routed) {
    INFO("routed but not documented: " << r);
    CHECK(documented.count(r) == 1);
  }
  for (const auto& d : documented) {
    INFO("documented but not routed: " << d);
    CHECK(routed.count(d) == 1);
  }
}

}  // namespace suanwang::testing
