// Logger: JSON lines on a stream (stderr by default), one object per line, so logs can be
// read by people and by machines. Thread-safe. Passed by reference; there is no global logger.
//
// Lines are written in groups: a line is appended to a pending buffer and whoever finds no
// write in progress writes the whole buffer in one call, so under load many lines share one
// system call while a lone line is still written before log() returns. Callers wait only when
// more than kMaxPending bytes are pending (a stalled stream slows the callers instead of
// growing memory).
#pragma once

#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/core/json_writer.hpp"

namespace suanwang {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

class Logger {
 public:
  static constexpr std::size_t kMaxPending = 1 << 20;

  explicit Logger(std::ostream& out, LogLevel min_level = LogLevel::info)
      : out_(out), min_level_(min_level) {}

  // The line is {"ts", "level", "msg", then `fields`' members} ("ts", "level" and "msg" in
  // `fields` are ignored).
  void log(LogLevel level, std::string_view msg, nlohmann::json fields = nlohmann::json::object());
  void debug(std::string_view m, nlohmann::json f = nlohmann::json::object()) {
    log(LogLevel::debug, m, std::move(f));
  }
  void info(std::string_view m, nlohmann::json f = nlohmann::json::object()) {
    log(LogLevel::info, m, std::move(f));
  }
  void warn(std::string_view m, nlohmann::json f = nlohmann::json::object()) {
    log(LogLevel::warn, m, std::move(f));
  }
  void error(std::string_view m, nlohmann::json f = nlohmann::json::object()) {
    log(LogLevel::error, m, std::move(f));
  }
  bool enabled(LogLevel level) const { return level >= min_level_; }

  // Writes one complete line (a JSON object ending in '\n'); see LogLine.
  void write_line(std::string_view line);

 private:
  std::mutex mu_;
  std::condition_variable drained_;
  std::string pending_;   // REQUIRES: mu_ held
  bool writing_ = false;  // a caller is writing; REQUIRES: mu_ held
  std::ostream& out_;     // written only by the caller that set writing_
  LogLevel min_level_;
};

// One log line built field by field, without a JSON tree: for hot paths such as the access
// log. Values are escaped as JSON strings (invalid UTF-8 replaced by U+FFFD) or written as
// numbers. Nothing is built when the level is disabled.
//   LogLine(log, LogLevel::info, "access").add("status", 200).add("path", p).write();
class LogLine {
 public:
  LogLine(Logger& log, LogLevel level, std::string_view msg);
  LogLine& add(std::string_view key, std::string_view value);
  LogLine& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  LogLine& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  template <std::integral T>
  requires(!std::same_as<T, bool>) LogLine& add(std::string_view key, T value) {
    if constexpr (std::is_signed_v<T>) {
      return add_integer(key, static_cast<int64_t>(value));
    } else {
      return add_integer(key, static_cast<uint64_t>(value));
    }
  }
  LogLine& add(std::string_view key, double value);
  LogLine& add(std::string_view key, bool value);
  void write();

 private:
  template <class Integer>  // int64_t or uint64_t (defined in logging.cpp)
  LogLine& add_integer(std::string_view key, Integer value);
  void key(std::string_view k);
  Logger& log_;
  bool enabled_;
  std::string text_;
};

}  // namespace suanwang
