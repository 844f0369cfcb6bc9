// Bad input gets a clear 4xx problem+json naming the problem (RFC 9457), and nothing is stored.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/test_gateway.hpp"

namespace suanwang::testing {
namespace {
using nlohmann::json;

void check_problem(const HttpResponse& r, int status) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK_THAT(r.header("content-type"), Catch::StartsWith("application/problem+json"));
  const json p = r.json();
  CHECK(p.at("status") == status);
  CHECK(p.at("type").get<std::string>().rfind("urn:suanwang:problem:", 0) == 0);
  CHECK_FALSE(p.at("title").get<std::string>().empty());
  CHECK_FALSE(p.at("detail").get<std::string>().empty());
  CHECK_FALSE(r.header("x-request-id").empty());
}
}  // namespace

TEST_CASE("HTTP errors are problem+json with the right status", "[integration][http]") {
  TempDir dir;
  TestGateway gw(dir.path(), {.demo = true});
  auto user = gw.client(gw.demo_key("demo-user"));

  SECTION("a body with a wrongly typed field is a 400 naming the field") {
    auto r = user.post("/api/v1/jobs", {{"command", "true"},
                                        {"resources", {{"cpus", "four"}, {"walltime_s", 60}}}});
    check_problem(r, 400);
    CHECK_THAT(r.json().at("detail").get<std::string>(), Catch::Contains("resources.cpus"));
  }
  SECTION("a missing command and script is a 400 naming them") {
    auto r = user.post("/api/v1/jobs", {{"resources", {{"cpus", 1}, {"walltime_s", 60}}}});
    check_problem(r, 400);
    CHECK_THAT(r.json().at("detail").get<std::string>(), Catch::Contains("command"));
  }
  SECTION("an unknown field is a 400 naming it, so typos do not pass silently") {
    auto r = user.post("/api/v1/jobs", {{"command", "true"}, {"resoures", {{"cpus", 1}}}});
    check_problem(r, 400);
    CHECK_THAT(r.json().at("detail").get<std::string>(), Catch::Contains("resoures"));
  }
  SECTION("malformed JSON is a 400") {
    auto r = user.request("POST", "/api/v1/jobs",
                          "{\"command\": ", {{"Content-Type", "application/json"}});
    check_problem(r, 400);
  }
  SECTION("JSON nested deeper than the limit is a 400") {
    std::string deep(200, '[');
    deep += std::string(200, ']');
    auto r = user.request("POST", "/api/v1/jobs", deep, {{"Content-Type", "application/json"}});
    check_problem(r, 400);
  }
  SECTION("nothing was stored by the rejected requests") {
    user.post("/api/v1/jobs", {{"command", "true"}, {"resources", {{"cpus", -1}}}});
    auto list = user.get("/api/v1/jobs");
    REQUIRE(list.status == 200);
    CHECK(list.json().at("items").empty());
  }
  SECTION("an unknown route is a 404") {
    check_problem(user.get("/api/v1/no-such-thing"), 404);
    check_problem(user.get("/api/v2/jobs"), 404);
  }
  SECTION("an unknown job is a 404") {
    check_problem(user.get("/api/v1/jobs/job_00000000000000000000000000"), 404);
  }
  SECTION("a known route with the wrong method is a 405 with Allow") {
    auto r = user.request("DELETE", "/api/v1/jobs", "");
    check_problem(r, 405);
    CHECK_THAT(r.header("allow"), Catch::Contains("GET") && Catch::Contains("POST"));
  }
  SECTION("no key is a 401, a wrong key is a 401") {
    auto anon = gw.client();
    check_problem(anon.get("/api/v1/jobs"), 401);
    auto wrong = gw.client("sw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    check_problem(wrong.get("/api/v1/jobs"), 401);
  }
  SECTION("a user may not act as an admin: 403") {
    check_problem(user.post("/api/v1/orgs", {{"name", "x"}, {"kind", "user"}}), 403);
  }
  SECTION("a body over the limit is a 413") {
    std::string big = "{\"command\": \"" + std::string(2 * 1024 * 1024, 'x') + "\"}";
    auto r = user.request("POST", "/api/v1/jobs", big, {{"Content-Type", "application/json"}});
    CHECK(r.status == 413);
    // The server is still healthy afterwards.
    CHECK(gw.client().get("/healthz").status == 200);
  }
  SECTION("a non-JSON content type is a 415") {
    auto r = user.request("POST", "/api/v1/jobs", "command=true",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
    check_problem(r, 415);
    // Look-alikes are not JSON (the check was a substring search once).
    for (const char* ct : {"application/jsonx", "text/json-whatever", "application/json x"}) {
      INFO(ct);
      auto l =
          user.request("POST", "/api/v1/quotes", "{\"command\": \"true\"}", {{"Content-Type", ct}});
      check_problem(l, 415);
    }
    // Merge patches only where the API takes them (PATCH /api/v1/sites/{id}).
    auto mp = user.request("POST", "/api/v1/quotes", "{\"command\": \"true\"}",
                           {{"Content-Type", "application/merge-patch+json"}});
    check_problem(mp, 415);
  }
  SECTION("application/json in any case and with parameters is JSON (RFC 9110)") {
    for (const char* ct : {"Application/JSON", "application/json; charset=utf-8",
                           "APPLICATION/JSON;charset=\"UTF-8\""}) {
      INFO(ct);
      auto r = user.request("POST", "/api/v1/quotes",
                            "{\"command\": \"true\", \"resources\": {\"cpus\": 1}}",
                            {{"Content-Type", ct}});
      CHECK(r.status != 415);
      CHECK(r.status != 400);
    }
  }
}

TEST_CASE("health, readiness and the static portal answer without a key", "[integration][http]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto anon = gw.client();
  auto h = anon.get("/healthz");
  CHECK(h.status == 200);
  CHECK(h.json().at("status") == "ok");
  CHECK(anon.get("/readyz").status == 200);
  auto page = anon.get("/");
  CHECK(page.status == 200);
  CHECK_THAT(page.header("content-type"), Catch::StartsWith("text/html"));
  // Paths cannot escape web/.
  CHECK(anon.get("/../CMakeLists.txt").status == 404);
  CHECK(anon.get("/%2e%2e/CMakeLists.txt").status == 404);
  // web/'s tooling is not part of the portal.
  CHECK(anon.get("/package.json").status == 404);
  CHECK(anon.get("/node_modules/.package-lock.json").status == 404);
  CHECK(anon.get("/.gitignore").status == 404);
  // An unchanged file is not sent twice.
  const std::string etag = page.header("etag");
  REQUIRE_FALSE(etag.empty());
  auto again = anon.request("GET", "/", "", {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(anon.request("GET", "/", "", {{"If-None-Match", "\"other\""}}).status == 200);
}

TEST_CASE("requests on one kept-alive connection each get their own request id",
          "[integration][http]") {
  TempDir dir;
  TestGateway gw(dir.path());
  auto anon = gw.client();
  auto a = anon.get("/healthz");
  auto b = anon.get("/healthz");
  CHECK_FALSE(a.header("x-request-id").empty());
  CHECK(a.header("x-request-id") != b.header("x-request-id"));
}

}  // namespace suanwang::testing
