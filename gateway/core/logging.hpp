// Logger: JSON lines on a stream (stderr by default), one object per line, so logs can be
// read by people and by machines. Thread-safe. Passed by reference; there is no global logger.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string_view>

#include <nlohmann/json.hpp>

namespace suanwang {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

class Logger {
 public:
  explicit Logger(std::ostream& out, LogLevel min_level = LogLevel::info)
      : out_(out), min_level_(min_level) {}

  // `fields` are merged into the line; "ts", "level" and "msg" are set here.
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

 private:
  std::mutex mu_;
  std::ostream& out_;
  LogLevel min_level_;
};

}  // namespace suanwang
