// Logger and LogLine: every line is one JSON object, strings are escaped (invalid UTF-8
// replaced), and lines written from many threads at once are neither lost nor interleaved. The
// outputs: a text terminal shows short lines and no access lines below debug, a JSON terminal
// every line, the log file every line as JSON, rotated by size.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/core/logging.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace suanwang;
using Catch::Matchers::Contains;
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
  const std::vector<std::string> invalid = {"\xff",         "a\xC3",        "\xC0\xAF",
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

// ---- outputs: the terminal's text form, routine lines, the rotated file ----------------------

std::string lg_read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int lg_line_count(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

void lg_access(Logger& log, int i) {
  LogLine(log, LogLevel::info, "access", LogChannel::routine)
      .add("method", "GET")
      .add("path", "/api/v1/sites?i=" + std::to_string(i))
      .add("status", 200)
      .add("duration_ms", 1.25)
      .write();
}

TEST_CASE("a text terminal shows events as short lines and leaves out access lines at info",
          "[core][logging]") {
  std::ostringstream out;
  Logger log(out, LogOutputs{LogLevel::info, LogFormat::text, nullptr});
  CHECK_FALSE(log.enabled(LogLevel::info, LogChannel::routine));  // nothing is even built
  log.info("suanwang serving", {{"url", "http://127.0.0.1:8080"}, {"sites", 11}});
  lg_access(log, 1);
  log.warn("site unreachable", {{"site", "site_01"}, {"error", "connection refused"}});
  const std::string text = out.str();
  REQUIRE(lg_line_count(text) == 2);
  // (A JSON object's fields come in key order.)
  CHECK_THAT(text, Contains("INFO  suanwang serving  sites=11 url=http://127.0.0.1:8080\n"));
  CHECK_THAT(text, Contains("WARN  site unreachable  error=\"connection refused\" site=site_01"));
  CHECK_THAT(text, !Contains("access"));
  CHECK_THAT(text, !Contains("{"));
}

TEST_CASE("a text terminal at debug shows each request as one short line", "[core][logging]") {
  std::ostringstream out;
  Logger log(out, LogOutputs{LogLevel::debug, LogFormat::text, nullptr});
  lg_access(log, 7);
  CHECK_THAT(out.str(), Contains("INFO  GET /api/v1/sites?i=7 200 1.2 ms\n"));
}

TEST_CASE("a JSON terminal keeps every line, access lines included", "[core][logging]") {
  std::ostringstream out;
  Logger log(out, LogOutputs{LogLevel::info, LogFormat::json, nullptr});
  log.info("started");
  lg_access(log, 1);
  const auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 2);
  CHECK(lines[1]["msg"] == "access");
  CHECK(lines[1]["status"] == 200);
}

TEST_CASE("the log file takes every line as JSON while the text terminal stays short",
          "[core][logging]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "logs" / "gateway.log";  // its folder is created
  auto file = RotatingFile::open(path, 1 << 20, 3);
  REQUIRE(file);
  std::ostringstream out;
  {
    Logger log(out, LogOutputs{LogLevel::info, LogFormat::text, std::move(*file)});
    CHECK(log.enabled(LogLevel::info, LogChannel::routine));
    log.info("started");
    for (int i = 0; i < 10; ++i) lg_access(log, i);
    log.debug("below the level");
    log.error("disk failing", {{"path", "/var"}});
  }
  CHECK(lg_line_count(out.str()) == 2);
  const auto lines = lines_of(lg_read_file(path));
  REQUIRE(lines.size() == 12);
  CHECK(lines[0]["msg"] == "started");
  CHECK(lines[5]["msg"] == "access");
  CHECK(lines[11]["level"] == "error");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("lines from many threads reach the log file whole, with a text terminal beside it",
          "[core][logging]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "gateway.log";
  auto file = RotatingFile::open(path, 1 << 30, 1);
  REQUIRE(file);
  std::ostringstream out;
  constexpr int kThreads = 4;
  constexpr int kLines = 1000;
  {
    Logger log(out, LogOutputs{LogLevel::info, LogFormat::text, std::move(*file)});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kLines; ++i) {
          if (i % 100 == 0) log.warn("w", {{"t", t}, {"i", i}});
          lg_access(log, t * kLines + i);
        }
      });
    }
    for (auto& th : threads) th.join();
  }
  const auto lines = lines_of(lg_read_file(path));  // throws on a torn line
  CHECK(lines.size() == kThreads * (kLines + kLines / 100));
  CHECK(lg_line_count(out.str()) == kThreads * kLines / 100);  // the warnings only
}

TEST_CASE("the log file rotates by size and keeps the newest files", "[core][logging]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "gateway.log";
  constexpr std::size_t kMax = 4096;
  {
    auto file = RotatingFile::open(path, kMax, 2);
    REQUIRE(file);
    Logger log(std::cerr, LogOutputs{LogLevel::info, LogFormat::text, std::move(*file)});
    // ~130-byte lines, one by one: about 31 fit a file; 200 lines make ~6 files' worth.
    for (int i = 0; i < 200; ++i) lg_access(log, i);
  }
  namespace fs = std::filesystem;
  REQUIRE(fs::exists(path));
  REQUIRE(fs::exists(path.string() + ".1"));
  REQUIRE(fs::exists(path.string() + ".2"));
  CHECK_FALSE(fs::exists(path.string() + ".3"));  // keep = 2
  // Every file is within the limit, whole lines only, and the newest lines are in PATH.
  std::vector<json> kept;
  for (const auto& p : {path.string() + ".2", path.string() + ".1", path.string()}) {
    CHECK(fs::file_size(p) <= kMax);
    for (auto& l : lines_of(lg_read_file(p))) kept.push_back(std::move(l));
  }
  REQUIRE_FALSE(kept.empty());
  CHECK(kept.back()["path"] == "/api/v1/sites?i=199");
  // What is kept is the tail of what was written, in order.
  const int first = std::stoi(kept.front()["path"].get<std::string>().substr(16));
  for (std::size_t k = 0; k < kept.size(); ++k) {
    CHECK(kept[k]["path"] == "/api/v1/sites?i=" + std::to_string(first + static_cast<int>(k)));
  }
}

TEST_CASE("an existing log file is appended to and rotates when full", "[core][logging]") {
  suanwang::testing::TempDir dir;
  const auto path = dir.path() / "gateway.log";
  { std::ofstream(path) << std::string(5000, 'x') << "\n"; }
  auto file = RotatingFile::open(path, 4096, 1);
  REQUIRE(file);
  CHECK((*file)->write("{\"msg\":\"next\"}\n").empty());
  CHECK(std::filesystem::file_size(path.string() + ".1") == 5001);
  CHECK(lg_read_file(path) == "{\"msg\":\"next\"}\n");
}

TEST_CASE("a log file that cannot be opened is an error naming it", "[core][logging]") {
  suanwang::testing::TempDir dir;
  { std::ofstream(dir.path() / "not-a-dir") << "x"; }
  auto file = RotatingFile::open(dir.path() / "not-a-dir" / "gateway.log", 4096, 1);
  REQUIRE_FALSE(file);
  CHECK_THAT(file.error().message, Contains("not-a-dir"));
}

TEST_CASE("text values are bare when plain and quoted otherwise", "[core][logging]") {
  const std::string t = render_log_text(
      R"({"ts":"x","level":"error","msg":"m","b":"plain","a":"two words","c":"","d":3,"e":{"k":1}})"
      "\n");
  // In the line's order.
  CHECK_THAT(t, Contains("ERROR m  b=plain a=\"two words\" c=\"\" d=3 e={\"k\":1}\n"));
}

}  // namespace
