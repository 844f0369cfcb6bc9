// Logger: structured log lines, each a JSON object ({"ts", "level", "msg", fields…}), written
// to up to two outputs (one Logger per process, passed by reference; no global logger):
//   - the terminal (a stream: stderr), as JSON lines or as short human-readable text;
//   - a log file of JSON lines, rotated by size (RotatingFile), when `--log-file` is given.
// Routine lines — one per HTTP request (the access log) — go to the file and to a JSON
// terminal, but to a text terminal only at debug level: an idle portal tab polls the API, and
// one line per request would bury the start-up banner, the warnings and the errors.
// Thread-safe.
//
// Lines are written in groups: a line is appended to a pending buffer and whoever finds no
// write in progress writes the whole buffer in one call, so under load many lines share one
// system call while a lone line is still written before log() returns. Callers wait only when
// more than kMaxPending bytes are pending (a stalled output slows the callers instead of
// growing memory).
#pragma once

#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/core/json_writer.hpp"
#include "gateway/core/result.hpp"

namespace suanwang {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };
// event: start, stop, state changes, warnings, errors. routine: one line per request (access).
enum class LogChannel { event, routine };
enum class LogFormat { json, text };

// A log file of whole lines that rotates by size: when a write would take PATH past
// max_bytes, PATH.{keep-1} becomes PATH.{keep} (the oldest is deleted), …, PATH becomes
// PATH.1, and a new PATH starts. Created mode 0600 (lines carry addresses and request paths).
// Not thread-safe: the Logger writes from one thread at a time.
class RotatingFile {
 public:
  static Result<std::unique_ptr<RotatingFile>> open(std::filesystem::path path,
                                                    std::size_t max_bytes, int keep);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  // Appends `batch` (whole lines), rotating first when it would not fit. Returns the error
  // text of a failed write or rotation, else empty.
  std::string write(std::string_view batch);
  const std::filesystem::path& path() const { return path_; }

 private:
  RotatingFile(std::filesystem::path path, std::size_t max_bytes, int keep, int fd,
               std::size_t size);
  std::string rotate();
  std::filesystem::path path_;
  std::size_t max_bytes_;
  int keep_;
  int fd_;
  std::size_t size_;
};

// Where a Logger writes: see the file comment.
struct LogOutputs {
  LogLevel level = LogLevel::info;
  LogFormat terminal_format = LogFormat::json;
  std::unique_ptr<RotatingFile> file;  // optional
};

class Logger {
 public:
  static constexpr std::size_t kMaxPending = 1 << 20;

  // Every line at `min_level` and above as JSON on `out` (tests and tools).
  explicit Logger(std::ostream& out, LogLevel min_level = LogLevel::info);
  Logger(std::ostream& terminal, LogOutputs outputs);
  ~Logger();

  // The line is {"ts", "level", "msg", then `fields`' members} ("ts", "level" and "msg" in
  // `fields` are ignored).
  void log(LogLevel level, std::string_view msg, nlohmann::json fields = nlohmann::json::object(),
           LogChannel channel = LogChannel::event);
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
  // Whether a line of this level and channel goes anywhere.
  bool enabled(LogLevel level, LogChannel channel = LogChannel::event) const {
    return level >= min_level_ && (to_file_ || to_terminal(level, channel));
  }

  // Writes one complete JSON line (an object ending in '\n') to the outputs that take a line
  // of this level and channel; see LogLine.
  void write_line(std::string_view line, LogLevel level = LogLevel::info,
                  LogChannel channel = LogChannel::event);

 private:
  bool to_terminal(LogLevel level, LogChannel channel) const {
    return level >= min_level_ &&
           (channel == LogChannel::event || terminal_format_ == LogFormat::json ||
            min_level_ == LogLevel::debug);
  }

  std::mutex mu_;
  std::condition_variable drained_;
  std::string terminal_pending_;  // REQUIRES: mu_ held
  std::string file_pending_;      // REQUIRES: mu_ held
  bool writing_ = false;          // a caller is writing; REQUIRES: mu_ held
  bool file_failed_ = false;      // a file write failed (reported once); REQUIRES: writing_
  std::ostream& out_;             // written only by the caller that set writing_
  LogLevel min_level_;
  LogFormat terminal_format_;
  std::unique_ptr<RotatingFile> file_;  // written only by the caller that set writing_
  bool to_file_;
};

// One log line built field by field, without a JSON tree: for hot paths such as the access
// log. Values are escaped as JSON strings (invalid UTF-8 replaced by U+FFFD) or written as
// numbers. Nothing is built when no output takes the line.
//   LogLine(log, LogLevel::info, "access", LogChannel::routine).add("status", 200).write();
class LogLine {
 public:
  LogLine(Logger& log, LogLevel level, std::string_view msg,
          LogChannel channel = LogChannel::event);
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
  LogLevel level_;
  LogChannel channel_;
  bool enabled_;
  std::string text_;
};

// The human-readable terminal form of one JSON log line, ending in '\n':
//   "14:03:07 WARN  site unreachable  site=site_01 error=\"connection refused\"" and, for
//   access lines, "14:03:07 INFO  GET /api/v1/sites 200 1.3 ms". The time is local.
std::string render_log_text(std::string_view json_line);

}  // namespace suanwang
