// Logger and LogLine: every line is one JSON object, strings are escaped (invalid UTF-8
// replaced), and lines written from many threads at once are neither lost nor interleaved.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/core/logging.hpp"

namespace {

using namespace suanwang;
using nlohmann::json;

std::vector<json> lines_of(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

TEST_CASE("a log line carries ts, level, msg and the fields", "[core][logging]") {
  std::ostringstream out;
  Logger log(out);
  log.warn("disk low", {{"free_mb", 12}, {"path", "/var"}, {"msg", "ignored"}});
  const auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["level"] == "warn");
  CHECK(lines[0]["msg"] == "disk low");
  CHECK(lines[0]["free_mb"] == 12);
  CHECK(lines[0]["path"] == "/var");
  CHECK(lines[0]["ts"].get<std::string>().size() == 24);  // 2026-01-02T03:04:05.678Z
}

TEST_CASE("a LogLine writes strings, numbers and booleans as JSON", "[core][logging]") {
  std::ostringstream out;
  Logger log(out);
  LogLine(log, LogLevel::info, "access")
      .add("path", "/a\"b\\c\nd\te\x01")
      .add("status", 404U)
      .add("delta", int64_t{-3})
      .add("duration_ms", 0.125)
      .add("inf", 1.0 / 0.0)
      .add("ok", true)
      .write();
  const auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 1);
  const auto& l = lines[0];
  CHECK(l["msg"] == "access");
  CHECK(l["path"] == "/a\"b\\c\nd\te\x01");
  CHECK(l["status"] == 404);
  CHECK(l["delta"] == -3);
  CHECK(l["duration_ms"] == 0.125);
  CHECK(l["inf"].is_null());
  CHECK(l["ok"] == true);
}

TEST_CASE("invalid UTF-8 is replaced by U+FFFD and valid UTF-8 is kept", "[core][logging]") {
  const std::vector<std::string> valid = {"plain", "算网 ok", "\xF0\x9F\x98\x80 smile", "\x7f",
                                          "\xF4\x8F\xBF\xBF"};
  for (const auto& s : valid) {
    std::string text;
    append_json_string(text, s);
    CHECK(json::parse(text) == s);
  }
  // Stray continuation, truncated sequences, overlong forms, surrogates, past U+10FFFF.
  const std::vector<std::string> invalid = {"\xff",         "a\xC3",         "\xC0\xAF",
                                            "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                            "\xE4\xB8",     "x\x80y"};
  for (const auto& s : invalid) {
    INFO("input bytes: " << json(s).dump(-1, ' ', true, json::error_handler_t::replace));
    std::string text;
    append_json_string(text, s);
    const auto parsed = json::parse(text);  // nlohmann's parser rejects invalid UTF-8
    CHECK(parsed.get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  }
}

TEST_CASE("a disabled level builds and writes nothing", "[core][logging]") {
  std::ostringstream out;
  Logger log(out, LogLevel::warn);
  log.info("quiet");
  LogLine(log, LogLevel::debug, "quiet").add("k", 1).write();
  CHECK(out.str().empty());
}

TEST_CASE("lines from many threads are all written, whole", "[core][logging]") {
  std::ostringstream out;
  Logger log(out);
  constexpr int kThreads = 8;
  constexpr int kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        if (i % 2 == 0) {
          LogLine(log, LogLevel::info, "x").add("t", t).add("i", i).write();
        } else {
          log.info("x", {{"t", t}, {"i", i}});
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto lines = lines_of(out.str());  // throws on a torn line
  REQUIRE(lines.size() == kThreads * kLines);
  std::vector<std::vector<bool>> seen(kThreads, std::vector<bool>(kLines, false));
  for (const auto& l : lines) seen[l["t"].get<int>()][l["i"].get<int>()] = true;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kLines; ++i) REQUIRE(seen[t][i]);
  }
}

}  // namespace
