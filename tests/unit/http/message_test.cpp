// percent_decode and the request-context helpers built on it.
#include <catch2/catch.hpp>

#include "gateway/http/message.hpp"

namespace {

using namespace suanwang::http;

TEST_CASE("percent_decode decodes %XX in either case", "[http][message]") {
  CHECK(percent_decode("") == "");
  CHECK(percent_decode("plain") == "plain");
  CHECK(percent_decode("a%20b") == "a b");
  CHECK(percent_decode("%2F%2f") == "//");
  CHECK(percent_decode("%41%42%43") == "ABC");
  CHECK(percent_decode("%E8%B4%B5%E5%B7%9E") == "\xe8\xb4\xb5\xe5\xb7\x9e");  // 贵州
  CHECK(percent_decode("100%25") == "100%");
  CHECK(percent_decode("%00") == std::string(1, '\0'));
}

TEST_CASE("'+' is a space in a query string only", "[http][message]") {
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", UrlPart::path) == "a+b");
  CHECK(percent_decode("a+b", UrlPart::query) == "a b");
  CHECK(percent_decode("a%2Bb", UrlPart::query) == "a+b");
}

TEST_CASE("percent_decode leaves malformed escapes as they are", "[http][message]") {
  CHECK(percent_decode("%") == "%");
  CHECK(percent_decode("%4") == "%4");
  CHECK(percent_decode("abc%") == "abc%");
  CHECK(percent_decode("abc%4") == "abc%4");
  CHECK(percent_decode("%zz") == "%zz");
  CHECK(percent_decode("%4g") == "%4g");
  CHECK(percent_decode("%%41") == "%A");
  // The escape at the very end of the input is decoded.
  CHECK(percent_decode("x%41") == "xA");
}

TEST_CASE("query_param returns the first value, decoded", "[http][message]") {
  Request req{Verb::get, "/api/v1/jobs?state=running&page_size=20", 11};
  RequestContext ctx{req, "req_1", "127.0.0.1", "/api/v1/jobs", "", {}};

  ctx.query = "state=running&page_size=20&state=failed";
  CHECK(ctx.query_param("state") == "running");
  CHECK(ctx.query_param("page_size") == "20");
  CHECK_FALSE(ctx.query_param("page_token"));

  ctx.query = "page_token=a%2Bb%3D&name=my+job&flag&empty=";
  CHECK(ctx.query_param("page_token") == "a+b=");
  CHECK(ctx.query_param("name") == "my job");
  CHECK(ctx.query_param("flag") == "");
  CHECK(ctx.query_param("empty") == "");
  CHECK_FALSE(ctx.query_param("fla"));

  ctx.query = "";
  CHECK_FALSE(ctx.query_param("state"));
}

TEST_CASE("path params and headers", "[http][message]") {
  Request req{Verb::get, "/x", 11};
  req.set("Idempotency-Key", "k-1");
  RequestContext ctx{req, "req_1", "127.0.0.1", "/x", "", {{"id", "job_1"}}};
  CHECK(ctx.param("id") == "job_1");
  CHECK(ctx.param("missing").empty());
  CHECK(ctx.header("idempotency-key") == "k-1");  // case-insensitive
  CHECK(ctx.header("Authorization").empty());
}

TEST_CASE("json_response sets the house headers", "[http][message]") {
  const auto res = json_response(Status::created, suanwang::Json{{"id", "job_1"}});
  CHECK(res.result() == Status::created);
  CHECK(res[bhttp::field::content_type] == "application/json");
  CHECK(res[bhttp::field::cache_control] == "no-store");
  CHECK(res.body() == R"({"id":"job_1"})");
  CHECK(res[bhttp::field::content_length] == "14");
}

}  // namespace
