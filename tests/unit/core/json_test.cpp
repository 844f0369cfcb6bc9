// Bounded JSON parsing and JsonReader: input from outside is bad by default, so every failure
// must be a value (never an exception) with the offending field named.
#include <catch2/catch.hpp>

#include <limits>
#include <string>

#include "gateway/core/json.hpp"

namespace {

using namespace suanwang;
using Catch::Matchers::Contains;

std::string nested_arrays(int levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

TEST_CASE("parse_json accepts valid JSON", "[core][json]") {
  auto j = parse_json(R"({"a": [1, 2.5, "x", true, null], "b": {"c": {}}})");
  REQUIRE(j);
  CHECK((*j)["a"][1] == 2.5);
  CHECK((*j)["b"]["c"].is_object());
}

TEST_CASE("parse_json rejects malformed text with invalid_argument", "[core][json]") {
  for (const char* bad :
       {"", "{", "{\"a\": }", "[1,]", "{} x", "{/* comment */}", "nul", "{'a': 1}"}) {
    INFO("input: " << bad);
    auto j = parse_json(bad);
    REQUIRE_FALSE(j);
    CHECK(j.error().code == Errc::invalid_argument);
    CHECK_THAT(j.error().message, Contains("not valid JSON"));
    // The library's "[json.exception...]" tag is not shown to users.
    CHECK_THAT(j.error().message, !Contains("json.exception"));
  }
}

TEST_CASE("parse_json rejects invalid UTF-8 in strings", "[core][json]") {
  auto j = parse_json("{\"a\": \"\xff\xfe\"}");
  REQUIRE_FALSE(j);
  CHECK(j.error().code == Errc::invalid_argument);
  // A valid multi-byte sequence is fine.
  CHECK(parse_json("{\"hub\": \"\xe8\xb4\xb5\xe5\xb7\x9e\"}"));  // 贵州
}

TEST_CASE("parse_json allows exactly max_depth levels of nesting", "[core][json]") {
  CHECK(parse_json(nested_arrays(3), 3));
  auto deep = parse_json(nested_arrays(4), 3);
  REQUIRE_FALSE(deep);
  CHECK(deep.error().code == Errc::invalid_argument);
  CHECK_THAT(deep.error().message, Contains("deeper than 3"));

  // Objects and arrays count alike.
  CHECK(parse_json(R"({"a": {"b": [1]}})", 3));
  CHECK_FALSE(parse_json(R"({"a": {"b": [{}]}})", 3));

  // The default limit is 32.
  CHECK(parse_json(nested_arrays(32)));
  CHECK_FALSE(parse_json(nested_arrays(33)));
  // Scalars have no depth.
  CHECK(parse_json("42", 1));
}

TEST_CASE("parse_json survives pathological depth without recursion trouble", "[core][json]") {
  // 100k levels would overflow a naive recursive parser; the limit stops it early.
  auto j = parse_json(nested_arrays(100000));
  REQUIRE_FALSE(j);
  CHECK_THAT(j.error().message, Contains("deeper than 32"));
}

TEST_CASE("JsonReader::expect_object names the object by its path", "[core][json]") {
  const Json arr = Json::array();
  auto top = JsonReader(arr, "").expect_object();
  REQUIRE_FALSE(top);
  CHECK(top.error().field == "body");
  CHECK(top.error().message == "body must be a JSON object, not an array");

  const Json str = "x";
  auto nested = JsonReader(str, "resources.").expect_object();
  REQUIRE_FALSE(nested);
  CHECK(nested.error().field == "resources");
  CHECK(nested.error().message == "resources must be a JSON object, not a string");

  const Json obj = Json::object();
  CHECK(JsonReader(obj, "").expect_object());
}

TEST_CASE("JsonReader::reject_unknown names the first unknown member with its path",
          "[core][json]") {
  const Json j = {{"cpus", 1}, {"gpus", 2}};
  auto r = JsonReader(j, "resources.").reject_unknown({"cpus", "memory_gb"});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_argument);
  CHECK(r.error().field == "resources.gpus");
  CHECK_THAT(r.error().message, Contains("'resources.gpus'"));
  CHECK(JsonReader(j, "").reject_unknown({"cpus", "gpus"}));
}

TEST_CASE("JsonReader string readers", "[core][json]") {
  const Json j = {{"name", "abc"}, {"empty", ""}, {"num", 5}, {"nil", nullptr}};
  JsonReader r(j, "x.");

  auto name = r.opt_string("name");
  REQUIRE(name);
  CHECK(*name == std::optional<std::string>("abc"));
  // Missing and null are both "not given".
  CHECK(r.opt_string("missing").value() == std::nullopt);
  CHECK(r.opt_string("nil").value() == std::nullopt);

  auto wrong = r.opt_string("num");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().field == "x.num");
  CHECK(wrong.error().message == "x.num must be a string, not an integer");

  auto too_long = r.opt_string("name", 2);
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().field == "x.name");
  CHECK_THAT(too_long.error().message, Contains("longer than 2"));
  CHECK(r.opt_string("name", 3));  // the limit is inclusive

  // The required reader also refuses empty strings.
  CHECK(r.string("name").value() == "abc");
  for (const char* key : {"empty", "missing", "nil"}) {
    auto req = r.string(key);
    REQUIRE_FALSE(req);
    CHECK(req.error().field == std::string("x.") + key);
    CHECK(req.error().message == std::string("x.") + key + " is required");
  }
}

