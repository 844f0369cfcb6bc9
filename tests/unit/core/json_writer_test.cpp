// JsonWriter: text written without a tree must read back as the value nlohmann would have
// written, whatever the strings and numbers hold.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "gateway/core/json.hpp"
#include "gateway/core/json_writer.hpp"

namespace {

using namespace suanwang;

TEST_CASE("JsonWriter nests objects and arrays with commas only between members", "[core][json]") {
  std::string s;
  JsonWriter w(s);
  w.begin_object().member("a", 1).key("b").begin_array();
  w.value("x").begin_object().end_object().begin_array().end_array().null().value(true);
  w.end_array().key("c").begin_object().member("d", false).end_object().end_object();
  CHECK(s == R"({"a":1,"b":["x",{},[],null,true],"c":{"d":false}})");
  CHECK(Json::parse(s) == Json::parse(R"({"a":1,"b":["x",{},[],null,true],"c":{"d":false}})"));
}

TEST_CASE("JsonWriter strings read back as nlohmann writes them, bad UTF-8 replaced",
          "[core][json]") {
  for (const std::string& v : {std::string("plain"), std::string("quote \" back \\ slash"),
                              std::string("tab\tnew\nline\x01\x7f"), std::string("中文 ¥"),
                              std::string("bad \xff\xfe end"), std::string("cut \xe4\xb8"),
                              std::string("mid \xe4\xb8x \xf0\x9f\x98 \xed\xa0\x80 \xc0\xaf"),
                              std::string("nul \0 inside", 13)}) {
    INFO(v);
    std::string s;
    JsonWriter(s).value(v);
    const std::string theirs = Json(v).dump(-1, ' ', false, Json::error_handler_t::replace);
    CHECK(Json::parse(s) == Json::parse(theirs));
  }
}

TEST_CASE("JsonWriter numbers keep their type and value", "[core][json]") {
  for (double v : {0.0, 1.0, -2.0, 0.1, 1.0 / 3, 1e20, 1e-7, 123456.789, -0.0,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::min()}) {
    INFO(v);
    std::string s;
    JsonWriter(s).value(v);
    const Json back = Json::parse(s);
    CHECK(back.is_number_float());
    CHECK(back.get<double>() == v);
  }
  for (double v : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    std::string s;
    JsonWriter(s).value(v);
    CHECK(s == "null");
  }
  std::string s;
  JsonWriter(s)
      .begin_array()
      .value(int64_t{-9007199254740993})
      .value(uint64_t{18446744073709551615u})
      .end_array();
  const Json back = Json::parse(s);
  CHECK(back[0].get<int64_t>() == -9007199254740993);
  CHECK(back[1].get<uint64_t>() == 18446744073709551615u);
}

}  // namespace
