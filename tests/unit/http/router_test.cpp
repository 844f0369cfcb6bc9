// Router: exact matching of literal segments and {name} captures, 404 (no path match) versus
// 405 (path matches, method does not) with the allowed methods listed for the Allow header.
#include <catch2/catch.hpp>

#include <algorithm>

#include "gateway/http/router.hpp"

namespace {

using namespace suanwang::http;

Router api() {
  Router r;
  for (auto [verb, pattern] : std::initializer_list<std::pair<Verb, const char*>>{
           {Verb::get, "/healthz"},
           {Verb::get, "/api/v1/jobs"},
           {Verb::post, "/api/v1/jobs"},
           {Verb::get, "/api/v1/jobs/{id}"},
           {Verb::post, "/api/v1/jobs/{id}/cancel"},
           {Verb::get, "/api/v1/sites/{id}"},
           {Verb::patch, "/api/v1/sites/{id}"},
           {Verb::delete_, "/api/v1/sites/{id}"},
           {Verb::get, "/api/v1/orgs/{org}/keys/{key}"},
       }) {
    r.add(verb, pattern, Handler{});
  }
  return r;
}

TEST_CASE("literal routes match exactly", "[http][router]") {
  const Router r = api();
  auto m = r.match(Verb::get, "/healthz");
  REQUIRE(m.route);
  CHECK(m.route->pattern == "/healthz");
  CHECK(m.params.empty());

  auto post = r.match(Verb::post, "/api/v1/jobs");
  REQUIRE(post.route);
  CHECK(post.route->method == Verb::post);
  auto get = r.match(Verb::get, "/api/v1/jobs");
  REQUIRE(get.route);
  CHECK(get.route->method == Verb::get);
}

TEST_CASE("captures bind path parameters, percent-decoded", "[http][router]") {
  const Router r = api();
  auto m = r.match(Verb::get, "/api/v1/jobs/job_01abc");
  REQUIRE(m.route);
  CHECK(m.route->pattern == "/api/v1/jobs/{id}");
  CHECK(m.params.at("id") == "job_01abc");

  auto cancel = r.match(Verb::post, "/api/v1/jobs/job_7/cancel");
  REQUIRE(cancel.route);
  CHECK(cancel.route->pattern == "/api/v1/jobs/{id}/cancel");
  CHECK(cancel.params.at("id") == "job_7");

  auto two = r.match(Verb::get, "/api/v1/orgs/org_1/keys/key_2");
  REQUIRE(two.route);
  CHECK(two.params.at("org") == "org_1");
  CHECK(two.params.at("key") == "key_2");

  auto encoded = r.match(Verb::get, "/api/v1/jobs/a%2Fb%20c");
  REQUIRE(encoded.route);
  CHECK(encoded.params.at("id") == "a/b c");  // an encoded slash does not split segments
}

TEST_CASE("an unknown path is a 404: no route and no allowed methods", "[http][router]") {
  const Router r = api();
  for (const char* path :
       {"/", "/nope", "/api/v1", "/api/v1/jobs/x/y", "/api/v1/job", "/api/v1/jobs/",
        "/api/v1/jobs//cancel", "/healthz/", "//healthz", "/HEALTHZ", ""}) {
    INFO("path '" << path << "'");
    auto m = r.match(Verb::get, path);
    CHECK(m.route == nullptr);
    CHECK(m.allowed.empty());
  }
}

TEST_CASE("a known path with the wrong method is a 405 listing the methods", "[http][router]") {
  const Router r = api();
  auto m = r.match(Verb::put, "/api/v1/sites/site_1");
  CHECK(m.route == nullptr);
  std::vector<std::string> allowed = m.allowed;
  std::sort(allowed.begin(), allowed.end());
  CHECK(allowed == std::vector<std::string>{"DELETE", "GET", "PATCH"});

  auto jobs = r.match(Verb::delete_, "/api/v1/jobs");
  CHECK(jobs.route == nullptr);
  allowed = jobs.allowed;
  std::sort(allowed.begin(), allowed.end());
  CHECK(allowed == std::vector<std::string>{"GET", "POST"});

  auto cancel = r.match(Verb::get, "/api/v1/jobs/job_1/cancel");
  CHECK(cancel.route == nullptr);
  CHECK(cancel.allowed == std::vector<std::string>{"POST"});
}

TEST_CASE("HEAD is served by the GET route", "[http][router]") {
  const Router r = api();
  auto m = r.match(Verb::head, "/api/v1/jobs/job_1");
  REQUIRE(m.route);
  CHECK(m.route->method == Verb::get);
  CHECK(m.params.at("id") == "job_1");
  // But not by other methods' routes.
  auto cancel = r.match(Verb::head, "/api/v1/jobs/job_1/cancel");
  CHECK(cancel.route == nullptr);
  CHECK(cancel.allowed == std::vector<std::string>{"POST"});
}

TEST_CASE("registering the same route twice is a start-up bug", "[http][router]") {
  Router r;
  r.add(Verb::get, "/a/{id}", Handler{});
  CHECK_THROWS_AS(r.add(Verb::get, "/a/{id}", Handler{}), std::logic_error);
  CHECK_NOTHROW(r.add(Verb::post, "/a/{id}", Handler{}));
  CHECK(r.routes().size() == 2);
}

TEST_CASE("a literal route registered first wins over a capture", "[http][router]") {
  Router r;
  r.add(Verb::get, "/sites/capacity", Handler{});
  r.add(Verb::get, "/sites/{id}", Handler{});
  auto lit = r.match(Verb::get, "/sites/capacity");
  REQUIRE(lit.route);
  CHECK(lit.route->pattern == "/sites/capacity");
  auto cap = r.match(Verb::get, "/sites/site_1");
  REQUIRE(cap.route);
  CHECK(cap.params.at("id") == "site_1");
}

}  // namespace