TEST_CASE("JsonReader integer readers check type and range", "[core][json]") {
  const Json j = {{"n", 5},
                  {"f", 3.0},
                  {"frac", 3.5},
                  {"s", "5"},
                  {"neg", -2},
                  {"b", true},
                  {"huge", 18446744073709551615ULL},
                  {"big_float", 1e300}};
  JsonReader r(j, "");

  CHECK(r.integer("n", 1, 10).value() == 5);
  CHECK(r.integer("f", 1, 10).value() == 3);  // a whole float is an integer
  CHECK(r.opt_int("missing", 1, 10).value() == std::nullopt);

  auto frac = r.opt_int("frac", 1, 10);
  REQUIRE_FALSE(frac);
  CHECK(frac.error().message == "frac must be an integer, not a number");
  auto s = r.opt_int("s", 1, 10);
  REQUIRE_FALSE(s);
  CHECK(s.error().message == "s must be an integer, not a string");
  auto b = r.opt_int("b", 0, 10);
  REQUIRE_FALSE(b);
  CHECK(b.error().message == "b must be an integer, not a boolean");

  auto range = r.opt_int("neg", 1, 10);
  REQUIRE_FALSE(range);
  CHECK(range.error().field == "neg");
  CHECK(range.error().message == "neg must be between 1 and 10");
  CHECK(r.opt_int("n", 5, 5));  // bounds inclusive
  CHECK_FALSE(r.opt_int("n", 6, 10));
  CHECK_FALSE(r.opt_int("n", 1, 4));

  // An unsigned value beyond int64 must not wrap to a negative number that passes a check.
  CHECK_FALSE(r.opt_int("huge", std::numeric_limits<int64_t>::min(), 1000));
  CHECK_FALSE(r.opt_int("big_float", 0, std::numeric_limits<int64_t>::max()));

  auto req = r.integer("missing", 1, 10);
  REQUIRE_FALSE(req);
  CHECK(req.error().message == "missing is required");
}

TEST_CASE("JsonReader number readers check type and range", "[core][json]") {
  const Json j = {{"x", 2.5}, {"i", 3}, {"s", "2.5"}, {"b", false}, {"neg", -0.5}};
  JsonReader r(j, "pricing.");
  CHECK(r.number("x", 0, 10).value() == 2.5);
  CHECK(r.number("i", 0, 10).value() == 3.0);  // integers are numbers
  CHECK(r.opt_number("missing", 0, 1).value() == std::nullopt);

  auto s = r.opt_number("s", 0, 10);
  REQUIRE_FALSE(s);
  CHECK(s.error().field == "pricing.s");
  CHECK(s.error().message == "pricing.s must be a number, not a string");
  auto b = r.opt_number("b", 0, 10);
  REQUIRE_FALSE(b);
  CHECK(b.error().message == "pricing.b must be a number, not a boolean");

  auto range = r.opt_number("neg", 0.001, 100);
  REQUIRE_FALSE(range);
  CHECK(range.error().message == "pricing.neg must be between 0.001 and 100");

  auto req = r.number("missing", 0, 1);
  REQUIRE_FALSE(req);
  CHECK(req.error().message == "pricing.missing is required");
}

TEST_CASE("JsonReader::opt_bool", "[core][json]") {
  const Json j = {{"t", true}, {"one", 1}};
  JsonReader r(j, "");
  CHECK(r.opt_bool("t").value() == std::optional<bool>(true));
  CHECK(r.opt_bool("missing").value() == std::nullopt);
  auto one = r.opt_bool("one");
  REQUIRE_FALSE(one);
  CHECK(one.error().field == "one");
  CHECK(one.error().message == "one must be true or false");
}

TEST_CASE("JsonReader::string_list checks the array and each element", "[core][json]") {
  const Json j = {{"ok", {"a", "b"}},
                  {"not_array", "a"},
                  {"mixed", {"a", 1}},
                  {"empty_item", {"a", ""}},
                  {"three", {"a", "b", "c"}}};
  JsonReader r(j, "constraints.");
  CHECK(r.string_list("ok").value() == std::vector<std::string>{"a", "b"});
  CHECK(r.string_list("missing").value().empty());

  auto na = r.string_list("not_array");
  REQUIRE_FALSE(na);
  CHECK(na.error().field == "constraints.not_array");

  auto mixed = r.string_list("mixed");
  REQUIRE_FALSE(mixed);
  CHECK(mixed.error().field == "constraints.mixed[1]");
  CHECK(mixed.error().message == "constraints.mixed[1] must be a string");

  auto empty = r.string_list("empty_item");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().field == "constraints.empty_item[1]");

  auto many = r.string_list("three", 2);
  REQUIRE_FALSE(many);
  CHECK(many.error().field == "constraints.three");
  CHECK_THAT(many.error().message, Contains("more than 2 items"));

  auto long_item = r.string_list("ok", 10, 0);
  REQUIRE_FALSE(long_item);
  CHECK(long_item.error().field == "constraints.ok[0]");
}

TEST_CASE("JsonReader on a non-object reads nothing rather than throwing", "[core][json]") {
  const Json arr = {1, 2};
  JsonReader r(arr, "");
  CHECK_FALSE(r.has("a"));
  CHECK(r.get("a") == nullptr);
  CHECK(r.opt_string("a").value() == std::nullopt);
}

TEST_CASE("round_cny rounds to two decimals, half away from zero", "[core][json]") {
  CHECK(round_cny(12.3456) == Approx(12.35).margin(1e-12));
  CHECK(round_cny(12.344) == Approx(12.34).margin(1e-12));
  CHECK(round_cny(0.004) == 0.0);
  CHECK(round_cny(0.006) == Approx(0.01).margin(1e-12));
  CHECK(round_cny(-3.14159) == Approx(-3.14).margin(1e-12));
  CHECK(round_cny(0.125) == Approx(0.13).margin(1e-12));  // 12.5 is exact in binary
  CHECK(round_cny(100) == 100.0);
}

}  // namespace
