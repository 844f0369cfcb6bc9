// problem+json (RFC 9457): the one error shape — type, title, status, detail — plus the
// house extension members code, field and request_id.
#include <catch2/catch.hpp>

#include "gateway/http/problem.hpp"

namespace {

using namespace suanwang;
using namespace suanwang::http;

TEST_CASE("a problem response has the RFC 9457 members and media type", "[http][problem]") {
  Problem p;
  p.status = Status::unprocessable_entity;
  p.code = "invalid_argument";
  p.title = "Invalid argument";
  p.detail = "resources.cpus must be between 1 and 1000000";
  p.field = "resources.cpus";
  const Response res = problem_response(p, "req_123");

  CHECK(res.result() == Status::unprocessable_entity);
  CHECK(res[bhttp::field::content_type] == "application/problem+json");
  CHECK(res[bhttp::field::cache_control] == "no-store");
  CHECK(res[bhttp::field::content_length] == std::to_string(res.body().size()));

  auto body = parse_json(res.body());
  REQUIRE(body);
  CHECK((*body)["type"] == "urn:suanwang:problem:invalid_argument");
  CHECK((*body)["title"] == "Invalid argument");
  CHECK((*body)["status"] == 422);  // a number equal to the HTTP status
  CHECK((*body)["detail"] == "resources.cpus must be between 1 and 1000000");
  CHECK((*body)["code"] == "invalid_argument");
  CHECK((*body)["field"] == "resources.cpus");
  CHECK((*body)["request_id"] == "req_123");
}

TEST_CASE("optional members are left out when empty", "[http][problem]") {
  Problem p;
  p.status = Status::not_found;
  p.code = "not_found";
  p.title = "Not found";
  p.detail = "no job job_1";
  const Response res = problem_response(p, "");
  auto body = parse_json(res.body());
  REQUIRE(body);
  CHECK((*body)["status"] == 404);
  CHECK_FALSE(body->contains("field"));
  CHECK_FALSE(body->contains("request_id"));
  CHECK(body->size() == 5);
}

TEST_CASE("extension members are added to the body", "[http][problem]") {
  Problem p;
  p.status = Status::method_not_allowed;
  p.code = "method_not_allowed";
  p.title = "Method not allowed";
  p.detail = "PUT is not allowed here";
  p.extra = {{"allowed", {"GET", "POST"}}};
  const Response res = problem_response(p, "req_1", 10);
  CHECK(res.version() == 10);
  auto body = parse_json(res.body());
  REQUIRE(body);
  CHECK((*body)["allowed"] == Json{"GET", "POST"});
  CHECK((*body)["status"] == 405);
}

TEST_CASE("detail text that is not valid UTF-8 still yields valid JSON", "[http][problem]") {
  Problem p;
  p.status = Status::bad_request;
  p.code = "invalid_argument";
  p.title = "Invalid argument";
  p.detail = "unknown field '\xff\xfe'";  // echoed from a hostile request
  const Response res = problem_response(p, "r");
  CHECK(parse_json(res.body()));
}

TEST_CASE("the HTTP layer's own problems are coded and in the caller's language",
          "[http][problem][i18n]") {
  Request req{Verb::get, "/api/v1/nothing?page_size=3&lang=zh-CN", 11};
  CHECK(request_lang(req) == i18n::Lang::zh);
  req.target("/api/v1/nothing");
  CHECK(request_lang(req) == i18n::Lang::en);
  req.set(bhttp::field::accept_language, "zh-CN,zh;q=0.9,en;q=0.5");
  CHECK(request_lang(req) == i18n::Lang::zh);
  req.target("/api/v1/nothing?lang=en");  // the parameter wins (a link can carry it)
  CHECK(request_lang(req) == i18n::Lang::en);
  req.target("/api/v1/nothing?xlang=en&lang%3D=en");  // only the parameter named lang
  CHECK(request_lang(req) == i18n::Lang::zh);

  const Response zh = coded_problem_response(Status::payload_too_large, "payload_too_large",
                                             {"http.body_too_large", {{"bytes", "1024"}}},
                                             i18n::Lang::zh, "req_1");
  CHECK(zh[bhttp::field::content_language] == "zh");
  auto body = parse_json(zh.body());
  REQUIRE(body);
  CHECK((*body)["title"] == "请求体过大");
  CHECK((*body)["detail"] == "请求体超过 1024 字节");
  CHECK((*body)["message_code"] == "http.body_too_large");
  CHECK((*body)["params"] == Json({{"bytes", "1024"}}));
  const Response en = coded_problem_response(Status::method_not_allowed, "method_not_allowed",
                                             {"http.method_not_allowed",
                                              {{"method", "DELETE"},
                                               {"path", "/x"},
                                               {"allowed", "GET, POST"}}},
                                             i18n::Lang::en, "req_2");
  body = parse_json(en.body());
  REQUIRE(body);
  CHECK((*body)["title"] == "Method not allowed");
  CHECK((*body)["detail"] == "DELETE is not allowed on /x; allowed: GET, POST");
}

}  // namespace
